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
  # Neutron SNATs hairpin traffic (private network -> floating IP -> private network) to the router's external address.
  router_external_address = openstack_networking_router_v2.this.external_fixed_ip[0].ip_address
}

module "rules" {
  source = "../security_rules"

  groups                   = keys(var.names.security_groups)
  hairpin_sources          = ["${local.router_external_address}/32"]
  ssh_cidrs                = var.ssh_cidrs
  prometheus_cidrs         = var.prometheus_cidrs
  sip_cidrs                = var.sip_cidrs
  turn_cidrs               = var.turn_cidrs
  sip_tls_enabled          = var.sip_tls_enabled
  turn_tls_enabled         = var.turn_tls_enabled
  relay_port_range         = var.relay_port_range
  gateway_media_port_range = var.gateway_media_port_range
  gateway_status_port      = var.gateway_status_port
  raft_port                = var.raft_port
  admin_port               = var.admin_port
}

resource "openstack_networking_secgroup_rule_v2" "cidr" {
  for_each = module.rules.cidr_rules

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
  for_each = module.rules.group_rules

  security_group_id = local.sg[each.value.to]
  direction         = "ingress"
  ethertype         = "IPv4"
  protocol          = each.value.proto
  port_range_min    = each.value.min
  port_range_max    = each.value.max
  remote_group_id   = local.sg[each.value.from]
  description       = each.value.why
}
