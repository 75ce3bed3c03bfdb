output "peers" {
  description = "scaler.cluster.peers: every node id with its Raft address (IP:port)."
  value       = local.peers
}

output "scaler_conf" {
  description = "Rendered scaler.conf (HOCON) by node id. Holds no secret: secrets are referenced by file."
  value       = local.scaler_conf
}

output "cloud_init" {
  description = "cloud-init user data by node id: writes scaler.conf and the secret files (0600, owned by the scaler user) and starts the service."
  value       = local.cloud_init
  sensitive   = true
}

output "files" {
  description = "Paths written on every node: the config and the secret files."
  value = {
    config               = local.config_file
    secrets              = local.secret_files
    pool_user_data_files = local.pool_user_data_files
    pair_user_data_files = local.pair_user_data_files
  }
}
