package org.sipmediadeploy.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sipmediadeploy.core.Fixtures.POOL;
import static org.sipmediadeploy.core.Fixtures.answers;
import static org.sipmediadeploy.core.Fixtures.host;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.sipmediadeploy.core.Fixtures;
import org.sipmediadeploy.core.config.PoolConfig;
import org.sipmediadeploy.core.config.SpareSchedule;
import org.sipmediadeploy.core.decision.Decision;
import org.sipmediadeploy.core.model.Host;
import org.sipmediadeploy.core.model.HostState;
import org.sipmediadeploy.core.model.PoolMode;
import org.sipmediadeploy.core.model.PoolState;

/** The learnt boot time and arrivals, and how the forecast built on them sizes the scaling policy's target. */
class DemandEstimateTest {
    private static final Duration PERIOD = Duration.ofSeconds(5);

    @Test
    void theBootTimeIsLearntFromHostsThatAnswered() {
        DemandEstimate e = DemandEstimate.NONE;
        for (int i = 0; i < 20; i++) {
            e = e.observeBoot(Duration.ofMinutes(4));
        }
        assertEquals(240.0, (double) e.bootTime().toSeconds(), 2.0);
        assertEquals(e, e.observeBoot(Duration.ofSeconds(-1)), "a clock step back is ignored");
    }

    // ---- in the policy ---------------------------------------------------------------------------------------

    private static PoolState pool(Host... hosts) {
        Map<String, Host> m = new TreeMap<>();
        for (Host h : hosts) {
            m.put(h.name(), h);
        }
        return new PoolState(POOL, PoolMode.AUTO, m, 0, null);
    }

    @Test
    void callsSeenArrivingAreCountedPerMinuteAndAFinishedMinuteIsHandedBackForReplication() {
        Fixtures.PoolCfg b = Fixtures.poolCfg();
        b.capacity = 1;
        b.max = 50;
        b.spare = SpareSchedule.constant(1);
        b.period = PERIOD;
        PoolConfig cfg = b.build();
        Instant minute = Instant.parse("2026-01-05T10:00:00Z");
        ScalingMemory m = ScalingMemory.NONE;
        ScalingVerdict v = null;
        int[] busyAt = {0, 2, 2, 5, 4, 7}; // passes at :00, :05 ... :25: rises 2, 3 and 3 (a call ended between)
        for (int i = 0; i < busyAt.length; i++) {
            PoolState p = pool(tenHosts(minute.minusSeconds(3600)));
            v = ScalingPolicy.decide(
                    p, observe(p, busyAt[i], minute), cfg, m, minute.plusSeconds(5L * i), DecisionIds.forTerm(3, 1));
            m = v.memory();
            assertEquals(null, v.closedMinute(), "the minute is not over");
        }
        PoolState p = pool(tenHosts(minute.minusSeconds(3600)));
        v = ScalingPolicy.decide(p, observe(p, 7, minute), cfg, m, minute.plusSeconds(60), DecisionIds.forTerm(3, 1));
        assertEquals(new ScalingVerdict.MinuteArrivals(minute.getEpochSecond() / 60, 8), v.closedMinute());
    }

    @Test
    void theForecastOfTheNextBootWindowRaisesTheTargetAndTheCreatesSayWhy() {
        Fixtures.PoolCfg b = Fixtures.poolCfg();
        b.capacity = 1;
        b.max = 200;
        b.spare = SpareSchedule.constant(1);
        b.period = PERIOD;
        PoolConfig cfg = b.build();
        Instant now = Instant.parse("2026-01-06T09:58:30Z"); // a Tuesday, just before a :00 burst
        long minute = now.getEpochSecond() / 60;
        // Monday: a steady 2 calls a minute, and 40 calls at 10:00.
        PoolState p = pool(host("gw-1", HostState.READY, now.minusSeconds(7200)));
        org.sipmediadeploy.core.model.ArrivalHistory h = org.sipmediadeploy.core.model.ArrivalHistory.EMPTY;
        for (long m = minute - 1440 - 180; m < minute; m++) {
            h = h.record(m, m == minute - 1440 + 2 ? 40 : 2);
        }
        p = new PoolState(p.name(), p.mode(), p.hosts(), 0, null, h);
        Map<String, HostObservation> idle = new HashMap<>();
        idle.put("gw-1", answers(1, false, now));
        ScalingVerdict v = ScalingPolicy.decide(
                p, new PoolObservation(idle, Set.of()), cfg, ScalingMemory.NONE, now, DecisionIds.forTerm(3, 1));
        assertEquals(ScalingPolicy.FORECAST, v.driver());
        // Window 30 s into the minute + 95 s: minutes :58, :59 and :00 on Monday = 2 + 2 + 40, times the margin.
        assertEquals((int) Math.ceil(DemandForecast.MARGIN * 44), v.targetSpare());
        Decision.CreateHost c =
                assertInstanceOf(Decision.CreateHost.class, v.decisions().get(0));
        assertTrue(c.reason().contains("set by forecast: "), c.reason());
    }

    // ---- the quiet floor and the surge term ------------------------------------------------------------------

    private static PoolConfig twoSpare() {
        Fixtures.PoolCfg b = Fixtures.poolCfg();
        b.capacity = 1;
        b.max = 50;
        b.spare = SpareSchedule.constant(2);
        b.period = PERIOD;
        b.scaleInAfter = Duration.ofSeconds(60);
        b.protectNew = Duration.ofMinutes(2);
        return b.build();
    }

