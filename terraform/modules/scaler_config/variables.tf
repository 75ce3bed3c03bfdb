variable "nodes" {
  type = list(object({
    id      = string
    address = string
  }))
  description = "Every scaler node: its Raft node id (= server name) and private IPv4 address. 3 or 5 nodes (1 for a lab)."

  validation {
    condition     = contains([1, 3, 5], length(var.nodes))
    error_message = "nodes must hold 1, 3 or 5 members (Raft needs an odd majority)."
  }
  validation {
    condition     = length(distinct([for n in var.nodes : n.id])) == length(var.nodes) && length(distinct([for n in var.nodes : n.address])) == length(var.nodes)
    error_message = "node ids and addresses must be unique."
  }
  validation {
    condition     = alltrue([for n in var.nodes : can(regex("^[a-z][a-z0-9-]{0,62}$", n.id)) && can(cidrhost("${n.address}/32", 0))])
    error_message = "each node id must be a lower-case host name and each address an IPv4 address."
  }
}

variable "raft_port" {
  type        = number
  default     = 9870
  description = "TCP port of the Raft peers (scaler.cluster.peers[].address)."

  validation {
    condition     = var.raft_port > 0 && var.raft_port < 65536
    error_message = "raft_port must be a TCP port."
  }
}

variable "cluster_name" {
  type        = string
  default     = "sipmediadeploy"
  description = "Raft group name (scaler.cluster.name)."
}

variable "storage_dir" {
  type        = string
  default     = "/var/lib/sipmediadeploy-scaler/raft"
  description = "Raft log and snapshot directory (scaler.node.storage-dir)."
}

variable "config_dir" {
  type        = string
  default     = "/etc/sipmediadeploy"
  description = "Directory of scaler.conf and of the secret files."
}

variable "tls" {
  type = object({
    enabled    = bool
    cert_file  = optional(string, "/etc/sipmediadeploy/tls/node.crt")
    key_file   = optional(string, "/etc/sipmediadeploy/tls/node.key")
    trust_file = optional(string, "/etc/sipmediadeploy/tls/ca.crt")
  })
  default     = { enabled = false }
  description = "TLS between Raft peers (scaler.cluster.tls). The certificate files are not written by this module."
}

variable "admin" {
  type = object({
    # "127.0.0.1", or "private": each node's own address (from nodes), for a Prometheus on another host.
    bind         = optional(string, "127.0.0.1")
    port         = optional(number, 9871)
    metrics_open = optional(bool, false)
  })
  default     = {}
  description = "Admin HTTP API (scaler.admin): bind address (\"private\" = the node's address, with allow-non-loopback), port, and metrics_open (/metrics without the token)."
}

variable "admin_token" {
  type        = string
  sensitive   = true
  description = "Bearer token of the admin API, written to CONFIG_DIR/admin.token (0600, scaler)."

  validation {
    condition     = length(var.admin_token) >= 16
    error_message = "admin_token must be at least 16 characters."
  }
}

variable "openstack" {
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
    tag                       = optional(string, "sipmediadeploy")
  })
  description = "How the scaler reaches OpenStack (scaler.openstack). auth_type application-credential (preferred, needs application_credential_id) or password (needs username and project)."

  validation {
    condition     = can(regex("^https?://", var.openstack.auth_url))
    error_message = "openstack.auth_url must be an http(s) URL of Keystone v3."
  }
  validation {
    condition = (
      (var.openstack.auth_type == "application-credential" && var.openstack.application_credential_id != "") ||
      (var.openstack.auth_type == "password" && var.openstack.username != "" && var.openstack.project != "")
    )
    error_message = "openstack.auth_type must be application-credential (with application_credential_id) or password (with username and project)."
  }
  validation {
    condition     = contains(["public", "internal", "admin"], var.openstack.interface)
    error_message = "openstack.interface must be public, internal or admin."
  }
}

