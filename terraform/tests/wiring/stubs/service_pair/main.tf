# Provider-free stand-in of modules/service_pair: a fixed floating IP per kind,
# the real first-boot cloud-init rendering.
locals {
  floating_ip = var.kind == "kamailio" ? "203.0.113.10" : "203.0.113.11"
}

module "config" {
  source = "../service_config"
  count  = 2

  kind            = var.kind
  private_address = var.fixed_ips[count.index]
  floating_ip     = local.floating_ip
  ansible_vars    = var.ansible_vars
  log_shipping    = var.log_shipping
}

output "floating_ip" {
  description = "Fixed fake floating IP."
  value       = local.floating_ip
}

output "floating_ip_id" {
  description = "Fake floating IP ID."
  value       = "fip-${var.kind}"
}

output "members" {
  description = "Member names."
  value       = var.members
}

output "member_ids" {
  description = "Fake member IDs."
  value       = [for m in var.members : "id-${m}"]
}

output "port_ids" {
  description = "Fake port IDs."
  value       = [for m in var.members : "port-${m}"]
}

output "fixed_ips" {
  description = "Member addresses."
  value       = var.fixed_ips
}

output "member_user_data" {
  description = "Rendered first-boot cloud-init of the members (stub only, for the wiring test)."
  value       = module.config[*].cloud_init
  sensitive   = true
}
