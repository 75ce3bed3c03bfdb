package org.sipmediadeploy.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Failover rules of a pair. {@code failureThreshold} consecutive failures make the active suspect;
 * {@code minInterval} after a failover doubles that threshold (anti-flap); {@code maxPerHour} failovers in an hour
 * put the pair in MANUAL; a standby down for {@code replaceAfter} is replaced when {@code replaceFailed}.
 */
public record FailoverSettings(
        int failureThreshold,
        Duration minInterval,
        int maxPerHour,
        Duration confirmTimeout,
        boolean replaceFailed,
        Duration replaceAfter) {
    public FailoverSettings {
        Objects.requireNonNull(minInterval, "minInterval");
        Objects.requireNonNull(confirmTimeout, "confirmTimeout");
        Objects.requireNonNull(replaceAfter, "replaceAfter");
        if (failureThreshold < 1) {
            throw new IllegalArgumentException("failure threshold must be >= 1");
        }
        if (maxPerHour < 1) {
            throw new IllegalArgumentException("max per hour must be >= 1");
        }
    }

    public static FailoverSettings defaults() {
        return new FailoverSettings(3, Duration.ofSeconds(30), 4, Duration.ofMillis(300), true, Duration.ofSeconds(30));
    }
}
