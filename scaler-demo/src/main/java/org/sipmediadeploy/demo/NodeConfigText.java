package org.sipmediadeploy.demo;

import java.nio.file.Path;

/** The HOCON configuration of one demo scaler node, from the values the demo cluster chose for it. */
record NodeConfigText(
        String id,
        Path storageDir,
        String probeAddress,
        String peers,
        String adminBind,
        int adminPort,
        String authUrl,
        String tag,
        String user,
        String project,
        String passwordFile,
        String kamailioFloatingIp,
        String coturnFloatingIp,
        String turnUser,
        int gatewaysPerHost,
        int minHosts,
        int maxHosts,
        int spare,
        Path logFile) {

    String text() {
        return """
                scaler {
                  node { id = "%s", storage-dir = "%s", probe-address = "%s" }
                  cluster { peers = [
                %s    ] }
                  admin { bind = "%s", port = %d, token-file = "secrets/admin.token" }
                  openstack {
                    auth-url = "%s"
                    tag = "%s"
                    auth { type = "password", username = "%s", project = "%s", password-file = "%s" }
                  }
                  pairs {
                    kamailio {
                      floating-ip = "%s"
                      members = ["kamailio-a", "kamailio-b"]
                      probe { kind = "sip-options", port = 5060, transport = "udp" }
                      replacement { image = "sipmediadeploy-kamailio", flavor = "m1.small", network = "tenant-net" }
                    }
                    coturn {
                      floating-ip = "%s"
                      members = ["coturn-a", "coturn-b"]
                      probe { kind = "turn-allocate", port = 3478, username = "%s", password-file = "secrets/turn-probe" }
                      replacement { image = "sipmediadeploy-coturn", flavor = "m1.small", network = "tenant-net" }
                    }
                  }
                  pools {
                    gateways {
                      image = "sipmediadeploy-gateway", flavor = "m1.small", network = "tenant-net"
                      capacity-per-host = %d, min-hosts = %d, max-hosts = %d
                      spare { default = %d }
                      status { port = 8080 }
                      scale-in-after = 60s, protect-new = 60s, boot-timeout = 2m
                    }
                  }
                  logging { format = "json", file = "%s" }
                }
                """.formatted(
                        id,
                        storageDir,
                        probeAddress,
                        peers,
                        adminBind,
                        adminPort,
                        authUrl,
                        tag,
                        user,
                        project,
                        passwordFile,
                        kamailioFloatingIp,
                        coturnFloatingIp,
                        turnUser,
                        gatewaysPerHost,
                        minHosts,
                        maxHosts,
                        spare,
                        logFile);
    }
}
