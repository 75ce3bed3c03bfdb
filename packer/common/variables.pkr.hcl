# Variables shared by the four templates. Each template directory links this file
# (variables.pkr.hcl -> ../common/variables.pkr.hcl): Packer 1.6 loads every
# *.pkr.hcl of the directory it is given.

variable "os_auth_url" {
  type        = string
  description = "Keystone v3 endpoint, e.g. https://keystone.example.org:5000/v3 (OS_AUTH_URL)."
}

variable "os_region" {
  type        = string
  default     = "RegionOne"
  description = "OpenStack region to build in."
}

variable "os_application_credential_id" {
  type        = string
  default     = ""
  description = "Application credential ID (preferred over a password). Leave empty to log in with os_username/os_password."
}

variable "os_application_credential_secret" {
  type        = string
  default     = ""
  sensitive   = true
  description = "Application credential secret. Pass it through the environment (PKR_VAR_os_application_credential_secret), never in a file in the repository."
}

variable "os_username" {
  type        = string
  default     = ""
  description = "User name, only when no application credential is given."
}

variable "os_password" {
  type        = string
  default     = ""
  sensitive   = true
  description = "Password of os_username; pass it as PKR_VAR_os_password."
}

variable "os_project_name" {
  type        = string
  default     = ""
  description = "Project (tenant) to build in, only with os_username."
}

variable "os_domain_name" {
  type        = string
  default     = "Default"
  description = "Keystone domain of the user and the project, only with os_username."
}

variable "source_image_name" {
  type        = string
  default     = "debian-12-genericcloud-amd64"
  description = "Glance image the build starts from (Debian 12 generic cloud image)."
}

variable "flavor" {
  type        = string
  default     = "m1.small"
  description = "Flavor of the temporary build server."
}

variable "networks" {
  type        = list(string)
  default     = []
  description = "Neutron network IDs the build server is attached to (empty: the project's default)."
}

variable "floating_ip_network" {
  type        = string
  default     = ""
  description = "External network to take a temporary floating IP from when the build host cannot reach the private network."
}

variable "security_groups" {
  type        = list(string)
  default     = ["default"]
  description = "Security groups of the build server; SSH (22/tcp) from the Packer host must be allowed."
}

variable "ssh_username" {
  type        = string
  default     = "debian"
  description = "Login user of the source image."
}

variable "image_version" {
  type        = string
  default     = "dev"
  description = "Version suffix of the images (e.g. a git tag or a date)."
}

variable "ansible_extra_arguments" {
  type        = list(string)
  default     = []
  description = "Extra arguments for ansible-playbook (e.g. [\"-vv\"])."
}
