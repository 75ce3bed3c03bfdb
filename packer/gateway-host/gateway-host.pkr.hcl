# Gateway Host image: Debian 12 + Docker + the SIPMediaGW image pulled in advance
# + Ansible with the playbooks. The scaler creates these hosts with the user data
# of pools.gateways.user-data-template, which runs gateway_host.yml locally.

locals {
  kind = "gateway-host"
}

build {
  sources = ["source.openstack.image"]

  # Ansible on the image, with the playbooks, for the first-boot run by cloud-init.
  provisioner "shell" {
    inline = [
      "sudo DEBIAN_FRONTEND=noninteractive apt-get update",
      "sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ansible-core",
      "sudo install -d -m 0755 /opt/sipmediadeploy",
    ]
  }

  provisioner "file" {
    source      = local.ansible_dir
    destination = "/tmp"
  }

  provisioner "shell" {
    inline = [
      "sudo rm -rf /opt/sipmediadeploy/ansible",
      "sudo mv /tmp/ansible /opt/sipmediadeploy/ansible",
      "sudo chown -R root:root /opt/sipmediadeploy/ansible",
    ]
  }

  provisioner "ansible" {
    playbook_file    = "${local.ansible_dir}/gateway_host.yml"
    groups           = ["gateway_host"]
    user             = var.ssh_username
    extra_arguments  = local.ansible_args
    ansible_env_vars = local.ansible_env
  }

  provisioner "ansible" {
    playbook_file    = "${local.ansible_dir}/log_shipper.yml"
    groups           = ["log_shipper"]
    user             = var.ssh_username
    extra_arguments  = local.ansible_args
    ansible_env_vars = local.ansible_env
  }

  # Package scripts may have started daemons with Debian's defaults: keep them
  # off until first boot has configured them.
  provisioner "shell" {
    inline = [
      "sudo systemctl enable docker",
      "sudo apt-get clean",
      "sudo cloud-init clean --logs",
    ]
  }
}
