package org.sipmediadeploy.core.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sipmediadeploy.core.Fixtures;
import org.sipmediadeploy.core.config.PoolConfig;

class TraceSimulatorTest {
    /** 2 gateways per host, spare 2, evaluated every 10 s; hosts boot in 30 s. */
    private static PoolConfig tiny() {
        return Fixtures.poolCfg()
                .capacity(2)
                .min(0)
                .max(10)
                .spare(2)
                .period(Duration.ofSeconds(10))
                .scaleInAfter(Duration.ofSeconds(60))
                .protectNew(Duration.ZERO)
                .build();
    }

    private static final String TINY = """
            start,end
            # before any host exists: rejected
            0,100
            5,100
            # the first host is created at 10 s and answers at 40 s: rejected
            15,100
            # two calls fill it, the third finds no idle gateway: rejected
            45,100
            45,100
            46,100
            # the second host (created at 50 s) is up at 80 s: accepted
            85,95
            """;

    @Test
    void tinyTraceRejectsExactlyTheCallsThatFoundNoBootedGateway() {
        SimReport r = new TraceSimulator(tiny(), Duration.ofSeconds(30))
                .run(Fixtures.calls(TINY), Strategies.scalingPolicy(tiny()));
        assertEquals("scaling-policy", r.strategy());
        assertEquals(7, r.calls());
        assertEquals(4, r.rejected());
        assertEquals(
                3,
                r.creates(),
                "at 10 s; at 50 s when the first host filled up; at 90 s when the call at 85 s"
                        + " left the second host with 1 idle < spare 2");
        assertEquals(0, r.busyDeleted());
        assertEquals(100.0 * 4 / 7, r.rejectedPercent(), 1e-9);
        SimReport.Sample last = r.timeline().get(r.timeline().size() - 1);
        assertEquals(4, last.rejectedSoFar());
    }

    @Test
    void fasterBootRejectsFewerCalls() {
        SimReport slow = new TraceSimulator(tiny(), Duration.ofSeconds(30))
                .run(Fixtures.calls(TINY), Strategies.scalingPolicy(tiny()));
        SimReport fast =
                new TraceSimulator(tiny(), Duration.ZERO).run(Fixtures.calls(TINY), Strategies.scalingPolicy(tiny()));
        // Instant boot: only the two calls before the first pass (at 10 s) find no host; the host created at 10 s
        // takes the call at 15 s, and its 1 idle < spare 2 brings a second host at 20 s, in time for 45, 45, 46.
        assertEquals(2, fast.rejected());
        assertEquals(4, slow.rejected());
    }

    @Test
    void scalesBackInAfterTheTraceAndNeverDeletesABusyHost() {
        SimReport r = new TraceSimulator(tiny(), Duration.ofSeconds(30))
                .run(Fixtures.calls(TINY), Strategies.scalingPolicy(tiny()));
        assertEquals(0, r.busyDeleted());
        assertTrue(r.peakHosts() >= 2 && r.peakHosts() <= tiny().maxHosts());
        assertTrue(r.timeline().stream().allMatch(s -> s.hosts() <= tiny().maxHosts()));
    }

    @Test
    void emptyTraceGivesAnEmptyReport() {
        SimReport r =
                new TraceSimulator(tiny(), Duration.ofSeconds(30)).run(List.of(), Strategies.scalingPolicy(tiny()));
        assertEquals(0, r.calls());
        assertEquals(0.0, r.rejectedPercent());
        assertEquals(List.of(), r.timeline());
    }

    @Test
    void gatewayHoursGrowWithTheHostsKept() {
        List<Call> trace = Fixtures.calls("0,600\n300,900\n");
        double previous = -1;
        for (int min = 0; min <= 4; min++) {
            PoolConfig c =
                    Fixtures.poolCfg().capacity(2).min(min).max(10).spare(0).build();
            SimReport r = new TraceSimulator(c, Duration.ofSeconds(30)).run(trace, Strategies.scalingPolicy(c));
            assertTrue(r.gatewayHours() > previous, "min " + min + ": " + r.gatewayHours() + " <= " + previous);
            previous = r.gatewayHours();
        }
    }

    @Test
    void physicalLimitRejectsNothingAndPaysExactlyTheCallHours() {
        SimReport r = TraceSimulator.physicalLimit(Fixtures.calls("0,3600\n600,4200\n1200,1800\n"));
        assertEquals(0, r.rejected());
        assertEquals(2.0 + 1.0 / 6, r.gatewayHours(), 1e-9);
        assertEquals(3, r.peakHosts());
        assertEquals(TraceSimulator.PHYSICAL_LIMIT, r.strategy());
    }
}
