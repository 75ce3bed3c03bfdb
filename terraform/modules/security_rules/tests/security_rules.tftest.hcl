variables {
  groups                   = ["kamailio", "coturn", "gateway", "scaler"]
  hairpin_sources          = ["203.0.113.1/32"]
  ssh_cidrs                = []
  prometheus_cidrs         = []
  sip_cidrs                = ["198.51.100.0/24"]
  turn_cidrs               = ["0.0.0.0/0"]
  sip_tls_enabled          = true
  turn_tls_enabled         = false
  relay_port_range         = { min = 49152, max = 65535 }
  gateway_media_port_range = { min = 10000, max = 20000 }
  gateway_status_port      = 8080
  raft_port                = 9870
  admin_port               = 9871
}

run "gateways_reach_kamailio_through_the_router_address_not_0_0_0_0" {
  command = plan

  assert {
    condition = alltrue([for why in ["gw-hairpin-sip-udp", "gw-hairpin-sip-tcp", "gw-hairpin-sip-tls"] :
    anytrue([for r in values(output.cidr_rules) : r.to == "kamailio" && r.why == why && r.cidr == "203.0.113.1/32"])])
    error_message = "Kamailio must accept SIP (udp, tcp, tls) from the router's external address."
  }
  assert {
    condition     = length([for r in values(output.cidr_rules) : r if r.to == "kamailio" && r.cidr == "0.0.0.0/0"]) == 0
    error_message = "with narrowed sip_cidrs, no Kamailio rule may be open to 0.0.0.0/0."
  }
  assert {
    condition     = toset([for r in values(output.cidr_rules) : r.cidr if r.to == "kamailio"]) == toset(["198.51.100.0/24", "203.0.113.1/32"])
    error_message = "Kamailio's SIP sources must be sip_cidrs and the router's address only."
  }
}

run "gateways_reach_coturn_through_the_router_address" {
  command = plan

  variables {
    turn_cidrs       = ["192.0.2.0/24"]
    turn_tls_enabled = true
  }

  assert {
    condition = alltrue([for why in ["gw-hairpin-turn-udp", "gw-hairpin-turn-tcp", "gw-hairpin-turns"] :
    anytrue([for r in values(output.cidr_rules) : r.to == "coturn" && r.why == why && r.cidr == "203.0.113.1/32"])])
    error_message = "Coturn must accept TURN (udp, tcp, turns) from the router's external address."
  }
  assert {
    condition     = length([for r in values(output.cidr_rules) : r if r.cidr == "0.0.0.0/0"]) == 0
    error_message = "narrowed sip_cidrs and turn_cidrs leave no rule open to 0.0.0.0/0."
  }
  assert {
    condition     = length([for r in values(output.cidr_rules) : r if r.to == "coturn" && r.why == "gw-hairpin-turn-relay"]) == 0
    error_message = "the relay range is for the WebRTC side, not for the router's address."
  }
}

run "kamailio_reaches_the_gateways_from_its_group_and_the_scaler_probes" {
  command = plan

  assert {
    condition     = output.group_rules["gateway-kam-sip-udp"].from == "kamailio" && output.group_rules["gateway-status"].from == "scaler"
    error_message = "the gateways must accept SIP from the kamailio group and the status poll from the scaler group."
  }
  assert {
    condition     = length([for r in values(output.group_rules) : r if r.from == "gateway"]) == 0
    error_message = "no rule from the gateway group: gateways never reach the members' private addresses directly."
  }
}

run "prometheus_scrapes_the_scalers_and_kamailio_only_from_its_cidrs" {
  command = plan

  variables {
    prometheus_cidrs = ["192.0.2.10/32"]
  }

  assert {
    condition     = output.cidr_rules["kamailio-metrics-192.0.2.10/32"].min == 5071 && output.cidr_rules["scaler-metrics-192.0.2.10/32"].min == 9871
    error_message = "Prometheus must reach Kamailio's /metrics (5071) and the scalers' admin port (9871)."
  }
  assert {
    condition     = toset([for r in values(output.cidr_rules) : r.to if r.why == "metrics"]) == toset(["kamailio", "scaler"])
    error_message = "only Kamailio and the scalers serve metrics to Prometheus (Debian's Coturn has no exporter)."
  }
}

run "a_hairpin_source_must_be_one_address" {
  command = plan

  variables {
    hairpin_sources = ["203.0.113.0/24"]
  }

  expect_failures = [var.hairpin_sources]
}