    /** {@code p} with a history of {@code minutes} minutes up to {@code last}, one call in each of the last few. */
    private static PoolState withHistory(PoolState p, long last, int minutes, int callsInTotal) {
        org.sipmediadeploy.core.model.ArrivalHistory h = org.sipmediadeploy.core.model.ArrivalHistory.EMPTY;
        for (long m = last - minutes + 1; m <= last; m++) {
            h = h.record(m, m > last - callsInTotal ? 1 : 0);
        }
        return new PoolState(p.name(), p.mode(), p.hosts(), 0, null, h);
    }

    private static ScalingVerdict quietNight(int callsInLastTwoHours, int secondOfMinute, boolean minuteReplicated) {
        Instant now = Instant.parse("2026-01-10T02:00:00Z").plusSeconds(secondOfMinute);
        long minute = now.getEpochSecond() / 60;
        PoolState p = pool(
                host("gw-1", HostState.READY, now.minusSeconds(7200)),
                host("gw-2", HostState.READY, now.minusSeconds(7200)));
        // The minute just over is replicated one pass after it closed: the first pass of a minute does not see it.
        // More than a day of history: past the cold start, whose schedule would hold the floor.
        p = withHistory(p, minuteReplicated ? minute - 1 : minute - 2, 1500, callsInLastTwoHours);
        ScalingMemory surplus = new ScalingMemory(now.minusSeconds(120), DemandEstimate.NONE, minute, 0);
        return ScalingPolicy.decide(p, observe(p, 0, now), twoSpare(), surplus, now, DecisionIds.forTerm(3, 1));
    }

    @Test
    void aQuietPoolHoldsOneSpareInsteadOfTheFloorAndDrainsTheOther() {
        ScalingVerdict v = quietNight(0, 30, true);
        assertEquals(1, v.targetSpare());
        assertEquals(ScalingPolicy.FLOOR, v.driver());
        Decision.DrainHost d =
                assertInstanceOf(Decision.DrainHost.class, v.decisions().get(0));
        assertTrue(d.reason().contains("quiet: 0 calls in 2 h"), d.reason());
    }

    @Test
    void theQuietFloorHoldsInTheFirstPassOfAMinuteBeforeTheMinuteIsReplicated() {
        // Were the unreplicated minute read as unknown, every minute would reset the surplus timer: no scale-in.
        ScalingVerdict v = quietNight(0, 2, false);
        assertEquals(1, v.targetSpare());
        assertInstanceOf(Decision.DrainHost.class, v.decisions().get(0));
    }

    @Test
    void aPoolThatSawAFewCallsInTheLastTwoHoursKeepsTheFloor() {
        ScalingVerdict v = quietNight(SpareTarget.QUIET_CALLS, 30, true);
        assertEquals(2, v.targetSpare());
        assertTrue(v.decisions().isEmpty(), v.decisions().toString());
    }

    private static ScalingVerdict surge(int idleHosts, int arrivedThisMinute) {
        Instant now = Instant.parse("2026-01-07T18:40:30Z"); // an evening: nothing forecast
        long minute = now.getEpochSecond() / 60;
        Host[] hosts = new Host[4 + idleHosts];
        for (int i = 0; i < hosts.length; i++) {
            hosts[i] = host("gw-" + i, HostState.READY, now.minusSeconds(7200));
        }
        PoolState p = withHistory(pool(hosts), minute - 1, 180, 0);
        ScalingMemory m = new ScalingMemory(
                null, new DemandEstimate(4, now.minusSeconds(5), Duration.ofSeconds(90)), minute, arrivedThisMinute);
        return ScalingPolicy.decide(p, observe(p, 4, now), twoSpare(), m, now, DecisionIds.forTerm(3, 1));
    }

    @Test
    void callsArrivingFasterThanForecastRaiseTheTargetByTheSurgeTerm() {
        ScalingVerdict v = surge(4, 12);
        assertEquals(ScalingPolicy.SURGE_TERM, v.driver());
        assertEquals((int) Math.ceil(SpareTarget.SURGE * 12), v.targetSpare());
        Decision.CreateHost c =
                assertInstanceOf(Decision.CreateHost.class, v.decisions().get(0));
        assertTrue(c.reason().contains("surge: 12 calls in the last 60 s"), c.reason());
    }

    @Test
    void aSaturatedPoolCountsTheCallsItSawAsALowerBoundAndAsksForMore() {
        ScalingVerdict v = surge(0, 4);
        assertEquals(ScalingPolicy.SURGE_TERM, v.driver());
        assertEquals((int) Math.ceil(SpareTarget.SATURATED_SURGE * 4), v.targetSpare());
        assertEquals(
                v.targetSpare(),
                v.decisions().stream()
                        .filter(d -> d instanceof Decision.CreateHost)
                        .count());
    }

    @Test
    void withoutCallsArrivingTheSurgeTermAsksForNothing() {
        ScalingVerdict v = surge(2, 0);
        assertTrue(!ScalingPolicy.SURGE_TERM.equals(v.driver()), v.driver());
    }

    private static Host[] tenHosts(Instant created) {
        Host[] hosts = new Host[10];
        for (int i = 0; i < hosts.length; i++) {
            hosts[i] = host("gw-" + i, HostState.READY, created);
        }
        return hosts;
    }

    private static PoolObservation observe(PoolState p, int busy, Instant now) {
        Map<String, HostObservation> o = new HashMap<>();
        int i = 0;
        for (Host h : p.hostList()) {
            o.put(h.name(), answers(i++ < busy ? 0 : 1, false, now));
        }
        return new PoolObservation(o, Set.of());
    }
}
