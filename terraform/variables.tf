variable "prefix" {
  type        = string
  default     = "smd"
  description = "Prefix of every resource name and the tag the scaler lists servers by (see modules/naming)."
}

variable "external_network_id" {
  type        = string
  description = "ID of the external network: router gateway."
}

variable "floating_ip_pool" {
  type        = string
  description = "Name of the external network the two floating IPs are allocated from."
}

variable "cidr" {
  type        = string
  default     = "10.0.0.0/24"
  description = "Private subnet. Fixed addresses: scaler nodes .11-.13, Kamailio .21-.22, Coturn .31-.32; DHCP pool from .100."
}

variable "dns_nameservers" {
  type        = list(string)
  default     = []
  description = "DNS servers of the private subnet (empty: Neutron's default)."
}

variable "ssh_cidrs" {
  type        = list(string)
  default     = []
  description = "CIDRs allowed to SSH to the VMs (a bastion or an admin network). Empty: no SSH."
}

variable "sip_cidrs" {
  type        = list(string)
  default     = ["0.0.0.0/0"]
  description = "CIDRs allowed to send SIP to Kamailio: SIP trunks and phones. The Gateway Hosts do not need it (they arrive from the router's external address, allowed by its own rule): narrow it freely."
}

variable "turn_cidrs" {
  type        = list(string)
  default     = ["0.0.0.0/0"]
  description = "CIDRs allowed to reach Coturn and its relay ports: the WebRTC side. The Gateway Hosts reach TURN from the router's external address (its own rule)."
}

variable "relay_port_range" {
  type        = object({ min = number, max = number })
  default     = { min = 49152, max = 65535 }
  description = "Coturn relay port range, used for the security group and coturn.conf."
}

variable "images" {
  type = object({
    kamailio     = string
    coturn       = string
    gateway_host = string
    scaler       = string
  })
  description = "Glance image names built by packer/ (sipmediadeploy-<kind>-<version>)."
}

variable "flavors" {
  type = object({
    kamailio     = string
    coturn       = string
    gateway_host = string
    scaler       = string
  })
  default = {
    kamailio     = "m1.small"
    coturn       = "m1.small"
    gateway_host = "m1.large"
    scaler       = "m1.small"
  }
  description = "Nova flavors by VM kind."
}

variable "key_pair" {
  type        = string
  default     = ""
  description = "Nova key pair put on every VM (empty: none)."
}

variable "sip_domain" {
  type        = string
  description = "SIP domain served by Kamailio; also the digest realm of the gateways."
}

variable "turn_realm" {
  type        = string
  description = "Coturn realm of the long-term credentials."
}

variable "gateway_sip_password" {
  type        = string
  sensitive   = true
  description = "Shared secret the gateways REGISTER to Kamailio with (at least 12 characters). Pass it as TF_VAR_gateway_sip_password."

  validation {
    condition     = length(var.gateway_sip_password) >= 12
    error_message = "gateway_sip_password must be at least 12 characters."
  }
}

variable "tls" {
  type = object({
    kamailio_certificate = optional(string, "")
    kamailio_private_key = optional(string, "")
    coturn_certificate   = optional(string, "")
    coturn_private_key   = optional(string, "")
  })
  default     = {}
  sensitive   = true
  description = "PEM text (e.g. file(\"pki/kamailio.crt\") from deploy/tls/make-certs.sh): a Kamailio certificate and key turn SIP over TLS (5061) on, a Coturn pair turns TURNS (5349) on; the members' first boot writes the keys 0600. Empty: no TLS."

  validation {
    condition = ((var.tls.kamailio_certificate == "") == (var.tls.kamailio_private_key == "")
    && (var.tls.coturn_certificate == "") == (var.tls.coturn_private_key == ""))
    error_message = "tls: give each certificate with its private key (both or neither)."
  }
}

variable "gateway_turn_password" {
  type        = string
  sensitive   = true
  description = "TURN password of the gateways' Coturn user (at least 12 characters)."

  validation {
    condition     = length(var.gateway_turn_password) >= 12
    error_message = "gateway_turn_password must be at least 12 characters."
  }
}

variable "turn_probe_password" {
  type        = string
  sensitive   = true
  description = "TURN password of the scaler's probe user (at least 12 characters)."

  validation {
    condition     = length(var.turn_probe_password) >= 12
    error_message = "turn_probe_password must be at least 12 characters."
  }
}

