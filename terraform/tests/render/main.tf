# Provider-free root module that renders every cloud-init document the
# deployment produces, with example values, for deploy/ci/check.sh:
#   terraform apply (no resource, outputs only) -> terraform output -json documents
#   -> cloud-init schema --config-file for each document.

terraform {
  required_version = ">= 1.9.0"
}

variable "config_dir" {
  type        = string
  default     = "/etc/sipmediadeploy"
  description = "Where the scaler's files go; check.sh points it into a scratch directory to run scalerctl config check on the result."
}

module "naming" {
  source = "../../modules/naming"
  prefix = "smd"
}

locals {
  kamailio_fip = "203.0.113.10"
  coturn_fip   = "203.0.113.11"
  log_vars     = { log_shipper_elk_host = "logstash.example.org", log_shipper_elk_port = 5044 }
}

module "kamailio" {
  source          = "../../modules/service_config"
  count           = 2
  kind            = "kamailio"
  private_address = "10.0.0.2${count.index + 1}"
  floating_ip     = local.kamailio_fip
  log_shipping    = true
  ansible_vars    = merge(local.log_vars, { kamailio_domain = "sip.example.org", kamailio_gateway_password = "example-gateway-secret" })
}

module "coturn" {
  source          = "../../modules/service_config"
  count           = 2
  kind            = "coturn"
  private_address = "10.0.0.3${count.index + 1}"
  floating_ip     = local.coturn_fip
  log_shipping    = true
  ansible_vars = merge(local.log_vars, {
    coturn_realm = "turn.example.org"
    coturn_users = [{ name = "gateway", password = "example-turn-secret" }, { name = "probe", password = "example-probe-secret" }]
  })
}

module "gateway" {
  source       = "../../modules/service_config"
  kind         = "gateway_host"
  log_shipping = true
  ansible_vars = merge(local.log_vars, {
    gateway_host_kamailio_address = local.kamailio_fip
    gateway_host_turn_address     = local.coturn_fip
    gateway_host_sip_password     = "example-gateway-secret"
    gateway_host_turn_password    = "example-turn-secret"
  })
}

module "kamailio_replacement" {
  source       = "../../modules/service_config"
  kind         = "kamailio"
  floating_ip  = local.kamailio_fip
  log_shipping = true
  ansible_vars = merge(local.log_vars, { kamailio_domain = "sip.example.org", kamailio_gateway_password = "example-gateway-secret" })
}

module "scaler" {
  source           = "../../modules/scaler_config"
  config_dir       = var.config_dir
  nodes            = [for i, n in module.naming.scaler_nodes : { id = n, address = "10.0.0.1${i + 1}" }]
  admin_token      = "example-admin-token-0123456789"
  openstack        = { auth_url = "https://keystone.example.org:5000/v3", application_credential_id = "0123456789abcdef", tag = module.naming.tag }
  openstack_secret = "example-app-cred-secret"
  pairs = {
    kamailio = {
      floating_ip = local.kamailio_fip
      members     = module.naming.kamailio_members
      probe       = { kind = "sip-options", port = 5060, transport = "udp" }
      replacement = { image = "sipmediadeploy-kamailio-dev", flavor = "m1.small", network = "smd-net", security_groups = ["smd-kamailio"] }
    }
    coturn = {
      floating_ip = local.coturn_fip
      members     = module.naming.coturn_members
      probe       = { kind = "turn-allocate", port = 3478, username = "probe" }
      replacement = { image = "sipmediadeploy-coturn-dev", flavor = "m1.small", network = "smd-net", security_groups = ["smd-coturn"] }
    }
  }
  pair_user_data      = { kamailio = module.kamailio_replacement.cloud_init }
  turn_probe_password = "example-probe-secret"
  pools = {
    gateways = {
      image           = "sipmediadeploy-gateway-host-dev"
      flavor          = "m1.large"
      network         = "smd-net"
      security_groups = ["smd-gateway"]
      min_hosts       = 1
      max_hosts       = 10
      spare           = { default = 2, schedule = [{ days = "mon-fri", from = "08:00", to = "18:00", spare = 4 }], time_zone = "Europe/Paris" }
    }
  }
  gateway_user_data = { gateways = module.gateway.cloud_init }
  log_shipper_vars  = local.log_vars
}

output "documents" {
  description = "Every rendered cloud-init document, by file name."
  sensitive   = true
  value = merge(
    { for i, n in module.naming.kamailio_members : "${n}.cloud-init.yaml" => module.kamailio[i].cloud_init },
    { for i, n in module.naming.coturn_members : "${n}.cloud-init.yaml" => module.coturn[i].cloud_init },
    { "gateway-host.cloud-init.yaml" = module.gateway.cloud_init },
    { "kamailio-replacement.cloud-init.yaml" = module.kamailio_replacement.cloud_init },
    { for n, doc in module.scaler.cloud_init : "${n}.cloud-init.yaml" => doc },
  )
}

output "scaler_conf" {
  description = "Rendered scaler.conf by node."
  value       = module.scaler.scaler_conf
}
