package org.sipmediadeploy.core.model;

import java.util.Objects;
import java.util.Optional;

/**
 * A floating IP as observed. {@code portId} is null when it is not associated. {@code revision} is Neutron's
 * {@code revision_number}, or -1 when the cloud does not give one.
 */
public record FloatingIp(String id, String address, String portId, String fixedIp, long revision) {
    public FloatingIp {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(address, "address");
    }

    public Optional<String> port() {
        return Optional.ofNullable(portId);
    }

    public boolean isAssociatedTo(String port) {
        return port != null && port.equals(portId);
    }
}
