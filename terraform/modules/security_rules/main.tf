# Every ingress rule of the deployment, computed without a provider so that
# `terraform test` can check it offline; modules/network turns them into
# openstack_networking_secgroup_rule_v2 resources.
locals {
  sip_ports = concat(
    [{ proto = "udp", min = 5060, max = 5060, why = "sip-udp" }, { proto = "tcp", min = 5060, max = 5060, why = "sip-tcp" }],
    var.sip_tls_enabled ? [{ proto = "tcp", min = 5061, max = 5061, why = "sip-tls" }] : [],
  )
  turn_ports = concat(
    [{ proto = "udp", min = 3478, max = 3478, why = "turn-udp" }, { proto = "tcp", min = 3478, max = 3478, why = "turn-tcp" }],
    var.turn_tls_enabled ? [{ proto = "tcp", min = 5349, max = 5349, why = "turns" }] : [],
  )

  cidr_rules = concat(
    flatten([for cidr in var.sip_cidrs : [for p in local.sip_ports : merge(p, { to = "kamailio", cidr = cidr })]]),
    flatten([for cidr in var.turn_cidrs : [for p in local.turn_ports : merge(p, { to = "coturn", cidr = cidr })]]),
    flatten([for cidr in var.turn_cidrs : [
      { to = "coturn", proto = "udp", min = var.relay_port_range.min, max = var.relay_port_range.max, cidr = cidr, why = "turn-relay" },
      { to = "gateway", proto = "udp", min = var.gateway_media_port_range.min, max = var.gateway_media_port_range.max, cidr = cidr, why = "gateway-media" },
    ]]),
    # Prometheus scraping the scalers' /metrics on the admin port (admin bound to the private address).
    [for cidr in var.prometheus_cidrs : { to = "scaler", proto = "tcp", min = var.admin_port, max = var.admin_port, cidr = cidr, why = "metrics" }],
    # ... and Kamailio's /metrics (xhttp_prom) on its private JSON-RPC port.
    [for cidr in var.prometheus_cidrs : { to = "kamailio", proto = "tcp", min = var.kamailio_rpc_port, max = var.kamailio_rpc_port, cidr = cidr, why = "metrics" }],
    flatten([for cidr in var.ssh_cidrs : [for g in var.groups :
      { to = g, proto = "tcp", min = 22, max = 22, cidr = cidr, why = "ssh" }
    ]]),
  )

  # Gateways reach Kamailio and Coturn through the floating IPs, which the scaler
  # moves at failover; from the same private network the router NATs that traffic
  # to its external address, so the members see that address, never the gateway
  # group. Keyed by position: the address is known only once the router exists.
  hairpin_rules = flatten([for i, cidr in var.hairpin_sources : concat(
    [for p in local.sip_ports : merge(p, { to = "kamailio", cidr = cidr, why = "gw-hairpin-${p.why}", key = "kamailio-gw-hairpin-${p.why}-${i}" })],
    [for p in local.turn_ports : merge(p, { to = "coturn", cidr = cidr, why = "gw-hairpin-${p.why}", key = "coturn-gw-hairpin-${p.why}-${i}" })],
  )])

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
    # Kamailio relays calls to the gateways' registered (private) contacts, from a member's own address.
    { to = "gateway", proto = "udp", min = 5060, max = 5060, from = "kamailio", why = "kam-sip-udp" },
    { to = "gateway", proto = "tcp", min = 5060, max = 5061, from = "kamailio", why = "kam-sip-tcp" },
  ]
}
