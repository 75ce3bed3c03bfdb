output "network_id" {
  description = "ID of the private network."
  value       = openstack_networking_network_v2.this.id
}

output "network_name" {
  description = "Name of the private network (scaler.pools.*.network)."
  value       = openstack_networking_network_v2.this.name
}

output "subnet_id" {
  description = "ID of the private subnet."
  value       = openstack_networking_subnet_v2.this.id
}

output "cidr" {
  description = "CIDR of the private subnet."
  value       = openstack_networking_subnet_v2.this.cidr
}

output "router_id" {
  description = "ID of the router to the external network (needed before floating IPs can be associated)."
  value       = openstack_networking_router_v2.this.id
}

output "router_interface_id" {
  description = "ID of the router interface on the subnet (depend on it before associating floating IPs)."
  value       = openstack_networking_router_interface_v2.this.id
}

output "security_group_ids" {
  description = "Security group IDs by role (kamailio, coturn, gateway, scaler)."
  value       = local.sg
}

output "security_group_names" {
  description = "Security group names by role."
  value       = { for k, v in openstack_networking_secgroup_v2.this : k => v.name }
}

output "router_external_address" {
  description = "The router's external address: the source Kamailio and Coturn see for gateway traffic sent to their floating IPs (allowed by the hairpin rules)."
  value       = local.router_external_address
}
