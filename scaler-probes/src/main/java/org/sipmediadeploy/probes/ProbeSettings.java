package org.sipmediadeploy.probes;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How this node's probes run. Validated on construction; {@link #defaults()} gives the values used on loopback
 * in tests and a sensible start for production (where {@code sipBindAddress} must be the node's own address,
 * since SIP replies over UDP go to the Via sent-by).
 *
 * @param sipBindAddress   address the SIP stack listens on and puts in Via; must be reachable by the targets
 * @param sipPort          port for the UDP and TCP listening points; 0 picks a free one
 * @param tls              trust store for SIP over TLS; empty disables TLS probes (they report UNKNOWN)
 * @param stunBindAddress  source address for STUN/TURN; empty lets the OS route choose it per target
 * @param stunRetransmit   STUN retransmission schedule (the probe timeout still bounds the whole exchange)
 * @param httpConnectTimeout upper bound for the gateway status TCP connect (the probe timeout still applies)
 * @param clock            clock read for {@code ProbeResult.at}
 */
public record ProbeSettings(
        String sipBindAddress,
        int sipPort,
        Optional<TlsSettings> tls,
        Optional<String> stunBindAddress,
        StunRetransmit stunRetransmit,
        Duration httpConnectTimeout,
        Clock clock) {

    public ProbeSettings {
        Objects.requireNonNull(sipBindAddress, "sipBindAddress");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(stunBindAddress, "stunBindAddress");
        Objects.requireNonNull(stunRetransmit, "stunRetransmit");
        Objects.requireNonNull(httpConnectTimeout, "httpConnectTimeout");
        Objects.requireNonNull(clock, "clock");
        if (sipBindAddress.isBlank() || "0.0.0.0".equals(sipBindAddress) || "::".equals(sipBindAddress)) {
            // The Via sent-by is where a UDP reply goes: a wildcard there is unreachable.
            throw new IllegalArgumentException(
                    "sipBindAddress must be a concrete, reachable address, was '" + sipBindAddress + "'");
        }
        if (sipPort < 0 || sipPort > 65535) {
            throw new IllegalArgumentException("sipPort must be in 0..65535, was " + sipPort);
        }
        if (httpConnectTimeout.isNegative() || httpConnectTimeout.isZero()) {
            throw new IllegalArgumentException("httpConnectTimeout must be positive, was " + httpConnectTimeout);
        }
    }

    /** Loopback SIP on a free port, no TLS, OS-routed STUN source, RFC 5389-like retransmission from 100 ms. */
    public static ProbeSettings defaults() {
        return new ProbeSettings(
                "127.0.0.1",
                0,
                Optional.empty(),
                Optional.empty(),
                StunRetransmit.DEFAULT,
                Duration.ofSeconds(2),
                Clock.systemUTC());
    }

    public ProbeSettings withSipBindAddress(String address) {
        return new ProbeSettings(address, sipPort, tls, stunBindAddress, stunRetransmit, httpConnectTimeout, clock);
    }

    public ProbeSettings withSipPort(int port) {
        return new ProbeSettings(sipBindAddress, port, tls, stunBindAddress, stunRetransmit, httpConnectTimeout, clock);
    }

    public ProbeSettings withTls(TlsSettings settings) {
        return new ProbeSettings(
                sipBindAddress,
                sipPort,
                Optional.of(settings),
                stunBindAddress,
                stunRetransmit,
                httpConnectTimeout,
                clock);
    }

    public ProbeSettings withStunBindAddress(String address) {
        return new ProbeSettings(
                sipBindAddress, sipPort, tls, Optional.of(address), stunRetransmit, httpConnectTimeout, clock);
    }

    public ProbeSettings withStunRetransmit(StunRetransmit retransmit) {
        return new ProbeSettings(sipBindAddress, sipPort, tls, stunBindAddress, retransmit, httpConnectTimeout, clock);
    }

    public ProbeSettings withClock(Clock newClock) {
        return new ProbeSettings(
                sipBindAddress, sipPort, tls, stunBindAddress, stunRetransmit, httpConnectTimeout, newClock);
    }

    /**
     * STUN client retransmission over UDP: first resend after {@code initial}, doubling up to {@code max}, at
     * most {@code maxRetransmissions} resends. ice4j's defaults (100 ms .. 1.6 s, 6 resends, about 9.5 s) are
     * far longer than a health probe may take, and the probe's own deadline cancels the transaction anyway.
     */
    public record StunRetransmit(Duration initial, Duration max, int maxRetransmissions) {
        public static final StunRetransmit DEFAULT =
                new StunRetransmit(Duration.ofMillis(100), Duration.ofMillis(400), 6);

        public StunRetransmit {
            Objects.requireNonNull(initial, "initial");
            Objects.requireNonNull(max, "max");
            if (initial.toMillis() < 1 || max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("need 1 ms <= initial <= max, was " + initial + " / " + max);
            }
            if (maxRetransmissions < 0 || maxRetransmissions > 20) {
                throw new IllegalArgumentException("maxRetransmissions must be in 0..20, was " + maxRetransmissions);
            }
        }
    }
}
