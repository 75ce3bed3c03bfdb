package org.sipmediadeploy.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sipmediadeploy.core.Fixtures.POOL;
import static org.sipmediadeploy.core.Fixtures.T0;
import static org.sipmediadeploy.core.Fixtures.answers;
import static org.sipmediadeploy.core.Fixtures.host;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
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

/** The learnt arrival rate and boot time, and how they size the scaling policy's buffer. */
class DemandEstimateTest {
    private static final Duration PERIOD = Duration.ofSeconds(5);

    /** Feeds one arrival every {@code gapSeconds} for {@code minutes}, one observation per 5 s period. */
    private static DemandEstimate steady(DemandEstimate e, Instant from, int gapSeconds, int minutes) {
        int busy = Math.max(0, e.lastBusy());
        for (int s = 0; s <= minutes * 60; s += 5) {
            if (s > 0 && s % gapSeconds == 0) {
                busy++;
            }
            e = e.observeBusy(busy, from.plusSeconds(s));
        }
        return e;
    }

    @Test
    void noDemandSeenMeansNoBuffer() {
        assertEquals(0, DemandEstimate.NONE.bufferFor(PERIOD, 100));
        DemandEstimate quiet = DemandEstimate.NONE.observeBusy(3, T0).observeBusy(3, T0.plusSeconds(5));
        assertEquals(0, quiet.bufferFor(PERIOD, 100), "a constant busy count is no arrival");
    }

    @Test
    void theRateConvergesOnTheArrivalRateAndTheBufferGrowsWithIt() {
        DemandEstimate slow = steady(DemandEstimate.NONE, T0, 300, 60);   // one call per 5 min
        DemandEstimate busy = steady(DemandEstimate.NONE, T0, 30, 60);    // two calls per minute
        assertEquals(1.0 / 300, slow.arrivalsPerSecond(), 0.3 / 300);
        assertEquals(1.0 / 30, busy.arrivalsPerSecond(), 0.3 / 30);
        // 95 s of arrivals at 2/min: a mean of 3.2 calls, covered at 90 % by 6 idle gateways (P(N <= 5) = 0.898).
        assertEquals(6, busy.bufferFor(PERIOD, 100));
        assertTrue(slow.bufferFor(PERIOD, 100) <= 1, "a trickle needs at most one");
        assertEquals(2, busy.bufferFor(PERIOD, 2), "never above the cap");
    }

    @Test
    void theRateFadesWhenCallsStopArriving() {
        DemandEstimate busy = steady(DemandEstimate.NONE, T0, 30, 60);
        DemandEstimate after = busy;
        for (int s = 5; s <= 3600; s += 5) {
            after = after.observeBusy(busy.lastBusy(), busy.lastAt().plusSeconds(s));
        }
        assertEquals(0, after.bufferFor(PERIOD, 100), "an hour without arrivals leaves no buffer");
    }

    @Test
    void endingCallsAreNotArrivals() {
        DemandEstimate e = DemandEstimate.NONE.observeBusy(10, T0);
        for (int s = 5; s <= 600; s += 5) {
            e = e.observeBusy(Math.max(0, 10 - s / 60), T0.plusSeconds(s));
        }
        assertEquals(0.0, e.arrivalsPerSecond());
    }

    @Test
    void theBootTimeIsLearntFromHostsThatAnswered() {
        DemandEstimate e = DemandEstimate.NONE;
        for (int i = 0; i < 20; i++) {
            e = e.observeBoot(Duration.ofSeconds(240));
        }
        assertEquals(240, e.bootTime().toSeconds(), 2);
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
    void atAPeakThePolicyKeepsMoreThanTheScheduledSpare() {
        Fixtures.PoolCfg b = Fixtures.poolCfg();
        b.capacity = 1;
        b.max = 50;
        b.spare = SpareSchedule.constant(1);
        b.period = PERIOD;
        PoolConfig cfg = b.build();
        Instant now = T0.plusSeconds(86_400);
        PoolState p = pool(host("gw-1", HostState.READY, now.minusSeconds(3600)));
        Map<String, HostObservation> idle = new HashMap<>();
        idle.put("gw-1", answers(1, false, now));
        PoolObservation obs = new PoolObservation(idle, Set.of());

        ScalingVerdict quiet = ScalingPolicy.decide(p, obs, cfg, ScalingMemory.NONE, now, DecisionIds.forTerm(3, 1));
        assertEquals(1, quiet.targetSpare());
        assertEquals(List.of(), quiet.decisions());

        ScalingMemory peak = new ScalingMemory(null, steady(DemandEstimate.NONE, now.minusSeconds(3600), 30, 60));
        ScalingVerdict v = ScalingPolicy.decide(p, obs, cfg, peak, now, DecisionIds.forTerm(3, 1));
        assertEquals(6, v.targetSpare(), "two calls a minute need six spares");
        assertEquals(5, v.decisions().stream().filter(d -> d instanceof Decision.CreateHost).count());
        assertInstanceOf(DemandEstimate.class, v.memory().demand());
        assertTrue(v.memory().demand().lastAt().equals(now), "the pass is recorded in the memory");
    }
}
