package org.sipmediadeploy.core.model;

import java.util.Objects;
import java.util.Set;

/** What to probe. Each kind names its own protocol; {@link #key()} identifies the target in metrics and state. */
public sealed interface ProbeTarget {
    String host();

    int port();

    /** Stable identity of the target, e.g. {@code sip-udp://127.0.1.1:5060}. */
    String key();

    /** SIP OPTIONS; healthy only when the final reply code is in {@code healthyCodes}. */
    record SipOptions(String host, int port, Transport transport, Set<Integer> healthyCodes) implements ProbeTarget {
        public SipOptions {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(transport, "transport");
            healthyCodes = Set.copyOf(healthyCodes == null || healthyCodes.isEmpty() ? Set.of(200) : healthyCodes);
            ProbeTargets.checkPort(port);
        }

        @Override
        public String key() {
            return "sip-" + transport.name().toLowerCase(java.util.Locale.ROOT) + "://" + host + ":" + port;
        }
    }

    /** STUN Binding request; healthy when a success response with a mapped address arrives. */
    record StunBinding(String host, int port) implements ProbeTarget {
        public StunBinding {
            Objects.requireNonNull(host, "host");
            ProbeTargets.checkPort(port);
        }

        @Override
        public String key() {
            return "stun://" + host + ":" + port;
        }
    }

    /** TURN Allocate with long-term credentials; the allocation is released right after. */
    record TurnAllocate(String host, int port, String username, Secret password) implements ProbeTarget {
        public TurnAllocate {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(password, "password");
            ProbeTargets.checkPort(port);
        }

        @Override
        public String key() {
            return "turn://" + host + ":" + port;
        }
    }

    /** SIPMediaGW status contract: GET {@code path} returns JSON with an idle count and a terminate flag. */
    record GatewayStatus(String host, int port, String path, String idleKey, String terminateKey)
            implements ProbeTarget {
        public GatewayStatus {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(idleKey, "idleKey");
            Objects.requireNonNull(terminateKey, "terminateKey");
            ProbeTargets.checkPort(port);
        }

        @Override
        public String key() {
            return "http://" + host + ":" + port + path;
        }
    }
}
