# A complete deployment. Credentials of Terraform itself come from clouds.yaml
# (OS_CLOUD, file mode 0600) or OS_* variables, never from this directory; the
# secrets handed to the VMs come from TF_VAR_* variables (see ../../README.md).

provider "openstack" {
  cloud = var.cloud
}

data "openstack_networking_network_v2" "external" {
  name     = var.external_network
  external = true
}

module "sipmediadeploy" {
  source = "../.."

  prefix              = "smd"
  external_network_id = data.openstack_networking_network_v2.external.id
  floating_ip_pool    = data.openstack_networking_network_v2.external.name
  cidr                = "10.0.0.0/24"
  ssh_cidrs           = var.ssh_cidrs

  images = {
    kamailio     = "sipmediadeploy-kamailio-${var.image_version}"
    coturn       = "sipmediadeploy-coturn-${var.image_version}"
    gateway_host = "sipmediadeploy-gateway-host-${var.image_version}"
    scaler       = "sipmediadeploy-scaler-${var.image_version}"
  }

  sip_domain = "sip.example.org"
  turn_realm = "turn.example.org"

  gateway_sip_password    = var.gateway_sip_password
  gateway_turn_password   = var.gateway_turn_password
  turn_probe_password     = var.turn_probe_password
  scaler_admin_token      = var.scaler_admin_token
  scaler_openstack_secret = var.scaler_openstack_secret
  scaler_openstack = {
    auth_url                  = var.auth_url
    auth_type                 = "application-credential"
    application_credential_id = var.scaler_application_credential_id
  }

  gateway_pool = {
    min_hosts = 1
    max_hosts = 10
  }

  log_shipping = { elk_host = "logstash.example.org", elk_port = 5044 }
}
