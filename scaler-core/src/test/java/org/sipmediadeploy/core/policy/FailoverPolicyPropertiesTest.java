package org.sipmediadeploy.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sipmediadeploy.core.Fixtures.A;
import static org.sipmediadeploy.core.Fixtures.B;
import static org.sipmediadeploy.core.Fixtures.MS;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Builders;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.sipmediadeploy.core.Fixtures;
import org.sipmediadeploy.core.command.Command;
import org.sipmediadeploy.core.config.FailoverSettings;
import org.sipmediadeploy.core.decision.Decision;
import org.sipmediadeploy.core.model.PairMode;
import org.sipmediadeploy.core.model.PairState;
import org.sipmediadeploy.core.model.ProbeResult;
import org.sipmediadeploy.core.state.Applied;
import org.sipmediadeploy.core.state.ClusterState;
import org.sipmediadeploy.core.state.Transitions;

/** Random observations of a pair: the safety rules of {@link FailoverPolicy} hold for every one of them. */
class FailoverPolicyPropertiesTest {
    private static final Instant NOW = Fixtures.T0.plusSeconds(7200);

    /** A random world: pair state, observation, settings. */
    record World(PairState pair, PairObservation obs, FailoverSettings settings) {}

    @Provide
    Arbitrary<World> worlds() {
        Arbitrary<TargetHealth> health = Builders.withBuilder(() -> new int[4])
                .use(Arbitraries.oneOf(
                        Arbitraries.just(0), Arbitraries.integers().between(1, 9)))
                .in((b, f) -> {
                    b[0] = f;
                    return b;
                })
                .use(Arbitraries.of(0, 1, 2, 3, 3))
                .in((b, u) -> {
                    b[1] = u;
                    return b;
                })
                .use(Arbitraries.integers().between(0, 2))
                .in((b, k) -> {
                    b[2] = k;
                    return b;
                })
                .use(Arbitraries.integers().between(0, 600))
                .in((b, s) -> {
                    b[3] = s;
                    return b;
                })
                .build(FailoverPolicyPropertiesTest::health);
        Arbitrary<Confirmation> conf = Arbitraries.integers().between(0, 3).map(n -> new Confirmation(n, 3));
        Arbitrary<List<Instant>> failovers = Arbitraries.integers()
                .between(0, 7200)
                .map(s -> NOW.minusSeconds(s))
                .list()
                .ofMaxSize(5)
                .map(l -> {
                    List<Instant> x = new ArrayList<>(l);
                    x.sort(null);
                    return x;
                });
        return Builders.withBuilder(WorldBuilder::new)
                .use(health)
                .in((w, h) -> {
                    w.a = h;
                    return w;
                })
                .use(health)
                .in((w, h) -> {
                    w.b = h;
                    return w;
                })
                .use(conf.injectNull(0.25))
                .in((w, c) -> {
                    w.ca = c;
                    return w;
                })
                .use(conf.injectNull(0.25))
                .in((w, c) -> {
                    w.cb = c;
                    return w;
                })
                .use(Arbitraries.of(PairMode.AUTO, PairMode.AUTO, PairMode.AUTO, PairMode.PAUSED, PairMode.MANUAL))
                .in((w, m) -> {
                    w.mode = m;
                    return w;
                })
                .use(Arbitraries.of(true, false))
                .in((w, x) -> {
                    w.swap = x;
                    return w;
                })
                .use(failovers)
                .in((w, f) -> {
                    w.failovers = f;
                    return w;
                })
                .use(Arbitraries.of(0, 1, 2, 3, 4))
                .in((w, p) -> {
                    w.fip = p;
                    return w;
                })
                .use(Arbitraries.of(true, false, false, false, false, false))
                .in((w, x) -> {
                    w.replacing = x;
                    return w;
                })
                .use(Arbitraries.of(true, false, false, false, false, false))
                .in((w, x) -> {
                    w.workOpen = x;
                    return w;
                })
                .use(Arbitraries.integers().between(1, 4))
                .in((w, t) -> {
                    w.threshold = t;
                    return w;
                })
                .use(Arbitraries.integers().between(1, 5))
                .in((w, m) -> {
                    w.maxPerHour = m;
                    return w;
                })
                .build(WorldBuilder::build);
    }

    private static TargetHealth health(int[] b) {
        int failures = b[0];
        if (failures == 0) {
            return b[1] == 0
                    ? TargetHealth.NEVER_PROBED
                    : new TargetHealth(0, b[1], ProbeResult.up(MS, "ok", NOW), null);
        }
        ProbeResult last = b[2] == 0 ? ProbeResult.unknown(MS, "socket", NOW) : ProbeResult.down(MS, "timeout", NOW);
        return new TargetHealth(failures, 0, last, NOW.minusSeconds(b[3]));
    }

