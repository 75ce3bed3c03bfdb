# Provider-free stand-in of modules/scaler_cluster.
output "nodes" {
  description = "Scaler nodes: name => {id, address}."
  value       = { for n in var.nodes : n.name => { id = "id-${n.name}", address = n.address } }
}

output "port_ids" {
  description = "Fake port IDs by name."
  value       = { for n in var.nodes : n.name => "port-${n.name}" }
}

output "user_data_names" {
  description = "Node names that got user data (must be every node)."
  value       = nonsensitive(sort(keys(var.user_data)))
}
