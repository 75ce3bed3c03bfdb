variable "groups" {
  type        = list(string)
  description = "Security group roles (kamailio, coturn, gateway, scaler): the rules' `to` and `from`."

  validation {
    condition     = length(setsubtract(["kamailio", "coturn", "gateway", "scaler"], var.groups)) == 0
    error_message = "groups must hold kamailio, coturn, gateway and scaler."
  }
}

variable "hairpin_sources" {
  type        = list(string)
  description = "Where SIP and TURN from the gateways appear to come from when they go through the pairs' floating IPs: the router's external address(es), as /32. Neutron's router NATs hairpin traffic to its external gateway address."

  validation {
    condition     = alltrue([for c in var.hairpin_sources : can(cidrnetmask(c)) && endswith(c, "/32")])
    error_message = "hairpin_sources must be IPv4 /32 prefixes (the router's external address)."
  }
}

variable "ssh_cidrs" {
  type        = list(string)
  description = "CIDRs allowed to SSH to every VM (22/tcp)."
}

variable "prometheus_cidrs" {
  type        = list(string)
  description = "CIDRs allowed to scrape the scalers' admin port and Kamailio's /metrics (its JSON-RPC port)."
}

variable "kamailio_rpc_port" {
  type        = number
  default     = 5071
  description = "Kamailio's private HTTP port (JSON-RPC and /metrics): role variable kamailio_rpc_port."
}

variable "sip_cidrs" {
  type        = list(string)
  description = "CIDRs allowed to send SIP to Kamailio: SIP trunks and phones (the gateways do not need it)."
}

variable "turn_cidrs" {
  type        = list(string)
  description = "CIDRs allowed to reach Coturn and its relay range, and the gateways' media ports: the WebRTC side."
}

variable "sip_tls_enabled" {
  type        = bool
  description = "Open 5061/tcp (SIP over TLS) on Kamailio."
}

variable "turn_tls_enabled" {
  type        = bool
  description = "Open 5349/tcp (TURNS) on Coturn."
}

variable "relay_port_range" {
  type        = object({ min = number, max = number })
  description = "Coturn relay port range, UDP."
}

variable "gateway_media_port_range" {
  type        = object({ min = number, max = number })
  description = "UDP ports of the gateways' RTP media."
}

variable "gateway_status_port" {
  type        = number
  description = "Status port of the Gateway Hosts (scaler group only)."
}

variable "raft_port" {
  type        = number
  description = "Raft port of the scaler nodes (scaler group only)."
}

variable "admin_port" {
  type        = number
  description = "Admin API port of the scaler nodes."
}
