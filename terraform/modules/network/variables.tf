variable "names" {
  type = object({
    network         = string
    subnet          = string
    router          = string
    security_groups = object({ kamailio = string, coturn = string, gateway = string, scaler = string })
  })
  description = "Resource names (output of modules/naming: network and security_groups)."
}

variable "tags" {
  type        = list(string)
  default     = []
  description = "Neutron tags put on the network, subnet, router and security groups."
}

variable "cidr" {
  type        = string
  default     = "10.0.0.0/24"
  description = "IPv4 CIDR of the private subnet."

  validation {
    condition     = can(cidrnetmask(var.cidr))
    error_message = "cidr must be an IPv4 CIDR."
  }
}

variable "dns_nameservers" {
  type        = list(string)
  default     = []
  description = "DNS servers handed out by DHCP on the subnet (empty: Neutron's default)."
}

variable "external_network_id" {
  type        = string
  description = "ID of the external (provider) network: router gateway and floating IP pool."
}

variable "ssh_cidrs" {
  type        = list(string)
  default     = []
  description = "CIDRs allowed to reach SSH (22/tcp) on every VM, e.g. a bastion. Empty: no SSH at all."

  validation {
    condition     = alltrue([for c in var.ssh_cidrs : can(cidrnetmask(c)) && c != "0.0.0.0/0"])
    error_message = "ssh_cidrs must be IPv4 CIDRs and must not be 0.0.0.0/0."
  }
}

variable "prometheus_cidrs" {
  type        = list(string)
  default     = []
  description = "CIDRs of the Prometheus hosts, allowed to the scalers' admin port (/metrics). Empty: no scraping from outside."

  validation {
    condition     = alltrue([for c in var.prometheus_cidrs : can(cidrnetmask(c)) && c != "0.0.0.0/0"])
    error_message = "prometheus_cidrs must be IPv4 CIDRs and must not be 0.0.0.0/0."
  }
}

variable "sip_cidrs" {
  type        = list(string)
  default     = ["0.0.0.0/0"]
  description = "CIDRs allowed to send SIP to Kamailio (5060 udp/tcp, 5061 tcp): the SIP trunks and phones."

  validation {
    condition     = alltrue([for c in var.sip_cidrs : can(cidrnetmask(c))])
    error_message = "sip_cidrs must be IPv4 CIDRs."
  }
}

variable "turn_cidrs" {
  type        = list(string)
  default     = ["0.0.0.0/0"]
  description = "CIDRs allowed to reach Coturn (3478 udp/tcp) and its relay port range: the WebRTC clients."

  validation {
    condition     = alltrue([for c in var.turn_cidrs : can(cidrnetmask(c))])
    error_message = "turn_cidrs must be IPv4 CIDRs."
  }
}

variable "sip_tls_enabled" {
  type        = bool
  default     = true
  description = "Open 5061/tcp (SIP over TLS) on Kamailio."
}

variable "turn_tls_enabled" {
  type        = bool
  default     = false
  description = "Open 5349/tcp (TURNS) on Coturn to turn_cidrs and the gateways."
}

variable "relay_port_range" {
  type        = object({ min = number, max = number })
  default     = { min = 49152, max = 65535 }
  description = "Coturn relay port range (coturn_min_port..coturn_max_port), UDP."

  validation {
    condition     = var.relay_port_range.min >= 1024 && var.relay_port_range.min <= var.relay_port_range.max && var.relay_port_range.max <= 65535
    error_message = "relay_port_range must satisfy 1024 <= min <= max <= 65535."
  }
}

variable "gateway_media_port_range" {
  type        = object({ min = number, max = number })
  default     = { min = 10000, max = 20000 }
  description = "UDP ports of the gateways' RTP media, reachable from Coturn's and the SIP side's CIDRs."
}

variable "gateway_status_port" {
  type        = number
  default     = 8080
  description = "Status endpoint of the Gateway Hosts, reachable from the scaler group only."
}

variable "raft_port" {
  type        = number
  default     = 9870
  description = "Raft port of the scaler nodes, reachable from the scaler group only."
}

variable "admin_port" {
  type        = number
  default     = 9871
  description = "Admin API port of the scaler nodes, reachable from the scaler group only (it binds 127.0.0.1 by default)."
}