variable "openstack_secret" {
  type        = string
  sensitive   = true
  description = "Application credential secret (or password), written to CONFIG_DIR/os-secret (0600, scaler)."

  validation {
    condition     = length(var.openstack_secret) > 0
    error_message = "openstack_secret is required."
  }
}

variable "pairs" {
  type = map(object({
    floating_ip = string
    members     = list(string)
    probe = object({
      kind      = string
      port      = number
      transport = optional(string)
      username  = optional(string)
    })
    replace_failed = optional(bool, true)
    replacement = optional(object({
      image             = string
      flavor            = string
      network           = string
      security_groups   = optional(list(string), [])
      key_pair          = optional(string, "")
      availability_zone = optional(string, "")
    }))
  }))
  description = "Active-standby pairs (scaler.pairs), by name: the floating IP, the two member server names, the probe, and how the scaler creates a replacement member (replacement, required while replace_failed is true; its user data is pair_user_data[name], written to CONFIG_DIR/<name>-user-data). A turn-allocate probe reads its password from CONFIG_DIR/turn-probe-secret."

  validation {
    condition     = alltrue([for name in keys(var.pairs) : can(regex("^[a-z][a-z0-9-]*$", name))])
    error_message = "pair names must be lower-case HOCON keys (letters, digits, '-')."
  }
  validation {
    condition     = alltrue([for p in values(var.pairs) : can(cidrhost("${p.floating_ip}/32", 0)) && length(p.members) == 2 && length(distinct(p.members)) == 2])
    error_message = "each pair needs an IPv4 floating_ip and exactly two distinct members."
  }
  validation {
    condition = alltrue([for p in values(var.pairs) : (
      (p.probe.kind == "sip-options" && contains(["udp", "tcp", "tls"], coalesce(p.probe.transport, "udp"))) ||
      p.probe.kind == "stun" ||
      (p.probe.kind == "turn-allocate" && try(length(p.probe.username) > 0, false))
    )])
    error_message = "probe.kind must be sip-options (transport udp, tcp or tls), stun, or turn-allocate (with a username)."
  }
  validation {
    condition     = alltrue([for p in values(var.pairs) : !p.replace_failed || try(p.replacement.image != "" && p.replacement.flavor != "" && p.replacement.network != "", false)])
    error_message = "a pair with replace_failed = true needs replacement.image, replacement.flavor and replacement.network."
  }
  validation {
    condition     = alltrue([for p in values(var.pairs) : p.probe.port > 0 && p.probe.port < 65536])
    error_message = "probe.port must be a port number."
  }
}

variable "turn_probe_password" {
  type        = string
  default     = ""
  sensitive   = true
  description = "Password of the TURN probe user, written to CONFIG_DIR/turn-probe-secret (0600, scaler). Required when a pair has a turn-allocate probe."

  validation {
    condition     = length(var.turn_probe_password) > 0 || !anytrue([for p in values(var.pairs) : p.probe.kind == "turn-allocate"])
    error_message = "turn_probe_password is required when a pair uses a turn-allocate probe."
  }
}

