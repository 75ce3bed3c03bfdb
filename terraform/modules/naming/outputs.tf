output "tag" {
  description = "Tag put on every server the deployment owns (scaler.openstack.tag)."
  value       = var.prefix
}

output "network" {
  description = "Names of the network, subnet and router."
  value = {
    network = "${var.prefix}-net"
    subnet  = "${var.prefix}-subnet"
    router  = "${var.prefix}-router"
  }
}

output "security_groups" {
  description = "Names of the security groups, by role."
  value = {
    kamailio = "${var.prefix}-kamailio"
    coturn   = "${var.prefix}-coturn"
    gateway  = "${var.prefix}-gateway"
    scaler   = "${var.prefix}-scaler"
  }
}

output "kamailio_members" {
  description = "Server names of the Kamailio pair (scaler.pairs.kamailio.members)."
  value       = local.kamailio_members
}

output "coturn_members" {
  description = "Server names of the Coturn pair (scaler.pairs.coturn.members)."
  value       = local.coturn_members
}

output "scaler_nodes" {
  description = "Server names of the scaler nodes, which are also their Raft node ids."
  value       = local.scaler_nodes
}

output "gateway_host_prefix" {
  description = "Name prefix of the Gateway Hosts the scaler creates."
  value       = "${var.prefix}-gw"
}
