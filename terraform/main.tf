module "naming" {
  source = "./modules/naming"
  prefix = var.prefix
}

module "network" {
  source = "./modules/network"

  names = merge(module.naming.network, { security_groups = module.naming.security_groups })
  tags  = [module.naming.tag]

  cidr                = var.cidr
  dns_nameservers     = var.dns_nameservers
  external_network_id = var.external_network_id
  ssh_cidrs           = var.ssh_cidrs
  sip_cidrs           = var.sip_cidrs
  turn_cidrs          = var.turn_cidrs
  relay_port_range    = var.relay_port_range
  prometheus_cidrs    = var.scaler_metrics.prometheus_cidrs
  sip_tls_enabled     = local.kamailio_tls
  turn_tls_enabled    = local.coturn_tls
}

locals {
  log_vars = var.log_shipping == null ? {} : {
    log_shipper_elk_host = var.log_shipping.elk_host
    log_shipper_elk_port = var.log_shipping.elk_port
  }

  scaler_nodes = [for i, name in module.naming.scaler_nodes : { name = name, address = cidrhost(var.cidr, 11 + i) }]

  kamailio_tls = var.tls.kamailio_certificate != ""
  coturn_tls   = var.tls.coturn_certificate != ""
  kamailio_vars = merge(local.log_vars, {
    kamailio_domain           = var.sip_domain
    kamailio_gateway_password = var.gateway_sip_password
    kamailio_gateway_prefix   = var.gateway_pool.gateway_prefix
    kamailio_gateway_networks = [var.cidr]
    # /metrics (xhttp_prom) on the private JSON-RPC port for the Prometheus hosts (the security group opens it to them).
    kamailio_prometheus_allowed_sources = concat(["127.0.0.1/8"], var.scaler_metrics.prometheus_cidrs)
    # Gateway Hosts run single-use gateways: a gateway that served its call is never picked again.
    kamailio_gateway_single_use = true
    }, local.kamailio_tls ? {
    kamailio_tls_enabled         = true
    kamailio_tls_certificate_pem = var.tls.kamailio_certificate
    kamailio_tls_private_key_pem = var.tls.kamailio_private_key
  } : {})
  coturn_vars = merge(local.log_vars, {
    coturn_realm    = var.turn_realm
    coturn_min_port = var.relay_port_range.min
    coturn_max_port = var.relay_port_range.max
    coturn_users = [
      { name = "gateway", password = var.gateway_turn_password },
      { name = "probe", password = var.turn_probe_password },
    ]
    }, local.coturn_tls ? {
    coturn_tls_enabled         = true
    coturn_tls_certificate_pem = var.tls.coturn_certificate
    coturn_tls_private_key_pem = var.tls.coturn_private_key
  } : {})
}

module "kamailio" {
  source = "./modules/service_pair"

  kind                = "kamailio"
  members             = module.naming.kamailio_members
  fixed_ips           = [cidrhost(var.cidr, 21), cidrhost(var.cidr, 22)]
  network_id          = module.network.network_id
  subnet_id           = module.network.subnet_id
  security_group_ids  = [module.network.security_group_ids.kamailio]
  floating_ip_pool    = var.floating_ip_pool
  router_interface_id = module.network.router_interface_id
  image_name          = var.images.kamailio
  flavor_name         = var.flavors.kamailio
  key_pair            = var.key_pair
  tag                 = module.naming.tag
  log_shipping        = var.log_shipping != null
  ansible_vars        = local.kamailio_vars
}

module "coturn" {
  source = "./modules/service_pair"

  kind                = "coturn"
  members             = module.naming.coturn_members
  fixed_ips           = [cidrhost(var.cidr, 31), cidrhost(var.cidr, 32)]
  network_id          = module.network.network_id
  subnet_id           = module.network.subnet_id
  security_group_ids  = [module.network.security_group_ids.coturn]
  floating_ip_pool    = var.floating_ip_pool
  router_interface_id = module.network.router_interface_id
  image_name          = var.images.coturn
  flavor_name         = var.flavors.coturn
  key_pair            = var.key_pair
  tag                 = module.naming.tag
  log_shipping        = var.log_shipping != null
  ansible_vars        = local.coturn_vars
}

# User data of the replacement members the scaler creates when a member fails:
# the same first-boot playbook, the listen address taken from the facts (DHCP port).
module "kamailio_replacement" {
  source = "./modules/service_config"

  kind         = "kamailio"
  floating_ip  = module.kamailio.floating_ip
  ansible_vars = local.kamailio_vars
  log_shipping = var.log_shipping != null
}

