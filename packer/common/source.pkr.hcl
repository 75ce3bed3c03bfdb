# The OpenStack build server, shared by the four templates (each links this file
# and sets local.kind). Application credentials are used when given, else the
# user name and password.

locals {
  use_app_cred = var.os_application_credential_id != ""
  ansible_dir  = "${path.root}/../../deploy/ansible"
  ansible_env  = ["ANSIBLE_CONFIG=${path.root}/../../deploy/ansible/ansible.cfg", "ANSIBLE_ROLES_PATH=${path.root}/../../deploy/ansible/roles"]
  # Image build: packages only (tag smd_install); addresses and secrets come at first boot.
  ansible_args = concat(["--tags", "smd_install", "--extra-vars", "ansible_python_interpreter=/usr/bin/python3"], var.ansible_extra_arguments)
}

source "openstack" "image" {
  identity_endpoint             = var.os_auth_url
  region                        = var.os_region
  application_credential_id     = var.os_application_credential_id
  application_credential_secret = var.os_application_credential_secret
  username                      = local.use_app_cred ? "" : var.os_username
  password                      = local.use_app_cred ? "" : var.os_password
  tenant_name                   = local.use_app_cred ? "" : var.os_project_name
  domain_name                   = local.use_app_cred ? "" : var.os_domain_name

  source_image_name   = var.source_image_name
  flavor              = var.flavor
  networks            = var.networks
  floating_ip_network = var.floating_ip_network
  security_groups     = var.security_groups
  ssh_username        = var.ssh_username
  image_name          = "sipmediadeploy-${local.kind}-${var.image_version}"
  metadata = {
    "sipmediadeploy:kind"    = local.kind
    "sipmediadeploy:version" = var.image_version
  }
}
