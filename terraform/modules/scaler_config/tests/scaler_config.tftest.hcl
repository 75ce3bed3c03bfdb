# Offline tests (no provider): rendering of scaler.conf and of the cloud-init document.

variables {
  nodes = [
    { id = "smd-scaler-1", address = "10.0.0.11" },
    { id = "smd-scaler-2", address = "10.0.0.12" },
    { id = "smd-scaler-3", address = "10.0.0.13" },
  ]
  admin_token      = "0123456789abcdef0123"
  openstack_secret = "app-cred-secret-value"
  openstack = {
    auth_url                  = "https://keystone.example.org:5000/v3"
    application_credential_id = "4b7c0a0e5f0e4c0a9b1d2e3f40516273"
  }
  turn_probe_password = "turn-probe-password"
  pairs = {
    kamailio = {
      floating_ip = "203.0.113.10"
      members     = ["smd-kamailio-a", "smd-kamailio-b"]
      probe       = { kind = "sip-options", port = 5060, transport = "udp" }
      replacement = { image = "sipmediadeploy-kamailio-1.0.0", flavor = "m1.small", network = "smd-net", security_groups = ["smd-kamailio"] }
    }
    coturn = {
      floating_ip = "203.0.113.11"
      members     = ["smd-coturn-a", "smd-coturn-b"]
      probe       = { kind = "turn-allocate", port = 3478, username = "probe" }
      replacement = { image = "sipmediadeploy-coturn-1.0.0", flavor = "m1.small", network = "smd-net" }
    }
  }
  pair_user_data = { kamailio = "#cloud-config\nruncmd: [[true]]\n" }
  pools = {
    gateways = {
      image           = "sipmediagw-gateway-host"
      flavor          = "m1.large"
      network         = "private"
      security_groups = ["gateway"]
      min_hosts       = 1
      max_hosts       = 10
      spare = {
        default  = 2
        schedule = [{ days = "mon-fri", from = "08:00", to = "18:00", spare = 4 }]
      }
    }
  }
  gateway_user_data = { gateways = "#cloud-config\nruncmd: [[true]]\n" }
}

run "renders_one_config_per_node_with_its_own_id_and_all_peers" {
  command = plan

  assert {
    condition     = length(output.scaler_conf) == 3 && strcontains(output.scaler_conf["smd-scaler-2"], "id = \"smd-scaler-2\"")
    error_message = "Each node's scaler.conf must carry its own node id."
  }
  assert {
    condition     = strcontains(output.scaler_conf["smd-scaler-1"], "{ id = \"smd-scaler-3\", address = \"10.0.0.13:9870\" }")
    error_message = "Every config must list every peer with the Raft port."
  }
  assert {
    condition     = output.peers[0].address == "10.0.0.11:9870"
    error_message = "Peer addresses are IP:raft_port."
  }
}

run "renders_the_reference_key_layout" {
  command = plan

  assert {
    condition = alltrue([for line in [
      "storage-dir = \"/var/lib/sipmediadeploy-scaler/raft\"",
      "name = \"sipmediadeploy\"",
      "token-file = \"/etc/sipmediadeploy/admin.token\"",
      "type = \"application-credential\"",
      "secret-file = \"/etc/sipmediadeploy/os-secret\"",
      "floating-ip = \"203.0.113.10\"",
      "members = [\"smd-coturn-a\",\"smd-coturn-b\"]",
      "kind = \"turn-allocate\"",
      "password-file = \"/etc/sipmediadeploy/turn-probe-secret\"",
      "transport = \"udp\"",
      "security-groups = [\"gateway\"]",
      "user-data-template = \"/etc/sipmediadeploy/gateway-user-data.tpl\"",
      "capacity-per-host = 1",
      "{ days = \"mon-fri\", from = \"08:00\", to = \"18:00\", spare = 4 }",
      "image = \"sipmediadeploy-kamailio-1.0.0\"",
      "security-groups = [\"smd-kamailio\"]",
      "user-data-file = \"/etc/sipmediadeploy/kamailio-user-data\"",
      "terminate-key = \"can_be_terminated\"",
      "file = \"/var/log/sipmediadeploy-scaler/scaler.json\"",
    ] : strcontains(output.scaler_conf["smd-scaler-1"], line)])
    error_message = "scaler.conf lacks a key of the reference layout."
  }
  assert {
    condition     = !strcontains(output.scaler_conf["smd-scaler-1"], "app-cred-secret-value") && !strcontains(output.scaler_conf["smd-scaler-1"], "0123456789abcdef0123")
    error_message = "No secret may be inlined in scaler.conf."
  }
}

