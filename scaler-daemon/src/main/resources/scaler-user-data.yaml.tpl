#cloud-config
# Scaler node {{node_id}}, created by the scaler cluster's leader to replace a dead member (self-healing).
# The files (its scaler.conf, the secrets and certificates the config names) are written in the final stage,
# after the image's scaler user exists, mode 0600; the config is checked before the service starts, as the
# Terraform module's cloud-init does.
write_files:
{{write_files}}
runcmd:
  - [sh, -c, "scalerctl config check {{config_path}} && systemctl enable --now sipmediadeploy-scaler.service"]
