locals {
  nodes = { for n in var.nodes : n.name => n }
}

resource "openstack_compute_servergroup_v2" "this" {
  name     = "${var.nodes[0].name}-group"
  policies = [var.server_group_policy]
}

# Fixed addresses: every node's scaler.conf lists its peers by address.
resource "openstack_networking_port_v2" "node" {
  for_each           = local.nodes
  name               = each.key
  network_id         = var.network_id
  admin_state_up     = true
  security_group_ids = var.security_group_ids
  tags               = [var.tag]

  fixed_ip {
    subnet_id  = var.subnet_id
    ip_address = each.value.address
  }
}

resource "openstack_compute_instance_v2" "node" {
  for_each    = local.nodes
  name        = each.key
  image_name  = var.image_name
  flavor_name = var.flavor_name
  key_pair    = var.key_pair == "" ? null : var.key_pair
  user_data   = var.user_data[each.key]
  tags        = [var.tag]
  # Keys of org.sipmediadeploy.core.model.ServerMetadata. Role "scaler" matters:
  # the orphan sweep always leaves the scaler nodes alone.
  metadata = {
    "sipmediadeploy-tag"   = var.tag
    "sipmediadeploy-group" = "scaler"
    "sipmediadeploy-role"  = "scaler"
  }

  network {
    port = openstack_networking_port_v2.node[each.key].id
  }

  scheduler_hints {
    group = openstack_compute_servergroup_v2.this.id
  }

  # A config change is rolled out node by node (taint one, apply, wait for it
  # to rejoin the Raft group), never all three at once.
  lifecycle {
    ignore_changes = [user_data, image_name, image_id]
  }
}
