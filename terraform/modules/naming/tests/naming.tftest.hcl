run "derives_member_and_node_names_from_the_prefix" {
  command = plan

  variables {
    prefix = "smd"
  }

  assert {
    condition     = output.kamailio_members == ["smd-kamailio-a", "smd-kamailio-b"]
    error_message = "Kamailio members are not named prefix-kamailio-a/b."
  }
  assert {
    condition     = output.coturn_members == ["smd-coturn-a", "smd-coturn-b"]
    error_message = "Coturn members are not named prefix-coturn-a/b."
  }
  assert {
    condition     = output.scaler_nodes == ["smd-scaler-1", "smd-scaler-2", "smd-scaler-3"]
    error_message = "Scaler nodes are not named prefix-scaler-1..3."
  }
  assert {
    condition     = output.security_groups.scaler == "smd-scaler" && output.tag == "smd"
    error_message = "Security group names or tag do not follow the prefix."
  }
}

run "five_scaler_nodes" {
  command = plan

  variables {
    prefix       = "prod"
    scaler_nodes = 5
  }

  assert {
    condition     = length(output.scaler_nodes) == 5 && output.scaler_nodes[4] == "prod-scaler-5"
    error_message = "Five nodes were asked for."
  }
}

run "refuses_a_prefix_that_is_not_a_host_name" {
  command = plan

  variables {
    prefix = "Prod_1"
  }

  expect_failures = [var.prefix]
}

run "refuses_an_even_number_of_scaler_nodes" {
  command = plan

  variables {
    prefix       = "smd"
    scaler_nodes = 4
  }

  expect_failures = [var.scaler_nodes]
}
