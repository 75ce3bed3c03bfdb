locals {
  secret_files = {
    admin_token = "${var.config_dir}/admin.token"
    openstack   = "${var.config_dir}/os-secret"
    turn_probe  = "${var.config_dir}/turn-probe-secret"
  }
  config_file = "${var.config_dir}/scaler.conf"

  peers = [for n in var.nodes : { id = n.id, address = "${n.address}:${var.raft_port}" }]

  pair_user_data_files = { for name, p in var.pairs : name => "${var.config_dir}/${name}-user-data" if contains(nonsensitive(keys(var.pair_user_data)), name) }

  pool_user_data_files = {
    for name, p in var.pools : name => coalesce(p.user_data_file, name == "gateways" ? "${var.config_dir}/gateway-user-data.tpl" : "${var.config_dir}/${name}-user-data.tpl")
  }

  # One HOCON document per node; only scaler.node.id differs.
  scaler_conf = {
    for n in var.nodes : n.id => templatefile("${path.module}/templates/scaler.conf.tftpl", {
      node_id       = n.id
      node_address  = n.address
      storage_dir   = var.storage_dir
      cluster_name  = var.cluster_name
      peers         = local.peers
      tls           = var.tls
      admin         = var.admin
      token_file    = local.secret_files.admin_token
      openstack     = var.openstack
      secret_file   = local.secret_files.openstack
      pairs         = var.pairs
      turn_pw_file  = local.secret_files.turn_probe
      pools         = var.pools
      user_data_for = local.pool_user_data_files
      pair_ud_for   = local.pair_user_data_files
      log_file      = var.log_file
      self_healing  = var.self_healing
      config_file   = local.config_file
    })
  }

  secret_writes = concat(
    [
      { path = local.secret_files.admin_token, content = "${var.admin_token}\n" },
      { path = local.secret_files.openstack, content = "${var.openstack_secret}\n" },
    ],
    var.turn_probe_password == "" ? [] : [{ path = local.secret_files.turn_probe, content = "${var.turn_probe_password}\n" }],
    [for pool, data in var.gateway_user_data : { path = local.pool_user_data_files[pool], content = data } if contains(keys(var.pools), pool)],
    [for pair, data in var.pair_user_data : { path = local.pair_user_data_files[pair], content = data } if contains(keys(var.pairs), pair)],
  )

  # The log directory must exist, owned by the scaler user, before the service starts.
  start_command = join(" && ", compact([
    var.log_file == "" ? "" : "install -d -o ${var.scaler_user} -g ${var.scaler_user} -m 0750 ${dirname(var.log_file)}",
    "scalerctl config check ${local.config_file}",
    "systemctl enable --now ${var.service_name}.service",
  ]))

  # Log shipping: the image has rsyslog and deploy/ansible (Packer ran log_shipper.yml's install tag); first boot
  # renders the shipper's configuration with the same role, offline, as the members' first boot does.
  ship_logs        = length(var.log_shipper_vars) > 0
  log_shipper_dir  = "${var.config_dir}/ansible"
  log_shipper_vars = "${local.log_shipper_dir}/log_shipper-vars.yml"
  log_shipper_inv  = "${local.log_shipper_dir}/log_shipper-inventory.yml"
  log_shipper_writes = local.ship_logs ? [
    {
      path = local.log_shipper_inv
      content = yamlencode({ all = {
        hosts    = { localhost = { ansible_connection = "local", ansible_python_interpreter = "/usr/bin/python3" } }
        children = { log_shipper = { hosts = { localhost = {} } } }
      } })
    },
    { path = local.log_shipper_vars, content = yamlencode(var.log_shipper_vars) },
  ] : []
  log_shipper_command = join(" ", [
    "ANSIBLE_CONFIG=${var.ansible_dir}/ansible.cfg", "ansible-playbook", "--skip-tags", "smd_install",
    "-i", local.log_shipper_inv, "-e", "@${local.log_shipper_vars}", "${var.ansible_dir}/log_shipper.yml",
    ">>", "/var/log/sipmediadeploy-firstboot.log", "2>&1",
  ])

  # cloud-init: files are written in the final stage (defer), after the image's
  # scaler user exists, then the config is checked before the service starts.
  cloud_init = {
    for n in var.nodes : n.id => join("\n", ["#cloud-config", yamlencode({
      write_files = concat(
        [{
          path        = local.config_file
          owner       = "${var.scaler_user}:${var.scaler_user}"
          permissions = "0600"
          defer       = true
          content     = local.scaler_conf[n.id]
        }],
        [for f in local.secret_writes : {
          path        = f.path
          owner       = "${var.scaler_user}:${var.scaler_user}"
          permissions = "0600"
          defer       = true
          content     = f.content
        }],
        [for f in local.log_shipper_writes : {
          path        = f.path
          owner       = "root:root"
          permissions = "0600"
          defer       = true
          content     = f.content
        }],
      )
      # A separate command: a shipper that fails to configure must not keep the scaler from starting.
      runcmd = concat(
        [["sh", "-c", local.start_command]],
        local.ship_logs ? [["sh", "-c", local.log_shipper_command]] : [],
      )
    })])
  }
}
