# Offline tests (no provider): first-boot cloud-init of the pair members and Gateway Hosts.

run "kamailio_member_listens_on_its_port_and_advertises_the_floating_ip" {
  command = plan

  variables {
    kind            = "kamailio"
    private_address = "10.0.0.21"
    floating_ip     = "203.0.113.10"
    ansible_vars    = { kamailio_gateway_password = "gateway-secret-1234", kamailio_domain = "sip.example.org" }
    log_shipping    = true
  }

  assert {
    condition     = output.address_vars == { kamailio_listen_address = "10.0.0.21", kamailio_advertise_address = "203.0.113.10" }
    error_message = "Kamailio must listen on the private address and advertise the floating IP."
  }
  assert {
    condition     = yamldecode(yamldecode(output.cloud_init).write_files[1].content).kamailio_gateway_password == "gateway-secret-1234"
    error_message = "The role variables (secrets included) go to the vars file."
  }
  assert {
    condition     = alltrue([for f in yamldecode(output.cloud_init).write_files : f.permissions == "0600" && f.owner == "root:root"])
    error_message = "Inventory and variables must be 0600 root."
  }
  assert {
    condition     = output.playbooks == ["/opt/sipmediadeploy/ansible/kamailio.yml", "/opt/sipmediadeploy/ansible/log_shipper.yml"]
    error_message = "First boot runs the kind's playbook, then log_shipper.yml."
  }
  assert {
    condition     = strcontains(yamldecode(output.cloud_init).runcmd[0][2], "ansible-playbook --skip-tags smd_install -i /etc/sipmediadeploy/ansible/inventory.yml -e @/etc/sipmediadeploy/ansible/vars.yml /opt/sipmediadeploy/ansible/kamailio.yml")
    error_message = "runcmd must run ansible-playbook on the local inventory, without the install steps (the image has the packages)."
  }
  assert {
    condition     = keys(yamldecode(yamldecode(output.cloud_init).write_files[0].content).all.children) == ["kamailio", "log_shipper"]
    error_message = "localhost must be in the kind's group and in log_shipper."
  }
}

run "coturn_member_maps_the_floating_ip_to_its_relay_address" {
  command = plan

  variables {
    kind            = "coturn"
    private_address = "10.0.0.31"
    floating_ip     = "203.0.113.11"
  }

  assert {
    condition     = output.address_vars.coturn_external_address == "203.0.113.11" && output.address_vars.coturn_relay_address == "10.0.0.31"
    error_message = "Coturn must report the floating IP and relay on the private address."
  }
  assert {
    condition     = output.playbooks == ["/opt/sipmediadeploy/ansible/coturn.yml"]
    error_message = "Without log shipping only coturn.yml runs."
  }
}

run "gateway_host_needs_no_fixed_address" {
  command = plan

  variables {
    kind         = "gateway_host"
    ansible_vars = { gateway_host_kamailio_address = "203.0.113.10", gateway_host_turn_address = "203.0.113.11" }
  }

  assert {
    condition     = output.address_vars == {}
    error_message = "Gateway Hosts take their address from the facts."
  }
}

run "refuses_an_unknown_kind" {
  command = plan
  variables {
    kind = "asterisk"
  }
  expect_failures = [var.kind]
}

run "a_replacement_member_takes_its_address_from_the_facts" {
  command = plan
  variables {
    kind        = "kamailio"
    floating_ip = "203.0.113.10"
  }
  assert {
    condition     = output.address_vars == { kamailio_advertise_address = "203.0.113.10" }
    error_message = "Without a fixed address only the floating IP is set; the role's default (facts) gives the listen address."
  }
}

run "refuses_a_kamailio_member_without_the_floating_ip" {
  command = plan
  variables {
    kind            = "kamailio"
    private_address = "10.0.0.21"
  }
  expect_failures = [var.floating_ip]
}

run "refuses_a_malformed_address" {
  command = plan
  variables {
    kind            = "coturn"
    private_address = "10.0.0.300"
    floating_ip     = "203.0.113.11"
  }
  expect_failures = [var.private_address]
}
