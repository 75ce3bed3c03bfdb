# Provider-free stand-in of modules/network: same outputs, fake IDs.
output "network_id" {
  description = "Fake network ID."
  value       = "network-id"
}

output "network_name" {
  description = "Network name."
  value       = var.names.network
}

output "subnet_id" {
  description = "Fake subnet ID."
  value       = "subnet-id"
}

output "cidr" {
  description = "Subnet CIDR."
  value       = var.cidr
}

output "router_id" {
  description = "Fake router ID."
  value       = "router-id"
}

output "router_interface_id" {
  description = "Fake router interface ID."
  value       = "router-interface-id"
}

output "security_group_ids" {
  description = "Fake security group IDs by role."
  value       = { for k, v in var.names.security_groups : k => "sg-${v}" }
}

output "security_group_names" {
  description = "Security group names by role."
  value       = var.names.security_groups
}

output "router_external_address" {
  description = "Fake router external address."
  value       = "203.0.113.1"
}
