locals {
  # The address variables each role needs, from the member's port and the pair's floating IP.
  # An empty private_address leaves the role's default (the address in the facts).
  listen = var.private_address == "" ? {} : {
    kamailio     = { kamailio_listen_address = var.private_address }
    coturn       = { coturn_listen_address = var.private_address, coturn_relay_address = var.private_address }
    gateway_host = {}
  }[var.kind]

  address_vars = merge(local.listen, {
    kamailio     = { kamailio_advertise_address = var.floating_ip }
    coturn       = { coturn_external_address = var.floating_ip }
    gateway_host = {}
  }[var.kind])

  vars = merge(var.ansible_vars, local.address_vars)

  groups    = concat([var.kind], var.log_shipping ? ["log_shipper"] : [])
  playbooks = [for g in local.groups : "${var.ansible_dir}/${g}.yml"]

  inventory = {
    all = {
      hosts = {
        localhost = {
          ansible_connection         = "local"
          ansible_python_interpreter = "/usr/bin/python3"
        }
      }
      children = { for g in local.groups : g => { hosts = { localhost = {} } } }
    }
  }

  inventory_file = "${var.state_dir}/inventory.yml"
  vars_file      = "${var.state_dir}/vars.yml"
  log_file       = "/var/log/sipmediadeploy-firstboot.log"

  # --skip-tags smd_install: the image has every package (Packer ran that tag); first boot must not need a mirror.
  command = join(" ", concat(
    ["ANSIBLE_CONFIG=${var.ansible_dir}/ansible.cfg", "ansible-playbook", "--skip-tags", "smd_install", "-i", local.inventory_file, "-e", "@${local.vars_file}"],
    local.playbooks,
    [">>", local.log_file, "2>&1"],
  ))

  cloud_init = join("\n", ["#cloud-config", yamlencode({
    write_files = [
      {
        path        = local.inventory_file
        owner       = "root:root"
        permissions = "0600"
        content     = yamlencode(local.inventory)
      },
      {
        path        = local.vars_file
        owner       = "root:root"
        permissions = "0600"
        content     = yamlencode(local.vars)
      },
    ]
    runcmd = [["sh", "-c", local.command]]
  })])
}
