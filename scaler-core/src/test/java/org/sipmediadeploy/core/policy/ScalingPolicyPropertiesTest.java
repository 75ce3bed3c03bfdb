package org.sipmediadeploy.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.sipmediadeploy.core.Fixtures;
import org.sipmediadeploy.core.command.Command;
import org.sipmediadeploy.core.config.PoolConfig;
import org.sipmediadeploy.core.decision.Decision;
import org.sipmediadeploy.core.decision.DecisionRecord;
import org.sipmediadeploy.core.decision.Outcome;
import org.sipmediadeploy.core.model.GatewayCapacity;
import org.sipmediadeploy.core.model.Host;
import org.sipmediadeploy.core.model.HostState;
import org.sipmediadeploy.core.model.PoolMode;
import org.sipmediadeploy.core.model.PoolState;
import org.sipmediadeploy.core.model.ProbeResult;
import org.sipmediadeploy.core.model.ServerStatus;
import org.sipmediadeploy.core.state.Applied;
import org.sipmediadeploy.core.state.ClusterState;
import org.sipmediadeploy.core.state.Transitions;

/** Random pools and observations: the safety rules of {@link ScalingPolicy} hold for every one of them. */
class ScalingPolicyPropertiesTest {
    private static final Instant NOW = Fixtures.T0.plusSeconds(86_400);

    /** One host of a random pool: its state, age, what was observed, and whether a create/delete is open. */
    record HostSpec(
            HostState state,
            int ageSeconds,
            int obsKind,
            int idle,
            boolean terminable,
            int silentSeconds,
            boolean open) {}

    record World(PoolState pool, PoolObservation obs, PoolConfig cfg, ScalingMemory memory, ClusterState state) {}

    @Provide
    Arbitrary<World> worlds() {
        Arbitrary<HostSpec> host = Combinators.combine(
                        Arbitraries.of(
                                HostState.READY,
                                HostState.READY,
                                HostState.READY,
                                HostState.CREATING,
                                HostState.DRAINING,
                                HostState.DRAINING,
                                HostState.FAILED,
                                HostState.DELETING),
                        Arbitraries.integers().between(0, 7200),
                        Arbitraries.integers().between(0, 9),
                        Arbitraries.integers().between(0, 4),
                        Arbitraries.of(false, false, false, false, true),
                        Arbitraries.integers().between(0, 200),
                        Arbitraries.of(false, false, true))
                .as(HostSpec::new);
        Arbitrary<PoolConfig> cfg = Combinators.combine(
                        Arbitraries.integers().between(1, 4),
                        Arbitraries.integers().between(0, 2),
                        Arbitraries.integers().between(0, 5),
                        Arbitraries.oneOf(
                                Arbitraries.integers().between(0, 3),
                                Arbitraries.integers().between(0, 16)))
                .as((cap, min, extra, spare) -> Fixtures.poolCfg()
                        .capacity(cap)
                        .min(min)
                        .max(min + extra)
                        .spare(spare)
                        .build());
        // Calm pools (every host READY and answering) reach scale-in, which any trouble elsewhere pre-empts.
        Arbitrary<HostSpec> calm = Combinators.combine(
                        Arbitraries.just(HostState.READY),
                        Arbitraries.integers().between(0, 7200),
                        Arbitraries.just(9),
                        Arbitraries.of(0, 2, 4, 4, 4),
                        Arbitraries.just(false),
                        Arbitraries.just(0),
                        Arbitraries.just(false))
                .as(HostSpec::new);
        Arbitrary<List<HostSpec>> hosts = Arbitraries.oneOf(
                host.list().ofMaxSize(7), calm.list().ofMinSize(1).ofMaxSize(6));
        return Combinators.combine(
                        hosts,
                        cfg,
                        Arbitraries.of(PoolMode.AUTO, PoolMode.AUTO, PoolMode.DRY_RUN, PoolMode.PAUSED),
                        Arbitraries.of(0, 1, 2, 2, 2),
                        Arbitraries.integers().between(-1, 1200))
                .as(ScalingPolicyPropertiesTest::world);
    }

