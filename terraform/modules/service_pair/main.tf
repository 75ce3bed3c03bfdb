resource "openstack_networking_port_v2" "member" {
  count              = 2
  name               = var.members[count.index]
  network_id         = var.network_id
  admin_state_up     = true
  security_group_ids = var.security_group_ids
  tags               = [var.tag]

  fixed_ip {
    subnet_id  = var.subnet_id
    ip_address = var.fixed_ips[count.index]
  }
}

# The floating IP is allocated here and associated with member a once, at
# creation. From then on the scaler owns the association (it moves the address
# to the healthy member), so Terraform ignores port_id and fixed_ip: a later
# `terraform apply` never moves it back.
resource "openstack_networking_floatingip_v2" "this" {
  pool        = var.floating_ip_pool
  description = "SIPMediaDeploy ${var.kind} pair: association owned by the scaler"
  port_id     = openstack_networking_port_v2.member[0].id
  tags        = [var.tag]

  depends_on = [var.router_interface_id]

  lifecycle {
    ignore_changes = [port_id, fixed_ip]
  }
}

# Keep the two members on different hypervisors.
resource "openstack_compute_servergroup_v2" "this" {
  name     = "${var.members[0]}-group"
  policies = [var.server_group_policy]
}

module "config" {
  source = "../service_config"
  count  = 2

  kind            = var.kind
  private_address = var.fixed_ips[count.index]
  floating_ip     = openstack_networking_floatingip_v2.this.address
  ansible_vars    = var.ansible_vars
  log_shipping    = var.log_shipping
}

resource "openstack_compute_instance_v2" "member" {
  count             = 2
  name              = var.members[count.index]
  image_name        = var.image_name
  flavor_name       = var.flavor_name
  key_pair          = var.key_pair == "" ? null : var.key_pair
  availability_zone = length(var.availability_zones) == 2 ? var.availability_zones[count.index] : null
  user_data         = module.config[count.index].cloud_init
  tags              = [var.tag]
  # Keys of org.sipmediadeploy.core.model.ServerMetadata: the scaler lists the
  # servers carrying its tag; group and role name the pair, like its own creations.
  metadata = {
    "sipmediadeploy-tag"      = var.tag
    "sipmediadeploy-group"    = var.kind
    "sipmediadeploy-role"     = var.kind
    "sipmediadeploy-decision" = "terraform-${var.members[count.index]}"
  }

  network {
    port = openstack_networking_port_v2.member[count.index].id
  }

  scheduler_hints {
    group = openstack_compute_servergroup_v2.this.id
  }

  # The scaler replaces failed members; Terraform must not rebuild a member
  # because its user data (secrets) or image changed: roll those out through
  # the scaler or by tainting one member at a time.
  lifecycle {
    ignore_changes = [user_data, image_name, image_id]
  }
}
