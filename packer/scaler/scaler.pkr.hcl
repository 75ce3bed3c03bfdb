# Scaler image: Debian 12 + the sipmediadeploy-scaler .deb (and its JRE) + Ansible
# with the playbooks, service disabled. The scaler_cluster Terraform module writes
# scaler.conf and the secrets with cloud-init and starts the service.

variable "scaler_deb_path" {
  type        = string
  default     = ""
  description = "Path, on the machine running Packer, of the sipmediadeploy-scaler .deb to install. Empty: the one `mvn package` builds, scaler-daemon/target/sipmediadeploy-scaler_<scaler_version>_all.deb."
}

variable "scaler_version" {
  type        = string
  default     = "0.1.0-SNAPSHOT"
  description = "Version in the file name of the .deb the build produces (the Maven project version), used when scaler_deb_path is empty."
}

locals {
  kind = "scaler"
  deb  = var.scaler_deb_path != "" ? var.scaler_deb_path : "${path.root}/../../scaler-daemon/target/sipmediadeploy-scaler_${var.scaler_version}_all.deb"
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
    playbook_file    = "${local.ansible_dir}/scaler.yml"
    groups           = ["scaler"]
    user             = var.ssh_username
    extra_arguments  = concat(local.ansible_args, ["--extra-vars", "scaler_package_source=deb scaler_deb_path=${local.deb}"])
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
      "sudo systemctl disable --now sipmediadeploy-scaler",
      "sudo apt-get clean",
      "sudo cloud-init clean --logs",
    ]
  }
}
