output "cloud_init" {
  description = "cloud-init user data: writes the local inventory and the variables (0600) and runs the kind's playbook (and log_shipper.yml) with ansible-playbook."
  value       = local.cloud_init
  sensitive   = true
}

output "playbooks" {
  description = "Playbooks run at first boot, in order."
  value       = local.playbooks
}

output "address_vars" {
  description = "The role variables derived from private_address and floating_ip (no secret)."
  value       = local.address_vars
}
