package org.sipmediadeploy.core.policy;

import java.time.Duration;
import java.time.Instant;

/**
 * What the leader has seen of demand between passes: the busy gateways at the last pass (their rises are the calls
 * that arrived, counted per minute into the replicated {@link org.sipmediadeploy.core.model.ArrivalHistory}) and how
 * long a new host takes to answer, which sets how far ahead {@link DemandForecast} looks.
 *
 * <p>Net rises undercount arrivals only when a call ends and another starts within one evaluation period, which at
 * a 5 s period and minutes-long calls is rare. Leader-local: a new leader learns the boot time again.
 */
record DemandEstimate(int lastBusy, Instant lastAt, Duration bootTime) {
    /** The boot time assumed until a host has been seen booting. */
    static final Duration DEFAULT_BOOT = Duration.ofSeconds(90);

    public static final DemandEstimate NONE = new DemandEstimate(-1, null, DEFAULT_BOOT);

    /** This estimate after a pass that saw {@code busy} busy gateways at {@code now}. */
    DemandEstimate observeBusy(int busy, Instant now) {
        return new DemandEstimate(busy, now, bootTime);
    }

    /** This estimate after a host answered {@code boot} after its creation. */
    DemandEstimate observeBoot(Duration boot) {
        if (boot.isNegative()) {
            return this;
        }
        long ms = Math.round(bootTime.toMillis() * 0.7 + boot.toMillis() * 0.3);
        return new DemandEstimate(lastBusy, lastAt, Duration.ofMillis(ms));
    }
}
