output "kamailio_floating_ip" {
  description = "Floating IP of the Kamailio pair (the SIP address clients and gateways use; the scaler moves it at failover)."
  value       = module.kamailio.floating_ip
}

output "router_external_address" {
  description = "The router's external address: Kamailio and Coturn see gateway traffic sent to their floating IPs as coming from it (Neutron's hairpin NAT); the security groups allow it on the SIP and TURN ports."
  value       = module.network.router_external_address
}

output "coturn_floating_ip" {
  description = "Floating IP of the Coturn pair (the TURN address)."
  value       = module.coturn.floating_ip
}

output "scaler_nodes" {
  description = "Scaler nodes: name => {id, address}."
  value       = module.scaler_cluster.nodes
}

output "network" {
  description = "IDs of the private network and subnet and the security groups by role."
  value = {
    network_id         = module.network.network_id
    subnet_id          = module.network.subnet_id
    security_group_ids = module.network.security_group_ids
  }
}

output "scaler_conf" {
  description = "Rendered scaler.conf by node (no secret inside: secrets are files)."
  value       = module.scaler_config.scaler_conf
}

output "ansible_inventory" {
  description = "Inventory (YAML) of the VMs Terraform created, for running deploy/ansible without Packer or cloud-init."
  value = yamlencode({
    all = {
      children = {
        kamailio = { hosts = { for i, n in module.naming.kamailio_members : n => { ansible_host = module.kamailio.fixed_ips[i] } } }
        coturn   = { hosts = { for i, n in module.naming.coturn_members : n => { ansible_host = module.coturn.fixed_ips[i] } } }
        scaler   = { hosts = { for n in local.scaler_nodes : n.name => { ansible_host = n.address } } }
      }
    }
  })
}
