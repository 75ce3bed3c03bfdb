# Example inputs of the root module for the wiring test (fake secrets).
prefix              = "smd"
external_network_id = "external-network-id"
floating_ip_pool    = "public"
ssh_cidrs           = ["192.0.2.0/28"]
images = {
  kamailio     = "sipmediadeploy-kamailio-1.0.0"
  coturn       = "sipmediadeploy-coturn-1.0.0"
  gateway_host = "sipmediadeploy-gateway-host-1.0.0"
  scaler       = "sipmediadeploy-scaler-1.0.0"
}
sip_domain              = "sip.example.org"
turn_realm              = "turn.example.org"
gateway_sip_password    = "wiring-gateway-sip-secret"
gateway_turn_password   = "wiring-gateway-turn-secret"
turn_probe_password     = "wiring-turn-probe-secret"
scaler_admin_token      = "wiring-admin-token-0123456789"
scaler_openstack_secret = "wiring-app-cred-secret"
scaler_openstack = {
  auth_url                  = "https://keystone.example.org:5000/v3"
  application_credential_id = "0123456789abcdef0123456789abcdef"
}
log_shipping = { elk_host = "logstash.example.org" }
tls = {
  kamailio_certificate = "-----BEGIN CERTIFICATE-----\nwiring\n-----END CERTIFICATE-----\n"
  kamailio_private_key = "-----BEGIN PRIVATE KEY-----\nwiring\n-----END PRIVATE KEY-----\n"
}
scaler_metrics = { bind = "private", prometheus_cidrs = ["10.9.0.5/32"] }
gateway_pool   = { spare_time_zone = "Europe/Paris" }
