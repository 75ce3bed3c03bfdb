output "floating_ip" {
  description = "The pair's floating IP (scaler.pairs.<kind>.floating-ip)."
  value       = openstack_networking_floatingip_v2.this.address
}

output "floating_ip_id" {
  description = "Neutron ID of the floating IP."
  value       = openstack_networking_floatingip_v2.this.id
}

output "members" {
  description = "Server names of the members (scaler.pairs.<kind>.members)."
  value       = openstack_compute_instance_v2.member[*].name
}

output "member_ids" {
  description = "Nova IDs of the members."
  value       = openstack_compute_instance_v2.member[*].id
}

output "port_ids" {
  description = "Neutron port IDs of the members, in member order."
  value       = openstack_networking_port_v2.member[*].id
}

output "fixed_ips" {
  description = "Private addresses of the members, in member order."
  value       = var.fixed_ips
}
