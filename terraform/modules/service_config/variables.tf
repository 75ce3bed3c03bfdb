variable "kind" {
  type        = string
  description = "VM kind, i.e. the playbook run at first boot: kamailio, coturn or gateway_host."

  validation {
    condition     = contains(["kamailio", "coturn", "gateway_host"], var.kind)
    error_message = "kind must be kamailio, coturn or gateway_host."
  }
}

variable "private_address" {
  type        = string
  default     = ""
  description = "Fixed private IPv4 of the member (Kamailio/Coturn listen there). Empty: the address comes from the facts (ansible_default_ipv4) at first boot: Gateway Hosts, and the replacement members the scaler creates on a DHCP port."

  validation {
    condition     = var.private_address == "" || can(cidrhost("${var.private_address}/32", 0))
    error_message = "private_address must be an IPv4 address or empty."
  }
}

variable "floating_ip" {
  type        = string
  default     = ""
  description = "Floating IP of the pair, advertised by Kamailio (advertise) and Coturn (external-ip). Empty for Gateway Hosts."

  validation {
    condition     = var.floating_ip == "" ? var.kind == "gateway_host" : can(cidrhost("${var.floating_ip}/32", 0))
    error_message = "floating_ip must be an IPv4 address (required for kamailio and coturn)."
  }
}

variable "ansible_vars" {
  type        = any
  default     = {}
  sensitive   = true
  description = "Role variables (kamailio_*, coturn_*, gateway_host_*, log_shipper_*), secrets included: written 0600 to the member and passed to ansible-playbook with -e @file."
}

variable "log_shipping" {
  type        = bool
  default     = false
  description = "Also run log_shipper.yml at first boot (ansible_vars must then set log_shipper_elk_host)."
}

variable "ansible_dir" {
  type        = string
  default     = "/opt/sipmediadeploy/ansible"
  description = "Where the Packer image keeps deploy/ansible."
}

variable "state_dir" {
  type        = string
  default     = "/etc/sipmediadeploy/ansible"
  description = "Where cloud-init writes the local inventory and the variables file (0600, root)."
}
