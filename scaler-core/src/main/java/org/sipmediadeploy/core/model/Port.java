package org.sipmediadeploy.core.model;

import java.util.Objects;

/** A Neutron port: {@code deviceId} is the server it is bound to (may be null), {@code fixedIp} its first address. */
public record Port(String id, String deviceId, String networkId, String fixedIp) {
    public Port {
        Objects.requireNonNull(id, "id");
    }
}
