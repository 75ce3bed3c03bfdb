variable "prefix" {
  type        = string
  description = "Prefix of every name (server, port, network, security group). Lower-case letters, digits and '-', starting with a letter, at most 20 characters, so that names stay valid host names."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,19}$", var.prefix)) && !endswith(var.prefix, "-")
    error_message = "prefix must match ^[a-z][a-z0-9-]{0,19}$ and not end with '-'."
  }
}

variable "scaler_nodes" {
  type        = number
  default     = 3
  description = "Number of scaler nodes (Raft members): 3 or 5."

  validation {
    condition     = contains([3, 5], var.scaler_nodes)
    error_message = "scaler_nodes must be 3 or 5 (a Raft group needs an odd majority; 1 has no failover)."
  }
}
