package org.sipmediadeploy.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Failover rules of a pair. The {@code detector} makes a member suspect (with the COUNT detector,
 * {@code failureThreshold} consecutive failures); within {@code minInterval} after a failover the bar doubles
 * (anti-flap); {@code maxPerHour} failovers in an hour put the pair in MANUAL; a standby down for
 * {@code replaceAfter} is replaced when {@code replaceFailed}.
 */
public record FailoverSettings(
        int failureThreshold,
        Duration minInterval,
        int maxPerHour,
        Duration confirmTimeout,
        boolean replaceFailed,
        Duration replaceAfter,
        DetectorSettings detector) {
    public FailoverSettings {
        Objects.requireNonNull(minInterval, "minInterval");
        Objects.requireNonNull(confirmTimeout, "confirmTimeout");
        Objects.requireNonNull(replaceAfter, "replaceAfter");
        Objects.requireNonNull(detector, "detector");
        if (failureThreshold < 1) {
            throw new IllegalArgumentException("failure threshold must be >= 1");
        }
        if (maxPerHour < 1) {
            throw new IllegalArgumentException("max per hour must be >= 1");
        }
    }

    /** With the consecutive-count detector. */
    public FailoverSettings(
            int failureThreshold,
            Duration minInterval,
            int maxPerHour,
            Duration confirmTimeout,
            boolean replaceFailed,
            Duration replaceAfter) {
        this(
                failureThreshold,
                minInterval,
                maxPerHour,
                confirmTimeout,
                replaceFailed,
                replaceAfter,
                DetectorSettings.COUNT);
    }

    /** Three consecutive failures with the count detector, the rest as the reference configuration. */
    public static FailoverSettings defaults() {
        return new FailoverSettings(3, Duration.ofSeconds(30), 4, Duration.ofMillis(300), true, Duration.ofSeconds(30));
    }

    public FailoverSettings withDetector(DetectorSettings d) {
        return new FailoverSettings(
                failureThreshold, minInterval, maxPerHour, confirmTimeout, replaceFailed, replaceAfter, d);
    }
}
