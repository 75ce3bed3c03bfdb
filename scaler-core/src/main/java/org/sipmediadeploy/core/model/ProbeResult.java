package org.sipmediadeploy.core.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The value every probe returns; probes never throw. {@code reason} says what an operator can act on
 * ("timeout after 400 ms", "503 Service Unavailable", "401 bad credentials", "connection refused").
 * {@code capacity} is set only by the gateway status probe when it is UP.
 * {@code at} is when the probe finished, read by the adapter's clock. {@code evidence} is the kind of outcome
 * the failure detector weighs (a probe that does not classify its failures gets OTHER).
 */
public record ProbeResult(
        ProbeStatus status,
        Duration latency,
        String reason,
        GatewayCapacity capacity,
        Instant at,
        ProbeEvidence evidence) {
    public ProbeResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(evidence, "evidence");
        if ((status == ProbeStatus.UP) != (evidence == ProbeEvidence.PASSED)) {
            throw new IllegalArgumentException("evidence " + evidence + " does not fit status " + status);
        }
    }

    /** A result whose evidence follows from its status (PASSED when up, else OTHER). */
    public ProbeResult(ProbeStatus status, Duration latency, String reason, GatewayCapacity capacity, Instant at) {
        this(status, latency, reason, capacity, at, ProbeEvidence.of(status));
    }

    /** No answer within the timeout. */
    public static ProbeResult silent(Duration latency, String reason, Instant at) {
        return new ProbeResult(ProbeStatus.DOWN, latency, reason, null, at, ProbeEvidence.SILENT);
    }

    /** The target refused at once (connection refused or reset, port unreachable, TLS alert, its own 5xx). */
    public static ProbeResult refused(Duration latency, String reason, Instant at) {
        return new ProbeResult(ProbeStatus.DOWN, latency, reason, null, at, ProbeEvidence.IMMEDIATE);
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