variable "pools" {
  type = map(object({
    image             = string
    flavor            = string
    network           = string
    security_groups   = list(string)
    key_pair          = optional(string, "")
    user_data_file    = optional(string)
    capacity_per_host = optional(number, 1)
    min_hosts         = number
    max_hosts         = number
    status = optional(object({
      port          = optional(number, 8080)
      path          = optional(string, "/status")
      idle_key      = optional(string, "idle")
      terminate_key = optional(string, "can_be_terminated")
    }), {})
    spare = object({
      default = number
      schedule = optional(list(object({
        days  = string
        from  = string
        to    = string
        spare = number
      })), [])
      time_zone = optional(string, "UTC")
    })
  }))
  description = "Gateway Host pools (scaler.pools), by name. user_data_file (user-data-template) defaults to CONFIG_DIR/gateway-user-data.tpl for the pool \"gateways\" and CONFIG_DIR/<pool>-user-data.tpl otherwise; it is written from gateway_user_data."

  validation {
    condition     = alltrue([for name in keys(var.pools) : can(regex("^[a-z][a-z0-9-]*$", name))])
    error_message = "pool names must be lower-case HOCON keys (letters, digits, '-')."
  }
  validation {
    condition     = alltrue([for p in values(var.pools) : p.min_hosts >= 0 && p.min_hosts <= p.max_hosts && p.capacity_per_host >= 1 && p.spare.default >= 0])
    error_message = "each pool needs 0 <= min_hosts <= max_hosts, capacity_per_host >= 1 and spare.default >= 0."
  }
  validation {
    condition = alltrue(flatten([for p in values(var.pools) : [for w in p.spare.schedule : (
      can(regex("^(mon|tue|wed|thu|fri|sat|sun)(-(mon|tue|wed|thu|fri|sat|sun))?(,(mon|tue|wed|thu|fri|sat|sun)(-(mon|tue|wed|thu|fri|sat|sun))?)*$", w.days)) &&
      can(regex("^([01][0-9]|2[0-3]):[0-5][0-9]$", w.from)) && can(regex("^([01][0-9]|2[0-3]):[0-5][0-9]$", w.to)) &&
      try(tonumber(replace(w.from, ":", "")) < tonumber(replace(w.to, ":", "")), false) && w.spare >= 0
    )]]))
    error_message = "spare.schedule entries need days like mon-fri or sat,sun, from < to as HH:MM, and spare >= 0."
  }
}

variable "pair_user_data" {
  type        = map(string)
  default     = {}
  sensitive   = true
  description = "cloud-init user data of a replacement member, by pair name (holds the member's secrets): written to CONFIG_DIR/<pair>-user-data (0600, scaler) and named by replacement.user-data-file."
}

variable "log_file" {
  type        = string
  default     = "/var/log/sipmediadeploy-scaler/scaler.json"
  description = "scaler.logging.file: JSON log file shipped by the log_shipper role (\"\": stdout/journald). Its directory is created owned by the scaler user."
}

variable "gateway_user_data" {
  type        = map(string)
  default     = {}
  sensitive   = true
  description = "cloud-init user data the scaler gives new hosts, by pool name (holds the gateways' secrets): written to the pool's user_data_file (0600, scaler)."
}

variable "service_name" {
  type        = string
  default     = "sipmediadeploy-scaler"
  description = "systemd unit started by cloud-init once the files are written."
}

variable "scaler_user" {
  type        = string
  default     = "scaler"
  description = "Owner of scaler.conf and of the secret files (created by the .deb)."
}

variable "self_healing" {
  type = object({
    enabled         = optional(bool, false)
    replace_after   = optional(string, "5m")
    image           = optional(string, "")
    flavor          = optional(string, "")
    network         = optional(string, "")
    security_groups = optional(list(string), [])
  })
  default     = {}
  description = "scaler.self-healing: replace a scaler node unreachable for replace_after by a new VM from image/flavor/network/security_groups (the leader renders its cloud-init like this module does). Off by default."

  validation {
    condition     = !var.self_healing.enabled || (var.self_healing.image != "" && var.self_healing.flavor != "" && var.self_healing.network != "")
    error_message = "self_healing.enabled needs image, flavor and network."
  }
  validation {
    condition     = can(regex("^[0-9]+(ms|s|m|h)$", var.self_healing.replace_after))
    error_message = "self_healing.replace_after must be a HOCON duration such as 30s or 5m."
  }
}

variable "log_shipper_vars" {
  type        = any
  default     = {}
  description = "Variables of the log_shipper role (log_shipper_elk_host, log_shipper_elk_port, TLS...). Given: first boot also runs the image's log_shipper.yml, offline (--skip-tags smd_install), with them written 0600 root to CONFIG_DIR/ansible, so the node's JSON log reaches Logstash. Empty: the node ships no logs."
}

variable "ansible_dir" {
  type        = string
  default     = "/opt/sipmediadeploy/ansible"
  description = "Where the Packer image keeps deploy/ansible (for log_shipper.yml)."
}
