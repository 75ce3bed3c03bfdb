package org.sipmediadeploy.core.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import org.sipmediadeploy.core.model.ProbeTarget;
import org.sipmediadeploy.core.model.Secret;
import org.sipmediadeploy.core.model.Transport;

/**
 * How to probe the members of a pair. {@code kind} is sip-options, stun or turn-allocate. {@code password} is
 * already read from its file by the loader (TURN only, else null).
 */
public record ProbeSpec(
        Kind kind,
        int port,
        Transport transport,
        Set<Integer> healthyCodes,
        String username,
        Secret password,
        Duration interval,
        Duration timeout) {
    public enum Kind {
        SIP_OPTIONS,
        STUN,
        TURN_ALLOCATE
    }

    public ProbeSpec {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
        healthyCodes = Set.copyOf(healthyCodes == null ? Set.of(200) : healthyCodes);
    }

    /** The probe target for a member at {@code address}. */
    public ProbeTarget target(String address) {
        if (kind == Kind.SIP_OPTIONS) {
            return new ProbeTarget.SipOptions(address, port, transport, healthyCodes);
        } else if (kind == Kind.STUN) {
            return new ProbeTarget.StunBinding(address, port);
        } else if (kind == Kind.TURN_ALLOCATE) {
            return new ProbeTarget.TurnAllocate(address, port, username, password);
        }
        throw new AssertionError(kind);
    }
}
