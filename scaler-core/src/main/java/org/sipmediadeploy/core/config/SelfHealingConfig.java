package org.sipmediadeploy.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Self-healing of the scaler cluster, off by default. A voting member the leader has not heard from for
 * {@code replaceAfter}, while a majority answered within {@code healthyWithin}, is replaced by a new VM made from
 * {@code server} (its user data is rendered by the daemon, not taken from the template here). A replacement that
 * has not switched the configuration within {@code giveUpAfter} of its start is undone and closed FAILED; the next
 * one is not decided before {@code replaceAfter} has passed again.
 */
public record SelfHealingConfig(
        boolean enabled, Duration replaceAfter, Duration healthyWithin, Duration giveUpAfter, ServerTemplate server) {
    public static final Duration DEFAULT_REPLACE_AFTER = Duration.ofMinutes(5);
    public static final SelfHealingConfig DISABLED =
            new SelfHealingConfig(false, DEFAULT_REPLACE_AFTER, Duration.ofSeconds(5), Duration.ofMinutes(10), null);

    public SelfHealingConfig {
        Objects.requireNonNull(replaceAfter, "replaceAfter");
        Objects.requireNonNull(healthyWithin, "healthyWithin");
        Objects.requireNonNull(giveUpAfter, "giveUpAfter");
        if (enabled && server == null) {
            throw new IllegalArgumentException("self-healing needs a server template");
        }
        if (healthyWithin.isNegative() || healthyWithin.isZero() || replaceAfter.compareTo(healthyWithin) <= 0) {
            throw new IllegalArgumentException(
                    "replace-after (" + replaceAfter + ") must be above the healthy window (" + healthyWithin + ")");
        }
    }
}
