package org.sipmediadeploy.core.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A Gateway Host in the replicated pool. {@code name} is unique and chosen before the server exists, so a
 * retried create finds its server; {@code serverId} and {@code address} are null until the create is recorded.
 */
public record Host(
        String name,
        String serverId,
        String address,
        HostState state,
        Instant createdAt,
        Instant stateSince,
        String decisionId) {
    public Host {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(stateSince, "stateSince");
        Objects.requireNonNull(decisionId, "decisionId");
    }

    /** This host moved to {@code next} at {@code at}; refuses arrows the lifecycle does not have. */
    public Host moveTo(HostState next, Instant at) {
        if (!state.canMoveTo(next)) {
            throw new IllegalStateException("host " + name + " cannot go from " + state + " to " + next);
        }
        return new Host(name, serverId, address, next, createdAt, at, decisionId);
    }

    public Host withServer(String id, String addr) {
        return new Host(name, id, addr, state, createdAt, stateSince, decisionId);
    }
}
