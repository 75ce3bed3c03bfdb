# Kamailio image: Debian 12 + Kamailio + rsyslog + Ansible with the playbooks,
# Kamailio disabled. At first boot cloud-init (terraform/modules/service_config)
# writes the member's variables and runs kamailio.yml locally: it renders
# kamailio.cfg for the private address and the floating IP, then starts Kamailio.

locals {
  kind = "kamailio"
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
    playbook_file    = "${local.ansible_dir}/kamailio.yml"
    groups           = ["kamailio"]
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
      "sudo systemctl disable --now kamailio",
      "sudo apt-get clean",
      "sudo cloud-init clean --logs",
    ]
  }
}