run "cloud_init_writes_every_file_0600_owned_by_scaler_and_starts_the_service" {
  command = plan

  assert {
    condition     = startswith(output.cloud_init["smd-scaler-1"], "#cloud-config\n")
    error_message = "User data must start with #cloud-config."
  }
  assert {
    condition = alltrue([for f in yamldecode(output.cloud_init["smd-scaler-1"]).write_files :
    f.permissions == "0600" && f.owner == "scaler:scaler" && f.defer])
    error_message = "Every written file must be 0600, owned by scaler, deferred to the final stage."
  }
  assert {
    condition = toset([for f in yamldecode(output.cloud_init["smd-scaler-1"]).write_files : f.path]) == toset([
      "/etc/sipmediadeploy/scaler.conf", "/etc/sipmediadeploy/admin.token", "/etc/sipmediadeploy/os-secret",
      "/etc/sipmediadeploy/turn-probe-secret", "/etc/sipmediadeploy/gateway-user-data.tpl",
      "/etc/sipmediadeploy/kamailio-user-data",
    ])
    error_message = "cloud-init must write the config, the three secrets and the gateway and replacement user data."
  }
  assert {
    condition     = length(yamldecode(output.cloud_init["smd-scaler-1"]).runcmd) == 1
    error_message = "Without log_shipper_vars, first boot only starts the scaler."
  }
  assert {
    condition     = yamldecode(output.cloud_init["smd-scaler-1"]).runcmd[0][2] == "install -d -o scaler -g scaler -m 0750 /var/log/sipmediadeploy-scaler && scalerctl config check /etc/sipmediadeploy/scaler.conf && systemctl enable --now sipmediadeploy-scaler.service"
    error_message = "The service must start only after scalerctl accepted the config."
  }
}

run "ships_the_node_log_only_when_given_log_shipper_vars" {
  command = plan

  variables {
    log_shipper_vars = { log_shipper_elk_host = "logstash.example.org", log_shipper_elk_port = 5044 }
  }

  assert {
    condition     = yamldecode(output.cloud_init["smd-scaler-1"]).runcmd[1][2] == "ANSIBLE_CONFIG=/opt/sipmediadeploy/ansible/ansible.cfg ansible-playbook --skip-tags smd_install -i /etc/sipmediadeploy/ansible/log_shipper-inventory.yml -e @/etc/sipmediadeploy/ansible/log_shipper-vars.yml /opt/sipmediadeploy/ansible/log_shipper.yml >> /var/log/sipmediadeploy-firstboot.log 2>&1"
    error_message = "First boot must run the image's log_shipper.yml offline after starting the scaler."
  }
  assert {
    condition = [for f in yamldecode(output.cloud_init["smd-scaler-1"]).write_files :
    [f.owner, f.permissions, yamldecode(f.content).log_shipper_elk_host] if f.path == "/etc/sipmediadeploy/ansible/log_shipper-vars.yml"] == [["root:root", "0600", "logstash.example.org"]]
    error_message = "The log_shipper variables must be written 0600 root."
  }
  assert {
    condition     = keys(yamldecode([for f in yamldecode(output.cloud_init["smd-scaler-1"]).write_files : f.content if endswith(f.path, "log_shipper-inventory.yml")][0]).all.children) == ["log_shipper"]
    error_message = "The local inventory puts localhost in log_shipper only (not in scaler: the scaler is configured by these files)."
  }
}

run "password_auth_renders_the_password_keys" {
  command = plan

  variables {
    openstack = {
      auth_url  = "https://keystone.example.org:5000/v3"
      auth_type = "password"
      username  = "scaler"
      project   = "sipmedia"
    }
  }

  assert {
    condition     = strcontains(output.scaler_conf["smd-scaler-1"], "type = \"password\"") && strcontains(output.scaler_conf["smd-scaler-1"], "password-file = \"/etc/sipmediadeploy/os-secret\"") && strcontains(output.scaler_conf["smd-scaler-1"], "project-domain = \"Default\"")
    error_message = "Password auth must render username, domains, project and password-file."
  }
}

run "refuses_an_even_number_of_nodes" {
  command = plan
  variables {
    nodes = [{ id = "a", address = "10.0.0.1" }, { id = "b", address = "10.0.0.2" }]
  }
  expect_failures = [var.nodes]
}

run "refuses_application_credentials_without_an_id" {
  command = plan
  variables {
    openstack = { auth_url = "https://keystone.example.org:5000/v3" }
  }
  expect_failures = [var.openstack]
}

run "refuses_a_pair_with_one_member" {
  command = plan
  variables {
    pairs = {
      kamailio = {
        floating_ip = "203.0.113.10"
        members     = ["smd-kamailio-a"]
        probe       = { kind = "sip-options", port = 5060 }
      }
    }
  }
  expect_failures = [var.pairs]
}

run "refuses_a_turn_probe_without_its_password" {
  command = plan
  variables {
    turn_probe_password = ""
  }
  expect_failures = [var.turn_probe_password]
}

run "refuses_a_malformed_spare_window" {
  command = plan
  variables {
    pools = {
      gateways = {
        image           = "img"
        flavor          = "m1.large"
        network         = "private"
        security_groups = ["gateway"]
        min_hosts       = 1
        max_hosts       = 10
        spare           = { default = 2, schedule = [{ days = "weekdays", from = "18:00", to = "08:00", spare = 4 }] }
      }
    }
  }
  expect_failures = [var.pools]
}