    private static World world(List<HostSpec> specs, PoolConfig cfg, PoolMode mode, int backoff, int surplusAge) {
        Map<String, Host> hosts = new TreeMap<>();
        Map<String, HostObservation> obs = new HashMap<>();
        Set<String> open = new HashSet<>();
        Map<String, DecisionRecord> records = new TreeMap<>();
        for (int i = 0; i < specs.size(); i++) {
            HostSpec s = specs.get(i);
            String name = "gw-" + i;
            Instant created = NOW.minusSeconds(s.ageSeconds());
            hosts.put(name, new Host(name, "srv-" + i, "10.1.0." + i, s.state(), created, created, "d0-" + i));
            int idle = Math.min(s.idle(), cfg.capacityPerHost());
            HostObservation o = switch (s.obsKind()) {
                case 0 -> HostObservation.NONE;
                case 1 -> new HostObservation(null, null, ServerStatus.BUILD);
                case 2 -> Fixtures.silent(NOW.minusSeconds(s.silentSeconds()), NOW);
                case 3 ->
                    new HostObservation(
                            ProbeResult.unknown(Fixtures.MS, "no route", NOW),
                            NOW.minusSeconds(s.silentSeconds()),
                            s.terminable() ? ServerStatus.DELETED : ServerStatus.ERROR);
                default ->
                    new HostObservation(
                            ProbeResult.gateway(Fixtures.MS, new GatewayCapacity(idle, s.terminable()), NOW),
                            null,
                            ServerStatus.ACTIVE);
            };
            obs.put(name, o);
            // Only a create (CREATING) or a delete (DELETING) can be open; the log holds it too.
            if (s.open() && (s.state() == HostState.CREATING || s.state() == HostState.DELETING)) {
                open.add(name);
                Decision d = s.state() == HostState.CREATING
                        ? new Decision.CreateHost("d0-open-" + i, Fixtures.POOL, name, "r")
                        : new Decision.DeleteHost("d0-open-" + i, Fixtures.POOL, name, "r");
                records.put(d.id(), new DecisionRecord(d, 1, i, created, Outcome.PENDING, "", null, Map.of()));
            }
        }
        Instant until = backoff == 0 ? null : backoff == 1 ? NOW.plusSeconds(60) : NOW.minusSeconds(1);
        PoolState pool = new PoolState(Fixtures.POOL, mode, hosts, backoff == 0 ? 0 : 3, until);
        ScalingMemory memory = surplusAge < 0 ? ScalingMemory.NONE : new ScalingMemory(NOW.minusSeconds(surplusAge));
        ClusterState state = new ClusterState(Map.of(), Map.of(Fixtures.POOL, pool), records, List.of(), 3);
        return new World(pool, new PoolObservation(obs, open), cfg, memory, state);
    }

    private static ScalingVerdict decide(World w) {
        return ScalingPolicy.decide(w.pool(), w.obs(), w.cfg(), w.memory(), NOW, DecisionIds.forTerm(3, 1));
    }

    /** Commits the verdict's decisions in order; every one must be accepted. */
    private static PoolState apply(World w, ScalingVerdict v) {
        ClusterState s = w.state();
        long index = 100;
        for (Decision d : v.decisions()) {
            ClusterState before = s;
            Applied a = Transitions.apply(before, new Command.Propose(d, 3, NOW), index++);
            assertTrue(a.isAccepted(), () -> d + " refused: " + a.refusal() + " in " + before.pools());
            s = a.state();
        }
        return s.pool(Fixtures.POOL).orElseThrow();
    }

    private static long live(PoolState p) {
        return p.hostList().stream()
                .filter(h -> h.state() == HostState.CREATING
                        || h.state() == HostState.READY
                        || h.state() == HostState.DRAINING)
                .count();
    }

    private static boolean destructive(Decision d) {
        return d instanceof Decision.DrainHost || d instanceof Decision.DeleteHost;
    }

