package org.sipmediadeploy.core.policy;

import java.time.Duration;
import java.time.Instant;

/**
 * What the pool has seen of demand: the call arrival rate (an exponentially weighted average of the rises in busy
 * gateways between passes) and how long a new host takes to answer. From these the policy sizes the idle buffer
 * that covers the calls expected while a new host boots, so the pool holds more spares at a peak and fewer at night
 * instead of one fixed number all day. The numbers (10 min memory, 90 % cover) come from replaying the shipped
 * traces (bench/results/trace-replay.md): a shorter memory or a higher cover rejects fewer calls for more
 * gateway-hours.
 *
 * <p>Net rises undercount arrivals only when a call ends and another starts within one evaluation period, which at
 * a 5 s period and minutes-long calls is rare. Leader-local like the rest of {@link ScalingMemory}: a new leader
 * learns the rate again within a few minutes, falling back to the schedule's spare meanwhile.
 */
public record DemandEstimate(int lastBusy, Instant lastAt, double arrivalsPerSecond, Duration bootTime) {
    /** How far back the rate looks (the time constant of the average). */
    static final Duration RATE_MEMORY = Duration.ofMinutes(10);
    /** The boot time assumed until a host has been seen booting. */
    static final Duration DEFAULT_BOOT = Duration.ofSeconds(90);
    /** Probability that the calls arriving during one boot find an idle gateway. */
    static final double COVER = 0.9;

    public static final DemandEstimate NONE = new DemandEstimate(-1, null, 0, DEFAULT_BOOT);

    /** This estimate after a pass that saw {@code busy} busy gateways at {@code now}. */
    DemandEstimate observeBusy(int busy, Instant now) {
        if (lastAt == null || lastBusy < 0 || !now.isAfter(lastAt)) {
            return new DemandEstimate(busy, now, arrivalsPerSecond, bootTime);
        }
        double dt = (now.toEpochMilli() - lastAt.toEpochMilli()) / 1000.0;
        double tau = RATE_MEMORY.toMillis() / 1000.0;
        int arrivals = Math.max(0, busy - lastBusy);
        double rate = arrivalsPerSecond * Math.exp(-dt / tau) + arrivals / tau;
        return new DemandEstimate(busy, now, rate, bootTime);
    }

    /** This estimate after a host answered {@code boot} after its creation. */
    DemandEstimate observeBoot(Duration boot) {
        if (boot.isNegative()) {
            return this;
        }
        long ms = Math.round(bootTime.toMillis() * 0.7 + boot.toMillis() * 0.3);
        return new DemandEstimate(lastBusy, lastAt, arrivalsPerSecond, Duration.ofMillis(ms));
    }

    /**
     * The idle gateways that cover, with probability {@link #COVER}, the calls arriving during a boot plus one
     * evaluation period (Poisson arrivals at the estimated rate), at most {@code cap}.
     */
    int bufferFor(Duration evaluationPeriod, int cap) {
        double mean = arrivalsPerSecond * (bootTime.plus(evaluationPeriod).toMillis() / 1000.0);
        if (mean <= 0) {
            return 0;
        }
        double p = Math.exp(-mean);
        double cdf = p;
        int k = 0;
        while (cdf < COVER && k < cap) {
            k++;
            p = p * mean / k;
            cdf += p;
        }
        return k;
    }
}