run "refuses_min_hosts_above_max_hosts" {
  command = plan
  variables {
    pools = {
      gateways = {
        image           = "img"
        flavor          = "m1.large"
        network         = "private"
        security_groups = ["gateway"]
        min_hosts       = 5
        max_hosts       = 2
        spare           = { default = 2 }
      }
    }
  }
  expect_failures = [var.pools]
}

run "refuses_a_short_admin_token" {
  command = plan
  variables {
    admin_token = "short"
  }
  expect_failures = [var.admin_token]
}

run "a_pair_without_user_data_names_no_file_and_coturn_has_none" {
  command = plan

  assert {
    condition     = output.files.pair_user_data_files == { kamailio = "/etc/sipmediadeploy/kamailio-user-data" }
    error_message = "Only pairs given user data get a user-data file."
  }
  assert {
    condition     = strcontains(output.scaler_conf["smd-scaler-1"], "user-data-file = \"\"")
    error_message = "coturn's replacement has no user data file."
  }
}

run "a_pair_that_never_replaces_needs_no_replacement" {
  command = plan

  variables {
    pairs = {
      kamailio = {
        floating_ip    = "203.0.113.10"
        members        = ["smd-kamailio-a", "smd-kamailio-b"]
        probe          = { kind = "stun", port = 3478 }
        replace_failed = false
      }
    }
    pair_user_data      = {}
    turn_probe_password = ""
  }

  assert {
    condition     = strcontains(output.scaler_conf["smd-scaler-1"], "failover { replace-failed = false }") && !strcontains(output.scaler_conf["smd-scaler-1"], "replacement {")
    error_message = "replace-failed = false must be rendered and no replacement block."
  }
}

run "refuses_a_replacing_pair_without_replacement" {
  command = plan
  variables {
    pairs = {
      kamailio = {
        floating_ip = "203.0.113.10"
        members     = ["smd-kamailio-a", "smd-kamailio-b"]
        probe       = { kind = "sip-options", port = 5060 }
      }
    }
  }
  expect_failures = [var.pairs]
}

run "self_healing_is_off_unless_enabled" {
  command = plan

  assert {
    condition     = !strcontains(output.scaler_conf["smd-scaler-1"], "self-healing")
    error_message = "no self-healing block by default"
  }
}

run "renders_the_self_healing_block_when_enabled" {
  command = plan

  variables {
    self_healing = { enabled = true, replace_after = "5m", image = "sipmediadeploy-scaler-1.0.0", flavor = "m1.small", network = "smd-net", security_groups = ["smd-scaler"] }
  }

  assert {
    condition     = strcontains(output.scaler_conf["smd-scaler-1"], "self-healing {\n    enabled = true\n    replace-after = 5m\n    image = \"sipmediadeploy-scaler-1.0.0\"")
    error_message = "the self-healing block names the image"
  }
  assert {
    condition     = strcontains(output.scaler_conf["smd-scaler-2"], "config-path = \"/etc/sipmediadeploy/scaler.conf\"")
    error_message = "the new node's config goes where this module writes it"
  }
}

run "refuses_self_healing_without_an_image" {
  command = plan

  variables {
    self_healing = { enabled = true, flavor = "m1.small", network = "smd-net" }
  }

  expect_failures = [var.self_healing]
}

run "spare_schedule_time_zone_and_metrics_bind_reach_scaler_conf" {
  command = plan

  variables {
    admin = { bind = "private", metrics_open = true }
    pools = {
      gateways = {
        image             = "sipmediadeploy-gateway-host-1.0.0"
        flavor            = "m1.large"
        network           = "smd-net"
        security_groups   = ["gateway"]
        capacity_per_host = 1
        min_hosts         = 1
        max_hosts         = 10
        spare = {
          default   = 2
          schedule  = [{ days = "mon-fri", from = "08:00", to = "18:00", spare = 4 }]
          time_zone = "Europe/Paris"
        }
      }
    }
  }

  assert {
    condition     = strcontains(output.scaler_conf["smd-scaler-2"], "time-zone = \"Europe/Paris\"")
    error_message = "The spare schedule's time zone must reach scaler.pools.gateways.spare.time-zone."
  }
  assert {
    condition     = strcontains(output.scaler_conf["smd-scaler-2"], "bind = \"10.0.0.12\"") && strcontains(output.scaler_conf["smd-scaler-2"], "allow-non-loopback = true") && strcontains(output.scaler_conf["smd-scaler-2"], "metrics-open = true")
    error_message = "admin.bind = private must bind each node's own address, with allow-non-loopback."
  }
}

run "admin_stays_on_loopback_and_the_schedule_in_utc_by_default" {
  command = plan

  assert {
    condition     = strcontains(output.scaler_conf["smd-scaler-1"], "bind = \"127.0.0.1\"") && strcontains(output.scaler_conf["smd-scaler-1"], "allow-non-loopback = false") && strcontains(output.scaler_conf["smd-scaler-1"], "time-zone = \"UTC\"")
    error_message = "By default the admin API is on loopback and the schedule in UTC."
  }
}