module "coturn_replacement" {
  source = "./modules/service_config"

  kind         = "coturn"
  floating_ip  = module.coturn.floating_ip
  ansible_vars = local.coturn_vars
  log_shipping = var.log_shipping != null
}

# User data the scaler gives the Gateway Hosts it creates.
module "gateway_user_data" {
  source = "./modules/service_config"

  kind = "gateway_host"
  # The gateway containers log to the host's syslog; log_shipper forwards them with the host's own logs.
  log_shipping = var.log_shipping != null
  ansible_vars = merge(local.log_vars, {
    gateway_host_image_tag        = var.gateway_pool.image_tag
    gateway_host_gateway_prefix   = var.gateway_pool.gateway_prefix
    gateway_host_webrtc_domains   = { jitsi = { domain = var.gateway_pool.jitsi_domain, browse_file = "jitsi.py" } }
    gateway_host_gateways         = var.gateway_pool.capacity_per_host
    gateway_host_kamailio_address = module.kamailio.floating_ip
    gateway_host_sip_domain       = var.sip_domain
    gateway_host_sip_password     = var.gateway_sip_password
    gateway_host_turn_address     = module.coturn.floating_ip
    gateway_host_turn_password    = var.gateway_turn_password
  })
}

module "scaler_config" {
  source = "./modules/scaler_config"

  nodes            = [for n in local.scaler_nodes : { id = n.name, address = n.address }]
  admin_token      = var.scaler_admin_token
  admin            = { bind = var.scaler_metrics.bind == "private" ? "private" : "127.0.0.1", metrics_open = var.scaler_metrics.open }
  openstack        = merge(var.scaler_openstack, { tag = module.naming.tag })
  openstack_secret = var.scaler_openstack_secret
  pairs = {
    kamailio = {
      floating_ip = module.kamailio.floating_ip
      members     = module.naming.kamailio_members
      probe       = { kind = "sip-options", port = 5060, transport = "udp" }
      replacement = {
        image           = var.images.kamailio
        flavor          = var.flavors.kamailio
        network         = module.network.network_name
        security_groups = [module.network.security_group_names.kamailio]
        key_pair        = var.key_pair
      }
    }
    coturn = {
      floating_ip = module.coturn.floating_ip
      members     = module.naming.coturn_members
      probe       = { kind = "turn-allocate", port = 3478, username = "probe" }
      replacement = {
        image           = var.images.coturn
        flavor          = var.flavors.coturn
        network         = module.network.network_name
        security_groups = [module.network.security_group_names.coturn]
        key_pair        = var.key_pair
      }
    }
  }
  pair_user_data = {
    kamailio = module.kamailio_replacement.cloud_init
    coturn   = module.coturn_replacement.cloud_init
  }
  turn_probe_password = var.turn_probe_password
  pools = {
    gateways = {
      image             = var.images.gateway_host
      flavor            = var.flavors.gateway_host
      network           = module.network.network_name
      security_groups   = [module.network.security_group_names.gateway]
      key_pair          = var.key_pair
      capacity_per_host = var.gateway_pool.capacity_per_host
      min_hosts         = var.gateway_pool.min_hosts
      max_hosts         = var.gateway_pool.max_hosts
      spare = {
        default   = var.gateway_pool.spare_default
        schedule  = var.gateway_pool.spare_schedule
        time_zone = var.gateway_pool.spare_time_zone
      }
    }
  }
  gateway_user_data = { gateways = module.gateway_user_data.cloud_init }
  # The nodes' own JSON log goes to Logstash as the other VM kinds' logs do.
  log_shipper_vars = local.log_vars
  # A dead scaler node is replaced by the cluster itself (off unless scaler_self_healing = true).
  self_healing = {
    enabled         = var.scaler_self_healing
    replace_after   = var.scaler_replace_after
    image           = var.images.scaler
    flavor          = var.flavors.scaler
    network         = module.network.network_name
    security_groups = [module.network.security_group_names.scaler]
  }
}

module "scaler_cluster" {
  source = "./modules/scaler_cluster"

  nodes              = local.scaler_nodes
  user_data          = module.scaler_config.cloud_init
  network_id         = module.network.network_id
  subnet_id          = module.network.subnet_id
  security_group_ids = [module.network.security_group_ids.scaler]
  image_name         = var.images.scaler
  flavor_name        = var.flavors.scaler
  key_pair           = var.key_pair
  tag                = module.naming.tag
}