    private static String target(Decision d) {
        if (d instanceof Decision.DrainHost x) {
            return x.hostName();
        } else if (d instanceof Decision.DeleteHost x) {
            return x.hostName();
        }
        throw new AssertionError(d);
    }

    @Property(tries = 3000)
    void neverAboveMaxHostsEvenUnderABurst(@ForAll("worlds") World w) {
        ScalingVerdict v = decide(w);
        PoolState after = apply(w, v);
        boolean creates = v.decisions().stream().anyMatch(d -> d instanceof Decision.CreateHost);
        if (creates) {
            assertTrue(
                    live(after) <= w.cfg().maxHosts(),
                    "live " + live(after) + " > max " + w.cfg().maxHosts() + " after " + v.decisions());
        }
        for (Decision d : v.decisions()) {
            Statistics.label("decision").collect(d.getClass().getSimpleName());
        }
        Statistics.label("decision").coverage(c -> {
            for (String kind : List.of("CreateHost", "DeleteHost", "DrainHost", "UndrainHost", "HostReady")) {
                c.check(kind).count(n -> n >= 5);
            }
        });
    }

    @Property(tries = 3000)
    void noBusyHostIsEverDrainedOrDeleted(@ForAll("worlds") World w) {
        ScalingVerdict v = decide(w);
        for (Decision d : v.decisions()) {
            if (!destructive(d)) {
                continue;
            }
            Host h = w.pool().host(target(d)).orElseThrow();
            // FAILED and DELETING hosts are on their way out already; their reports do not hold calls.
            if (h.state() == HostState.FAILED || h.state() == HostState.DELETING) {
                continue;
            }
            GatewayCapacity cap = w.obs().of(h.name()).capacity();
            boolean busy = cap != null && cap.idleGateways() < w.cfg().capacityPerHost();
            assertTrue(!busy || cap.canBeTerminated(), d + " targets busy host " + h + " reporting " + cap);
        }
    }

    @Property(tries = 3000)
    void atMostOneDestructiveDecisionPerPass(@ForAll("worlds") World w) {
        assertTrue(decide(w).decisions().stream()
                        .filter(ScalingPolicyPropertiesTest::destructive)
                        .count()
                <= 1);
    }

    @Property(tries = 2000)
    void noDecisionTargetsAHostTwice(@ForAll("worlds") World w) {
        List<String> targets = decide(w).decisions().stream()
                .filter(d -> !(d instanceof Decision.CreateHost))
                .map(d -> d instanceof Decision.HostReady r
                        ? r.hostName()
                        : d instanceof Decision.UndrainHost u ? u.hostName() : target(d))
                .toList();
        assertEquals(new HashSet<>(targets).size(), targets.size(), targets.toString());
    }

    @Property(tries = 2000)
    void pausedDecidesNothingAndBackoffCreatesNothing(@ForAll("worlds") World w) {
        ScalingVerdict v = decide(w);
        if (w.pool().mode() == PoolMode.PAUSED) {
            assertEquals(List.of(), v.decisions());
        }
        if (w.pool().backoffUntil() != null && NOW.isBefore(w.pool().backoffUntil())) {
            assertTrue(v.decisions().stream().noneMatch(d -> d instanceof Decision.CreateHost));
        }
    }

    @Property(tries = 1000)
    void sameInputSameVerdict(@ForAll("worlds") World w) {
        assertEquals(decide(w), decide(w));
    }

    @Property(tries = 1000)
    void everyHostYoungerThanProtectNewSurvivesScaleIn(@ForAll("worlds") World w) {
        for (Decision d : decide(w).decisions()) {
            if (d instanceof Decision.DrainHost x) {
                Host h = w.pool().host(x.hostName()).orElseThrow();
                assertTrue(
                        Duration.between(h.createdAt(), NOW).compareTo(w.cfg().protectNew()) >= 0);
                assertTrue(
                        w.memory().surplusSince() != null
                                && Duration.between(w.memory().surplusSince(), NOW)
                                                .compareTo(w.cfg().scaleInAfter())
                                        >= 0,
                        "surplus held long enough");
            }
        }
    }
}
