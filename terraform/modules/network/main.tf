resource "openstack_networking_network_v2" "this" {
  name           = var.names.network
  admin_state_up = true
  tags           = var.tags
}

resource "openstack_networking_subnet_v2" "this" {
  name            = var.names.subnet
  network_id      = openstack_networking_network_v2.this.id
  cidr            = var.cidr
  ip_version      = 4
  dns_nameservers = var.dns_nameservers
  tags            = var.tags

  # The first addresses (.2-.99) stay out of DHCP for the fixed ports of the
  # pairs and the scaler nodes; Gateway Hosts take theirs from the pool.
  allocation_pool {
    start = cidrhost(var.cidr, 100)
    end   = cidrhost(var.cidr, -2)
  }
}

resource "openstack_networking_router_v2" "this" {
  name                = var.names.router
  external_network_id = var.external_network_id
  tags                = var.tags
}

resource "openstack_networking_router_interface_v2" "this" {
  router_id = openstack_networking_router_v2.this.id
  subnet_id = openstack_networking_subnet_v2.this.id
}

# Neutron adds allow-all egress rules to each new group; ingress is only what
# is listed below.
resource "openstack_networking_secgroup_v2" "this" {
  for_each    = var.names.security_groups
  name        = each.value
  description = "SIPMediaDeploy ${each.key}: managed by Terraform"
  tags        = var.tags
}

locals {
  sg = { for k, v in openstack_networking_secgroup_v2.this : k => v.id }

  # Every ingress rule: to (group), protocol, ports, from (cidr or group).
  cidr_rules = concat(
    flatten([for cidr in var.sip_cidrs : [
      { to = "kamailio", proto = "udp", min = 5060, max = 5060, cidr = cidr, why = "sip-udp" },
      { to = "kamailio", proto = "tcp", min = 5060, max = 5060, cidr = cidr, why = "sip-tcp" },
    ]]),
    var.sip_tls_enabled ? [for cidr in var.sip_cidrs : { to = "kamailio", proto = "tcp", min = 5061, max = 5061, cidr = cidr, why = "sip-tls" }] : [],
    var.turn_tls_enabled ? [for cidr in var.turn_cidrs : { to = "coturn", proto = "tcp", min = 5349, max = 5349, cidr = cidr, why = "turns" }] : [],
    flatten([for cidr in var.turn_cidrs : [
      { to = "coturn", proto = "udp", min = 3478, max = 3478, cidr = cidr, why = "turn-udp" },
      { to = "coturn", proto = "tcp", min = 3478, max = 3478, cidr = cidr, why = "turn-tcp" },
      { to = "coturn", proto = "udp", min = var.relay_port_range.min, max = var.relay_port_range.max, cidr = cidr, why = "turn-relay" },
      { to = "gateway", proto = "udp", min = var.gateway_media_port_range.min, max = var.gateway_media_port_range.max, cidr = cidr, why = "gateway-media" },
    ]]),
    # Prometheus scraping the scalers' /metrics on the admin port (admin bound to the private address).
    [for cidr in var.prometheus_cidrs : { to = "scaler", proto = "tcp", min = var.admin_port, max = var.admin_port, cidr = cidr, why = "metrics" }],
    flatten([for cidr in var.ssh_cidrs : [for g in keys(var.names.security_groups) :
      { to = g, proto = "tcp", min = 22, max = 22, cidr = cidr, why = "ssh" }
    ]]),
  )

  group_rules = [
    # Raft and the admin API: scaler nodes among themselves only.
    { to = "scaler", proto = "tcp", min = var.raft_port, max = var.raft_port, from = "scaler", why = "raft" },
    { to = "scaler", proto = "tcp", min = var.admin_port, max = var.admin_port, from = "scaler", why = "admin" },
    # Probes of the scaler: SIP OPTIONS, TURN allocate, gateway status.
    { to = "kamailio", proto = "udp", min = 5060, max = 5060, from = "scaler", why = "probe-sip-udp" },
    { to = "kamailio", proto = "tcp", min = 5060, max = 5061, from = "scaler", why = "probe-sip-tcp" },
    { to = "coturn", proto = "udp", min = 3478, max = 3478, from = "scaler", why = "probe-turn-udp" },
    { to = "coturn", proto = "tcp", min = 3478, max = 3478, from = "scaler", why = "probe-turn-tcp" },
    { to = "gateway", proto = "tcp", min = var.gateway_status_port, max = var.gateway_status_port, from = "scaler", why = "status" },
    # Gateways register with Kamailio; Kamailio relays calls to the gateways.
    { to = "kamailio", proto = "udp", min = 5060, max = 5060, from = "gateway", why = "gw-sip-udp" },
    { to = "kamailio", proto = "tcp", min = 5060, max = 5061, from = "gateway", why = "gw-sip-tcp" },
    { to = "gateway", proto = "udp", min = 5060, max = 5060, from = "kamailio", why = "kam-sip-udp" },
    { to = "gateway", proto = "tcp", min = 5060, max = 5061, from = "kamailio", why = "kam-sip-tcp" },
    { to = "coturn", proto = "udp", min = 3478, max = 3478, from = "gateway", why = "gw-turn-udp" },
    { to = "coturn", proto = "tcp", min = 3478, max = 3478, from = "gateway", why = "gw-turn-tcp" },
  ]
}

resource "openstack_networking_secgroup_rule_v2" "cidr" {
  for_each = { for r in local.cidr_rules : "${r.to}-${r.why}-${r.cidr}" => r }

  security_group_id = local.sg[each.value.to]
  direction         = "ingress"
  ethertype         = "IPv4"
  protocol          = each.value.proto
  port_range_min    = each.value.min
  port_range_max    = each.value.max
  remote_ip_prefix  = each.value.cidr
  description       = each.value.why
}

resource "openstack_networking_secgroup_rule_v2" "group" {
  for_each = { for r in local.group_rules : "${r.to}-${r.why}" => r }

  security_group_id = local.sg[each.value.to]
  direction         = "ingress"
  ethertype         = "IPv4"
  protocol          = each.value.proto
  port_range_min    = each.value.min
  port_range_max    = each.value.max
  remote_group_id   = local.sg[each.value.from]
  description       = each.value.why
}