    static final class WorldBuilder {
        TargetHealth a;
        TargetHealth b;
        Confirmation ca;
        Confirmation cb;
        PairMode mode;
        boolean swap;
        List<Instant> failovers;
        int fip;
        boolean replacing;
        boolean workOpen;
        int threshold;
        int maxPerHour;

        World build() {
            String active = swap ? B.serverId() : A.serverId();
            String standby = swap ? A.serverId() : B.serverId();
            PairState p = new PairState(
                    Fixtures.PAIR,
                    List.of(A, B),
                    active,
                    "fip-1",
                    "203.0.113.10",
                    mode,
                    failovers,
                    replacing ? standby : null);
            Map<String, TargetHealth> h = new HashMap<>();
            h.put(A.serverId(), a);
            h.put(B.serverId(), b);
            Map<String, Confirmation> c = new HashMap<>();
            if (ca != null) {
                c.put(A.serverId(), ca);
            }
            if (cb != null) {
                c.put(B.serverId(), cb);
            }
            String[] ports = {A.portId(), B.portId(), null, "port-z", p.active().portId()};
            // A replacement under way is open work in the log: the loop says so.
            PairObservation o = new PairObservation(h, fip != 3 || a.isUp(), ports[fip], c, workOpen || replacing);
            FailoverSettings s = new FailoverSettings(
                    threshold,
                    java.time.Duration.ofSeconds(30),
                    maxPerHour,
                    java.time.Duration.ofMillis(300),
                    true,
                    java.time.Duration.ofSeconds(30));
            return new World(p, o, s);
        }
    }

    private static PairVerdict decide(World w) {
        return FailoverPolicy.decide(w.pair(), w.obs(), w.settings(), NOW, DecisionIds.forTerm(2, 1));
    }

    @Property(tries = 5000)
    void atMostOneDecisionPerVerdict(@ForAll("worlds") World w) {
        PairVerdict v = decide(w);
        assertTrue(v.decisions().size() <= 1, v.toString());
        assertTrue(!(v.needsConfirmation() && !v.decisions().isEmpty()), "either ask or decide, not both");
        Statistics.collect(
                v.decisions().isEmpty()
                        ? (v.needsConfirmation() ? "ask" : "none")
                        : v.decisions().get(0).getClass().getSimpleName());
        // The generator must reach every kind of verdict, or the properties above would hold vacuously.
        Statistics.coverage(c -> {
            for (String kind : List.of("Failover", "Reassociate", "ReplaceMember", "HoldPair", "ask", "none")) {
                c.check(kind).percentage(pct -> pct >= 0.1);
            }
        });
    }

    @Property(tries = 3000)
    void aFailoverAlwaysGoesToAStandbyPassingItsProbeWithAMajoritySeeingTheActiveDown(@ForAll("worlds") World w) {
        PairVerdict v = decide(w);
        for (Decision d : v.decisions()) {
            if (d instanceof Decision.Failover f) {
                assertEquals(w.pair().activeServerId(), f.fromServerId());
                assertTrue(w.obs().healthOf(f.toServerId()).isUp(), "standby is up");
                assertTrue(w.obs().confirmation(f.fromServerId()).orElseThrow().isMajority(), "majority");
                assertTrue(w.obs()
                        .healthOf(f.fromServerId())
                        .failedAtLeast(w.settings().failureThreshold()));
            }
        }
    }

    @Property(tries = 3000)
    void onlyAnAutoPairWithNoOpenWorkGetsDecisions(@ForAll("worlds") World w) {
        PairVerdict v = decide(w);
        if (w.pair().mode() != PairMode.AUTO || w.obs().workOpen()) {
            assertEquals(List.of(), v.decisions());
        }
    }

    @Property(tries = 3000)
    void everyDecisionIsAcceptedByTheStateMachine(@ForAll("worlds") World w) {
        PairVerdict v = decide(w);
        ClusterState s = Transitions.apply(ClusterState.empty(), new Command.InitPair(w.pair(), 2, NOW), 1)
                .state();
        for (Decision d : v.decisions()) {
            Applied a = Transitions.apply(s, new Command.Propose(d, 2, NOW), 2);
            assertTrue(a.isAccepted(), () -> d + " refused: " + a.refusal());
        }
    }
}
