package org.sipmediadeploy.core.model;

final class ProbeTargets {
    private ProbeTargets() {}

    static void checkPort(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be in 1..65535, was " + port);
        }
    }
}
