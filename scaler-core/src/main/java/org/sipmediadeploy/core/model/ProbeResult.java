package org.sipmediadeploy.core.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The value every probe returns; probes never throw. {@code reason} says what an operator can act on
 * ("timeout after 400 ms", "503 Service Unavailable", "401 bad credentials", "connection refused").
 * {@code capacity} is set only by the gateway status probe when it is UP.
 * {@code at} is when the probe finished, read by the adapter's clock.
 */
public record ProbeResult(ProbeStatus status, Duration latency, String reason, GatewayCapacity capacity, Instant at) {
    public ProbeResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(at, "at");
    }

    public static ProbeResult up(Duration latency, String reason, Instant at) {
        return new ProbeResult(ProbeStatus.UP, latency, reason, null, at);
    }

    public static ProbeResult down(Duration latency, String reason, Instant at) {
        return new ProbeResult(ProbeStatus.DOWN, latency, reason, null, at);
    }

    public static ProbeResult unknown(Duration latency, String reason, Instant at) {
        return new ProbeResult(ProbeStatus.UNKNOWN, latency, reason, null, at);
    }

    public static ProbeResult gateway(Duration latency, GatewayCapacity capacity, Instant at) {
        return new ProbeResult(ProbeStatus.UP, latency, "ok", Objects.requireNonNull(capacity), at);
    }

    public boolean isUp() {
        return status == ProbeStatus.UP;
    }

    public Optional<GatewayCapacity> gatewayCapacity() {
        return Optional.ofNullable(capacity);
    }
}
