variable "nodes" {
  type = list(object({
    name    = string
    address = string
  }))
  description = "The scaler nodes: server name (= Raft node id) and fixed private IPv4, outside the DHCP pool."

  validation {
    condition     = contains([3, 5], length(var.nodes)) && alltrue([for n in var.nodes : can(cidrhost("${n.address}/32", 0))])
    error_message = "nodes must hold 3 or 5 entries with IPv4 addresses."
  }
}

variable "user_data" {
  type        = map(string)
  sensitive   = true
  description = "cloud-init user data by node name (output cloud_init of modules/scaler_config): writes scaler.conf and the secrets, starts the service."
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
  description = "Security groups of the nodes' ports (the scaler group)."
}

variable "image_name" {
  type        = string
  description = "Glance image built by packer/scaler (the .deb installed, service disabled)."
}

variable "flavor_name" {
  type        = string
  description = "Nova flavor of the scaler nodes (2 GiB of memory is enough)."
}

variable "key_pair" {
  type        = string
  default     = ""
  description = "Nova key pair for SSH (empty: none)."
}

variable "tag" {
  type        = string
  description = "Deployment tag (scaler.openstack.tag): metadata sipmediadeploy-tag of the servers (with role scaler, so that the scaler never takes them for orphans); also a Nova/Neutron tag."
}

variable "server_group_policy" {
  type        = string
  default     = "soft-anti-affinity"
  description = "Nova server group policy of the nodes: anti-affinity or soft-anti-affinity."

  validation {
    condition     = contains(["anti-affinity", "soft-anti-affinity"], var.server_group_policy)
    error_message = "server_group_policy must be anti-affinity or soft-anti-affinity."
  }
}
