variable "cloud" {
  type        = string
  default     = "sipmediadeploy"
  description = "Entry of clouds.yaml Terraform authenticates with (an application credential)."
}

variable "auth_url" {
  type        = string
  description = "Keystone v3 URL the scalers use."
}

variable "external_network" {
  type        = string
  default     = "public"
  description = "Name of the external network (router gateway, floating IPs)."
}

variable "ssh_cidrs" {
  type        = list(string)
  default     = []
  description = "CIDRs allowed to SSH to the VMs."
}

variable "image_version" {
  type        = string
  description = "Version suffix of the Packer images (packer -var image_version=...)."
}

variable "scaler_application_credential_id" {
  type        = string
  description = "ID of the application credential the scalers use (openstack application credential create sipmediadeploy-scaler)."
}

variable "scaler_openstack_secret" {
  type        = string
  sensitive   = true
  description = "Secret of that application credential (TF_VAR_scaler_openstack_secret)."
}

variable "gateway_sip_password" {
  type        = string
  sensitive   = true
  description = "Gateways' SIP shared secret (TF_VAR_gateway_sip_password)."
}

variable "gateway_turn_password" {
  type        = string
  sensitive   = true
  description = "Gateways' TURN password (TF_VAR_gateway_turn_password)."
}

variable "turn_probe_password" {
  type        = string
  sensitive   = true
  description = "TURN password of the scaler's probe user (TF_VAR_turn_probe_password)."
}

variable "scaler_admin_token" {
  type        = string
  sensitive   = true
  description = "Admin API bearer token of the scalers (TF_VAR_scaler_admin_token)."
}
