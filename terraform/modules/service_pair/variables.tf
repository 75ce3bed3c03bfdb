variable "kind" {
  type        = string
  description = "kamailio or coturn: the playbook the members run at first boot."

  validation {
    condition     = contains(["kamailio", "coturn"], var.kind)
    error_message = "kind must be kamailio or coturn."
  }
}

variable "members" {
  type        = list(string)
  description = "The two server names (modules/naming kamailio_members or coturn_members); the first gets the floating IP at creation."

  validation {
    condition     = length(var.members) == 2 && length(distinct(var.members)) == 2
    error_message = "members must be two distinct names."
  }
}

variable "fixed_ips" {
  type        = list(string)
  description = "The two members' private IPv4 addresses, outside the subnet's DHCP pool."

  validation {
    condition     = length(var.fixed_ips) == 2 && alltrue([for ip in var.fixed_ips : can(cidrhost("${ip}/32", 0))])
    error_message = "fixed_ips must be two IPv4 addresses."
  }
}

variable "network_id" {
  type        = string
  description = "ID of the private network."
}

variable "subnet_id" {
  type        = string
  description = "ID of the private subnet."
}

variable "security_group_ids" {
  type        = list(string)
  description = "Security groups of the members' ports."
}

variable "floating_ip_pool" {
  type        = string
  description = "Name of the external network the floating IP is allocated from."
}

variable "router_interface_id" {
  type        = string
  description = "Router interface of the subnet: the floating IP can only be associated once it exists."
}

variable "image_name" {
  type        = string
  description = "Glance image built by packer/<kind> (e.g. sipmediadeploy-kamailio-1.0.0)."
}

variable "flavor_name" {
  type        = string
  description = "Nova flavor of the members."
}

variable "key_pair" {
  type        = string
  default     = ""
  description = "Nova key pair for SSH (empty: none)."
}

variable "availability_zones" {
  type        = list(string)
  default     = []
  description = "Availability zone of member a and of member b (empty: Nova's choice). Put the two members in different zones when the cloud has them."
}

variable "tag" {
  type        = string
  description = "Deployment tag (scaler.openstack.tag): metadata sipmediadeploy-tag of the servers, by which the scaler lists them; also a Neutron/Nova tag of the servers, ports and floating IP."
}

variable "ansible_vars" {
  type        = any
  default     = {}
  sensitive   = true
  description = "Role variables for the first-boot playbook (secrets included); the addresses are added by modules/service_config."
}

variable "log_shipping" {
  type        = bool
  default     = false
  description = "Also run log_shipper.yml at first boot."
}

variable "server_group_policy" {
  type        = string
  default     = "soft-anti-affinity"
  description = "Nova server group policy of the two members: anti-affinity (fail when impossible) or soft-anti-affinity."

  validation {
    condition     = contains(["anti-affinity", "soft-anti-affinity"], var.server_group_policy)
    error_message = "server_group_policy must be anti-affinity or soft-anti-affinity."
  }
}
