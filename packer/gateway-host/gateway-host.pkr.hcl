# Gateway Host image: Debian 12 with the generic kernel + Docker + upstream SIPMediaGW
# (its image renater/sipmediagw pulled in advance, its launcher checked out)
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

  # The SIPMediaGW containers need the ALSA loopback (snd-aloop), which Debian's cloud
  # kernel does not build, and a v4l2loopback video device: the generic kernel with its
  # headers and v4l2loopback built by DKMS replace the cloud kernel (the running one:
  # its removal is confirmed up front). The gateway_host role loads both modules at boot.
  provisioner "shell" {
    inline = [
      "sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends linux-image-amd64 linux-headers-amd64 v4l2loopback-dkms kmod",
      "echo 'linux-base linux-base/removing-running-kernel boolean false' | sudo debconf-set-selections",
      "sudo DEBIAN_FRONTEND=noninteractive apt-get purge -y 'linux-image-*-cloud-amd64' linux-image-cloud-amd64",
      "sudo update-grub",
      "ls /lib/modules/*/kernel/sound/drivers/snd-aloop.ko* /lib/modules/*/updates/dkms/v4l2loopback.ko*",
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
