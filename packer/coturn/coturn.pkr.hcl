# Coturn image: Debian 12 + Coturn + rsyslog + Ansible with the playbooks, Coturn
# disabled. At first boot cloud-init (terraform/modules/service_config) writes the
# member's variables and runs coturn.yml locally (external-ip = floating IP).

locals {
  kind = "coturn"
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
    playbook_file    = "${local.ansible_dir}/coturn.yml"
    groups           = ["coturn"]
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
      "sudo systemctl disable --now coturn",
      "sudo apt-get clean",
      "sudo cloud-init clean --logs",
    ]
  }
}
