output "kamailio_floating_ip" {
  description = "SIP address of the service."
  value       = module.sipmediadeploy.kamailio_floating_ip
}

output "coturn_floating_ip" {
  description = "TURN address of the service."
  value       = module.sipmediadeploy.coturn_floating_ip
}

output "scaler_nodes" {
  description = "Scaler nodes and their private addresses."
  value       = module.sipmediadeploy.scaler_nodes
}

output "ansible_inventory" {
  description = "Inventory of the created VMs for deploy/ansible."
  value       = module.sipmediadeploy.ansible_inventory
}
