output "nodes" {
  description = "Scaler nodes: name => {id, address}."
  value = { for name, s in openstack_compute_instance_v2.node : name => {
    id      = s.id
    address = local.nodes[name].address
  } }
}

output "port_ids" {
  description = "Neutron port IDs of the nodes, by name."
  value       = { for name, p in openstack_networking_port_v2.node : name => p.id }
}
