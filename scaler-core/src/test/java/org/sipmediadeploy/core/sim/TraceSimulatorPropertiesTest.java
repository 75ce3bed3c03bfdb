package org.sipmediadeploy.core.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.sipmediadeploy.core.Fixtures;
import org.sipmediadeploy.core.config.PoolConfig;

/** Small random traces replayed through the scaling policy. */
class TraceSimulatorPropertiesTest {
    @Provide
    Arbitrary<List<Call>> traces() {
        Arbitrary<int[]> call = Combinators.combine(
                        Arbitraries.integers().between(0, 1800),
                        Arbitraries.integers().between(0, 600))
                .as((s, d) -> new int[] {s, d});
        return call.list().ofMinSize(1).ofMaxSize(30).map(l -> {
            StringBuilder csv = new StringBuilder();
            for (int[] c : l) {
                csv.append(c[0]).append(',').append(c[0] + c[1]).append('\n');
            }
            return Fixtures.calls(csv.toString());
        });
    }

    @Provide
    Arbitrary<PoolConfig> configs() {
        return Combinators.combine(
                        Arbitraries.integers().between(1, 4),
                        Arbitraries.integers().between(0, 2),
                        Arbitraries.integers().between(0, 6),
                        Arbitraries.integers().between(0, 6),
                        Arbitraries.integers().between(1, 30),
                        Arbitraries.integers().between(0, 300))
                .as((cap, min, extra, spare, scaleIn, protect) -> Fixtures.poolCfg()
                        .capacity(cap)
                        .min(min)
                        .max(Math.max(1, min + extra))
                        .spare(spare)
                        .scaleInAfter(Duration.ofSeconds(10L * scaleIn))
                        .protectNew(Duration.ofSeconds(protect))
                        .build());
    }

    @Property(tries = 200)
    void scalingPolicyNeverDeletesABusyHostNorExceedsMax(
            @ForAll("traces") List<Call> trace,
            @ForAll("configs") PoolConfig cfg,
            @ForAll @IntRange(min = 0, max = 400) int bootSeconds) {
        SimReport r =
                new TraceSimulator(cfg, Duration.ofSeconds(bootSeconds)).run(trace, Strategies.scalingPolicy(cfg));
        assertEquals(0, r.busyDeleted());
        assertEquals(trace.size(), r.calls());
        assertTrue(r.rejected() >= 0 && r.rejected() <= r.calls());
        assertTrue(r.peakHosts() <= cfg.maxHosts(), "peak " + r.peakHosts() + " > max " + cfg.maxHosts());
    }

    @Property(tries = 100)
    void gatewayHoursAreTheHostsOfEverySampleTimesCapacityAndPeriod(
            @ForAll("traces") List<Call> trace, @ForAll("configs") PoolConfig cfg) {
        SimReport r = new TraceSimulator(cfg, Duration.ofSeconds(30)).run(trace, Strategies.scalingPolicy(cfg));
        double seconds = cfg.evaluationPeriod().toSeconds();
        double expected = r.timeline().stream()
                        .mapToDouble(s -> s.hosts() * cfg.capacityPerHost() * seconds)
                        .sum()
                / 3600.0;
        assertEquals(expected, r.gatewayHours(), 1e-9);
        List<Integer> rejected = new ArrayList<>();
        r.timeline().forEach(s -> rejected.add(s.rejectedSoFar()));
        for (int i = 1; i < rejected.size(); i++) {
            assertTrue(rejected.get(i) >= rejected.get(i - 1), "rejections only accumulate");
        }
    }

    @Property(tries = 50)
    void replayIsDeterministic(@ForAll("traces") List<Call> trace, @ForAll("configs") PoolConfig cfg) {
        TraceSimulator sim = new TraceSimulator(cfg, Duration.ofSeconds(45));
        assertEquals(sim.run(trace, Strategies.scalingPolicy(cfg)), sim.run(trace, Strategies.scalingPolicy(cfg)));
    }
}