variable "scaler_admin_token" {
  type        = string
  sensitive   = true
  description = "Bearer token of the scalers' admin API (at least 16 characters)."
}

variable "scaler_openstack" {
  type = object({
    auth_url                  = string
    region                    = optional(string, "RegionOne")
    interface                 = optional(string, "public")
    ca_file                   = optional(string, "")
    auth_type                 = optional(string, "application-credential")
    application_credential_id = optional(string, "")
    username                  = optional(string, "")
    user_domain               = optional(string, "Default")
    project                   = optional(string, "")
    project_domain            = optional(string, "Default")
  })
  description = "The scaler's own OpenStack identity (an application credential restricted to this project is preferred)."
}

variable "scaler_openstack_secret" {
  type        = string
  sensitive   = true
  description = "Secret of the scaler's application credential (or password). Pass it as TF_VAR_scaler_openstack_secret."
}

variable "gateway_pool" {
  type = object({
    capacity_per_host = optional(number, 1)
    min_hosts         = optional(number, 1)
    max_hosts         = optional(number, 10)
    spare_default     = optional(number, 2)
    spare_schedule = optional(list(object({
      days  = string
      from  = string
      to    = string
      spare = number
    })), [{ days = "mon-fri", from = "08:00", to = "18:00", spare = 4 }])
    # IANA zone the schedule's days and hours are read in (scaler.pools.gateways.spare.time-zone).
    spare_time_zone = optional(string, "UTC")
    image_tag       = optional(string, "1.8.5")
    # Gateways register as <gateway_prefix>.<host>.<n>; Kamailio accepts only that prefix.
    gateway_prefix = optional(string, "gw")
    # Jitsi Meet domain the gateways join (upstream's WEBRTC_DOMAINS).
    jitsi_domain = optional(string, "meet.jit.si")
  })
  default     = {}
  description = "Gateway Host pool managed by the scaler (scaler.pools.gateways), its spare schedule's time zone, the upstream SIPMediaGW image tag (renater/sipmediagw), the gateway name prefix and the Jitsi domain."

  validation {
    condition     = can(regex("^(UTC|[A-Za-z_]+(/[A-Za-z0-9_+-]+)+)$", var.gateway_pool.spare_time_zone))
    error_message = "gateway_pool.spare_time_zone must be UTC or an IANA zone name such as Europe/Paris."
  }

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]+$", var.gateway_pool.gateway_prefix))
    error_message = "gateway_pool.gateway_prefix must be letters, digits, '_' or '-' (gateway names are <prefix>.<host>.<n>)."
  }
}

variable "scaler_metrics" {
  type = object({
    # Where the admin API (and its /metrics) listens: "loopback" (127.0.0.1, scalerctl only) or "private" (the
    # node's private address, for a Prometheus on another host; the scaler security group opens the port to
    # prometheus_cidrs only).
    bind             = optional(string, "loopback")
    open             = optional(bool, false)
    prometheus_cidrs = optional(list(string), [])
  })
  default     = {}
  description = "Scraping the scalers' /metrics: bind (loopback or private), open (no token on /metrics) and the Prometheus hosts' CIDRs (also allowed to the Kamailio members' /metrics on 5071)."

  validation {
    condition     = contains(["loopback", "private"], var.scaler_metrics.bind)
    error_message = "scaler_metrics.bind must be \"loopback\" or \"private\"."
  }
  validation {
    condition     = !contains(var.scaler_metrics.prometheus_cidrs, "0.0.0.0/0")
    error_message = "scaler_metrics.prometheus_cidrs must not contain 0.0.0.0/0: name the Prometheus hosts."
  }
}

variable "log_shipping" {
  type = object({
    elk_host = string
    elk_port = optional(number, 5044)
  })
  default     = null
  description = "Logstash TCP input the VMs ship their logs to (role log_shipper). null: no log shipping."
}

variable "scaler_self_healing" {
  type        = bool
  default     = false
  description = "Let the scaler cluster replace a dead scaler node by itself (scaler.self-healing): a new VM from images.scaler / flavors.scaler on the scaler security group, joined through a Raft configuration change. Terraform then no longer owns that node's VM."
}

variable "scaler_replace_after" {
  type        = string
  default     = "5m"
  description = "scaler.self-healing.replace-after: how long a scaler node must be unreachable before it is replaced (HOCON duration)."
}
