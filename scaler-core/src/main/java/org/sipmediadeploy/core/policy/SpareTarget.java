package org.sipmediadeploy.core.policy;

import java.time.Duration;
import java.time.Instant;
import org.sipmediadeploy.core.config.PoolConfig;
import org.sipmediadeploy.core.model.PoolState;

/**
 * The idle gateways a pool should hold now, and which term set them: the floor (the schedule's default spare, one
 * on a quiet pool), the configured schedule during a cold start, a headroom proportional to the busy gateways, a
 * surge proportional to the calls of the last minute, and the forecast of the arrivals in the next boot window.
 */
final class SpareTarget {
    /** Idle gateways held per busy gateway, whatever the forecast: covers a surprise while hosts boot. */
    static final double HEADROOM = 0.05;

    /**
     * Idle gateways held per call seen in the last 60 s: a burst nobody forecast (an unannounced event) keeps
     * dialling in after its first minutes, and the hosts created while it starts are ready for that tail.
     */
    static final double SURGE = 0.5;
    /** The same while no ready gateway is idle: the calls turned away are not seen, so the count is a lower bound. */
    static final double SATURATED_SURGE = 2.0;

    /** A pool that saw fewer than {@link #QUIET_CALLS} calls in the last {@link #QUIET_MINUTES} minutes is quiet. */
    static final int QUIET_MINUTES = 120;

    static final int QUIET_CALLS = 3;

    private SpareTarget() {}

    /** The idle gateways wanted and the term that set them. */
    record Target(int spare, String driver, String reason) {}

    /**
     * The idle gateways to hold: the largest of the floor (the schedule's default spare), the configured schedule
     * while less than a day of arrivals is known (cold start), a headroom proportional to the busy gateways, and the
     * forecast of the calls arriving before a host created now would answer.
     */
    static Target of(
            PoolState pool,
            PoolConfig cfg,
            DemandEstimate demand,
            int busy,
            int lastMinute,
            boolean saturated,
            Instant now) {
        int floor = cfg.spare().defaultSpare();
        // A quiet pool (a night, a weekend evening) holds one spare, not the office-hours floor: a lone call still
        // finds a gateway, and the next one is seen arriving and covered while it is alone.
        long newest = Math.min(
                Math.floorDiv(now.getEpochSecond(), 60) - 1, pool.arrivals().lastMinute());
        int recent = pool.arrivals().sum(newest - QUIET_MINUTES + 1, QUIET_MINUTES);
        boolean quiet = recent >= 0 && recent < QUIET_CALLS;
        if (quiet) {
            floor = Math.min(floor, 1);
        }
        boolean cold = !pool.arrivals().covers(1440);
        int schedule = cold ? cfg.spare().spareAt(now) : 0;
        int headroom = (int) Math.ceil(HEADROOM * busy - 1e-9);
        Duration window = demand.bootTime().plus(cfg.evaluationPeriod());
        DemandForecast.Forecast f =
                DemandForecast.of(pool.arrivals(), now, window, cfg.spare().zone());
        // A saturated pool sees only the calls it could take: the ones it turned away were at least as many.
        int surge = (int) Math.ceil((saturated ? SATURATED_SURGE : SURGE) * lastMinute - 1e-9);
        int spare = Math.max(Math.max(floor, schedule), Math.max(Math.max(headroom, surge), f.calls()));
        if (f.calls() == spare && spare > 0) {
            return new Target(
                    spare,
                    ScalingPolicy.FORECAST,
                    "forecast: " + f.calls() + " calls in the next " + window.toSeconds() + " s (" + f.basis() + ")");
        }
        if (surge == spare && spare > 0) {
            return new Target(spare, ScalingPolicy.SURGE_TERM, surgeReason(lastMinute, saturated));
        }
        if (headroom == spare && spare > 0) {
            return new Target(
                    spare,
                    ScalingPolicy.HEADROOM_TERM,
                    "headroom: " + Math.round(HEADROOM * 100) + " % of " + busy + " busy");
        }
        if (schedule == spare && schedule > floor) {
            return new Target(
                    spare,
                    ScalingPolicy.SCHEDULE,
                    "schedule: " + schedule + " spare now (cold start: under a day of " + "arrivals learnt)");
        }
        return new Target(spare, ScalingPolicy.FLOOR, floorReason(floor, quiet, recent));
    }

    private static String surgeReason(int lastMinute, boolean saturated) {
        StringBuilder r = new StringBuilder("surge: ").append(lastMinute).append(" calls in the last 60 s");
        if (saturated) {
            r.append(", no ready gateway idle");
        }
        return r.toString();
    }

    private static String floorReason(int floor, boolean quiet, int recent) {
        StringBuilder r = new StringBuilder("floor: spare ").append(floor);
        if (quiet) {
            r.append(" (quiet: ").append(recent).append(" calls in 2 h)");
        }
        return r.toString();
    }
}
