package org.sipmediadeploy.core.model;

import java.util.Objects;

/** One member of a service pair: its server, the port the floating IP attaches to, and its private address. */
public record Member(String serverId, String name, String portId, String address) {
    public Member {
        Objects.requireNonNull(serverId, "serverId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(portId, "portId");
        Objects.requireNonNull(address, "address");
    }
}
