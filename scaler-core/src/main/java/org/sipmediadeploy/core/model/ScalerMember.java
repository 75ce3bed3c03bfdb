package org.sipmediadeploy.core.model;

import java.util.Objects;

/**
 * A scaler node as the replicated state knows it: its Raft id and {@code host:port} address, and the cloud
 * server and port behind it ({@code serverId} / {@code portId} null when not found in the cloud, e.g. a node
 * that runs outside the scaler's project). {@code createdBy} is the id of the {@code ReplaceScaler} decision that
 * created it, or null for a node the deployment made (Terraform): only ports the scaler created are deleted by it.
 */
public record ScalerMember(String id, String address, String serverId, String portId, String createdBy) {
    public ScalerMember {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(address, "address");
        if (id.isBlank()) {
            throw new IllegalArgumentException("scaler member id must not be blank");
        }
    }

    /** The port of the Raft address ({@code host:port}), or -1 when the address has none. */
    public int raftPort() {
        int colon = address.lastIndexOf(':');
        if (colon < 0) {
            return -1;
        }
        try {
            return Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
