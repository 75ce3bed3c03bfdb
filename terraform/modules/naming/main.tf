# Names shared by the Terraform resources, the cloud-init documents and scaler.conf:
# the scaler finds pair members and pool hosts by these names and by the tag.
locals {
  member_suffixes = ["a", "b"]

  kamailio_members = [for s in local.member_suffixes : "${var.prefix}-kamailio-${s}"]
  coturn_members   = [for s in local.member_suffixes : "${var.prefix}-coturn-${s}"]
  scaler_nodes     = [for i in range(1, var.scaler_nodes + 1) : "${var.prefix}-scaler-${i}"]
}
