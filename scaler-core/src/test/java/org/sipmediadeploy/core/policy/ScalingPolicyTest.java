package org.sipmediadeploy.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sipmediadeploy.core.Fixtures.POOL;
import static org.sipmediadeploy.core.Fixtures.T0;
import static org.sipmediadeploy.core.Fixtures.answers;
import static org.sipmediadeploy.core.Fixtures.host;
import static org.sipmediadeploy.core.Fixtures.silent;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.sipmediadeploy.core.Fixtures;
import org.sipmediadeploy.core.command.Command;
import org.sipmediadeploy.core.command.Facts;
import org.sipmediadeploy.core.config.PoolConfig;
import org.sipmediadeploy.core.config.SpareSchedule;
import org.sipmediadeploy.core.config.SpareWindow;
import org.sipmediadeploy.core.decision.Decision;
import org.sipmediadeploy.core.decision.Outcome;
import org.sipmediadeploy.core.model.Host;
import org.sipmediadeploy.core.model.HostState;
import org.sipmediadeploy.core.model.PoolMode;
import org.sipmediadeploy.core.model.PoolState;
import org.sipmediadeploy.core.model.ServerStatus;
import org.sipmediadeploy.core.state.Applied;
import org.sipmediadeploy.core.state.ClusterState;
import org.sipmediadeploy.core.state.Transitions;

/** The scaling rules of {@link ScalingPolicy}; defaults: 4 gateways per host, 0..10 hosts, spare 4. */
class ScalingPolicyTest {
    private static final Instant NOW = T0.plusSeconds(86_400);
    private static final Instant OLD = NOW.minusSeconds(3600);

    // ---- helpers -------------------------------------------------------------------------------------------

    private static PoolState pool(Host... hosts) {
        Map<String, Host> m = new TreeMap<>();
        for (Host h : hosts) {
            m.put(h.name(), h);
        }
        return new PoolState(POOL, PoolMode.AUTO, m, 0, null);
    }

    private static final class Obs {
        final Map<String, HostObservation> hosts = new HashMap<>();
        final Set<String> open = new HashSet<>();

        Obs put(String host, HostObservation o) {
            hosts.put(host, o);
            return this;
        }

        Obs open(String host) {
            open.add(host);
            return this;
        }

        PoolObservation build() {
            return new PoolObservation(hosts, open);
        }
    }

    private static Obs obs() {
        return new Obs();
    }

    private static ScalingVerdict decide(PoolState p, Obs o, PoolConfig cfg) {
        return decide(p, o, cfg, ScalingMemory.NONE, NOW);
    }

    private static ScalingVerdict decide(PoolState p, Obs o, PoolConfig cfg, ScalingMemory m, Instant now) {
        return ScalingPolicy.decide(p, o.build(), cfg, m, now, DecisionIds.forTerm(3, 1));
    }

    private static PoolConfig cfg() {
        return Fixtures.poolCfg().build();
    }

    private static <T extends Decision> List<T> only(ScalingVerdict v, Class<T> type) {
        return v.decisions().stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static long destructive(ScalingVerdict v) {
        return v.decisions().stream()
                .filter(d -> d instanceof Decision.DrainHost || d instanceof Decision.DeleteHost)
                .count();
    }

    /** Commits every decision of the verdict (CreateHost recorded DONE) and returns the pool after. */
    private static PoolState applied(PoolState p, ScalingVerdict v, Instant at) {
        ClusterState s = new ClusterState(Map.of(), Map.of(POOL, p), Map.of(), List.of(), 3);
        long index = 1;
        for (Decision d : v.decisions()) {
            Applied a = Transitions.apply(s, new Command.Propose(d, 3, at), index++);
            assertTrue(a.isAccepted(), () -> d + " refused: " + a.refusal());
            s = a.state();
            if (d instanceof Decision.CreateHost c) {
                s = Transitions.apply(
                                s,
                                new Command.RecordOutcome(
                                        d.id(),
                                        Outcome.DONE,
                                        "",
                                        Map.of(Facts.SERVER_ID, "srv-" + c.hostName(), Facts.ADDRESS, "10.2.0.1"),
                                        3,
                                        at),
                                index++)
                        .state();
            }
        }
        return s.pool(POOL).orElseThrow();
    }

    // ---- target -------------------------------------------------------------------------------------------

    @Test
    void spareTargetFollowsTheTimeOfDayScheduleInItsZone() {
        ZoneId paris = ZoneId.of("Europe/Paris");
        Set<DayOfWeek> weekdays = EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY);
        SpareSchedule schedule = new SpareSchedule(
                2,
                List.of(
                        new SpareWindow(weekdays, LocalTime.of(8, 0), LocalTime.of(18, 0), 8),
                        new SpareWindow(Set.of(DayOfWeek.MONDAY), LocalTime.of(9, 0), LocalTime.of(10, 0), 12)),
                paris);
        PoolConfig c = Fixtures.poolCfg().spare(schedule).build();
        // 2026-01-05 is a Monday; Paris is UTC+1 in January.
        assertEquals(8, target(c, "2026-01-05T07:30:00Z"), "08:30 in Paris, weekday window");
        assertEquals(2, target(c, "2026-01-05T06:30:00Z"), "07:30 in Paris (08:30 would be UTC+2): default");
        assertEquals(12, target(c, "2026-01-05T08:15:00Z"), "09:15 in Paris: the highest covering window wins");
        assertEquals(8, target(c, "2026-01-06T08:15:00Z"), "Tuesday 09:15: only the weekday window");
        assertEquals(2, target(c, "2026-01-05T17:00:00Z"), "18:00 in Paris: the end is exclusive");
        assertEquals(2, target(c, "2026-01-10T10:00:00Z"), "Saturday: default");
        // The target drives the creates: 8 spare on an empty pool of 4-gateway hosts is 2 hosts.
        ScalingVerdict v = decide(pool(), obs(), c, ScalingMemory.NONE, Instant.parse("2026-01-05T07:30:00Z"));
        assertEquals(2, only(v, Decision.CreateHost.class).size());
    }

    private static int target(PoolConfig c, String at) {
        return decide(pool(), obs(), c, ScalingMemory.NONE, Instant.parse(at)).targetSpare();
    }

    // ---- scale out ----------------------------------------------------------------------------------------

    @Test
    void scalesOutAtOnceByTheWholeDeficit() {
        PoolState p = pool(host("gw-1", HostState.READY, OLD));
        ScalingVerdict v = decide(
                p,
                obs().put("gw-1", answers(1, false, NOW)),
                Fixtures.poolCfg().spare(10).build());
        List<Decision.CreateHost> creates = only(v, Decision.CreateHost.class);
        assertEquals(3, creates.size(), "deficit 9 gateways = 3 hosts of 4");
        assertEquals(1, v.idle());
        assertEquals(10, v.targetSpare());
        assertTrue(
                creates.get(0).reason().contains("idle 1 < target 10"),
                creates.get(0).reason());
        assertEquals(POOL + "-" + creates.get(0).id(), creates.get(0).hostName(), "name derived from the decision");
        assertEquals(4, applied(p, v, NOW).hosts().size());
    }

    @Test
    void neverCreatesAboveMaxHostsAndRaisesAnAlarm() {
        PoolState p = pool(host("gw-1", HostState.READY, OLD));
        ScalingVerdict v = decide(
                p,
                obs().put("gw-1", answers(0, false, NOW)),
                Fixtures.poolCfg().max(3).spare(100).build());
        assertEquals(2, only(v, Decision.CreateHost.class).size());
        assertEquals(1, v.alarms().size());
        assertTrue(
                v.alarms().get(0).message().contains("at max-hosts 3"),
                v.alarms().get(0).message());
    }

    @Test
    void creatingHostsCountAsCapacitySoRepeatedPassesDoNotStormCreates() {
        PoolConfig c = cfg();
        PoolState p = pool();
        ScalingVerdict first = decide(p, obs(), c, ScalingMemory.NONE, NOW);
        assertEquals(1, only(first, Decision.CreateHost.class).size());
        p = applied(p, first, NOW);
        String name = p.hostList().iterator().next().name();
        for (int pass = 1; pass <= 20; pass++) {
            Instant at = NOW.plusSeconds(10L * pass);
            ScalingVerdict v = decide(
                    p, obs().put(name, new HostObservation(null, null, ServerStatus.BUILD)), c, ScalingMemory.NONE, at);
            assertEquals(List.of(), v.decisions(), "pass " + pass + " while " + name + " boots");
            assertEquals(4, v.idle(), "the booting host counts as full capacity");
        }
        // The create itself still under way: counts as capacity too.
        assertEquals(List.of(), decide(p, obs().open(name), c).decisions());
    }

    @Test
    void creatingHostThatAnswersBecomesReadyAndCountsWhatItReports() {
        PoolState p = pool(host("gw-1", HostState.CREATING, NOW.minusSeconds(60)));
        ScalingVerdict v = decide(p, obs().put("gw-1", answers(4, false, NOW)), cfg());
        Decision.HostReady r =
                assertInstanceOf(Decision.HostReady.class, v.decisions().get(0));
        assertEquals("gw-1", r.hostName());
        assertEquals(1, v.decisions().size());
        assertEquals(
                HostState.READY, applied(p, v, NOW).host("gw-1").orElseThrow().state());
    }

    @Test
    void hostNotReadyAfterBootTimeoutIsDeletedAndReplaced() {
        PoolState p = pool(host("gw-1", HostState.CREATING, NOW.minusSeconds(301)));
        ScalingVerdict v = decide(p, obs().put("gw-1", new HostObservation(null, null, ServerStatus.BUILD)), cfg());
        Decision.DeleteHost d = only(v, Decision.DeleteHost.class).get(0);
        assertEquals("gw-1", d.hostName());
        assertTrue(d.reason().contains("not ready after boot-timeout PT5M"), d.reason());
        assertEquals(1, only(v, Decision.CreateHost.class).size(), "its capacity is replaced");
        assertEquals(
                HostState.DELETING,
                applied(p, v, NOW).host("gw-1").orElseThrow().state());
    }

    @Test
    void creatingHostWhoseServerIsInErrorIsDeletedBeforeTheTimeout() {
        PoolState p = pool(host("gw-1", HostState.CREATING, NOW.minusSeconds(30)));
        ScalingVerdict v = decide(p, obs().put("gw-1", new HostObservation(null, null, ServerStatus.ERROR)), cfg());
        assertTrue(only(v, Decision.DeleteHost.class).get(0).reason().contains("server in ERROR"));
    }

    @Test
    void silentReadyHostIsNotCapacitySoAReplacementIsCreated() {
        PoolState p = pool(host("gw-1", HostState.READY, OLD));
        ScalingVerdict v = decide(p, obs().put("gw-1", silent(NOW.minusSeconds(30), NOW)), cfg());
        assertEquals(0, v.idle());
        assertEquals(0, destructive(v), "not deleted before unknown-grace");
        assertEquals(1, only(v, Decision.CreateHost.class).size());
        // Never heard of at all: the same.
        assertEquals(1, only(decide(p, obs(), cfg()), Decision.CreateHost.class).size());
    }

    @Test
    void silentReadyHostIsDeletedAfterUnknownGrace() {
        PoolState p = pool(host("gw-1", HostState.READY, OLD));
        ScalingVerdict v = decide(p, obs().put("gw-1", silent(NOW.minusSeconds(60), NOW)), cfg());
        Decision.DeleteHost d = only(v, Decision.DeleteHost.class).get(0);
        assertTrue(d.reason().contains("gw-1 lost: no status answer for 60 s (connection refused)"), d.reason());
    }

    @Test
    void readyHostWhoseServerIsGoneIsDeletedAtOnce() {
        PoolState p = pool(host("gw-1", HostState.READY, OLD));
        HostObservation gone = new HostObservation(null, NOW.minusSeconds(1), ServerStatus.DELETED);
        ScalingVerdict v = decide(p, obs().put("gw-1", gone), cfg());
        assertTrue(only(v, Decision.DeleteHost.class).get(0).reason().contains("its server is gone"));
    }

    @Test
    void drainingHostIsTakenBackInsteadOfCreatingWhenDemandReturns() {
        PoolState p = pool(host("gw-1", HostState.READY, OLD), host("gw-2", HostState.DRAINING, OLD));
        ScalingVerdict v = decide(
                p,
                obs().put("gw-1", answers(0, false, NOW)).put("gw-2", answers(3, false, NOW)),
                Fixtures.poolCfg().spare(3).build());
        assertEquals(1, v.decisions().size(), v.decisions().toString());
        Decision.UndrainHost u =
                assertInstanceOf(Decision.UndrainHost.class, v.decisions().get(0));
        assertEquals("gw-2", u.hostName());
        assertEquals(
                HostState.READY, applied(p, v, NOW).host("gw-2").orElseThrow().state());
    }

    @Test
    void undrainIsToppedUpWithCreatesWhenItIsNotEnough() {
        PoolState p = pool(host("gw-2", HostState.DRAINING, OLD));
        ScalingVerdict v = decide(
                p,
                obs().put("gw-2", answers(1, false, NOW)),
                Fixtures.poolCfg().spare(4).build());
        assertEquals(1, only(v, Decision.UndrainHost.class).size());
        assertEquals(1, only(v, Decision.CreateHost.class).size());
    }

    // ---- back-off -----------------------------------------------------------------------------------------

    @Test
    void noCreatesDuringQuotaBackoffButAnAlarm() {
        PoolState p = pool().withBackoff(2, NOW.plusSeconds(60));
        ScalingVerdict v = decide(p, obs(), cfg());
        assertEquals(List.of(), v.decisions());
        assertEquals(1, v.alarms().size());
        assertTrue(v.alarms().get(0).message().contains("2 times: backing off until " + NOW.plusSeconds(60)));
        assertEquals(
                1,
                only(decide(p, obs(), cfg(), ScalingMemory.NONE, NOW.plusSeconds(60)), Decision.CreateHost.class)
                        .size(),
                "creates resume when the back-off ends");
    }

    @Test
    void backoffDoublesFromBaseUpToMax() {
        PoolConfig c = Fixtures.poolCfg()
                .backoff(Duration.ofSeconds(30), Duration.ofSeconds(600))
                .build();
        long[] expected = {30, 30, 60, 120, 240, 480, 600, 600, 600};
        for (int failures = 0; failures < expected.length; failures++) {
            assertEquals(
                    NOW.plusSeconds(expected[failures]),
                    ScalingPolicy.backoffUntil(failures, NOW, c),
                    failures + " failures");
        }
        assertEquals(NOW.plusSeconds(600), ScalingPolicy.backoffUntil(1_000_000, NOW, c), "no overflow");
    }

    // ---- scale in -----------------------------------------------------------------------------------------

    private static PoolState twoIdleOldHosts() {
        return pool(host("gw-1", HostState.READY, OLD), host("gw-2", HostState.READY, OLD.plusSeconds(1)));
    }

    private static Obs idle(PoolState p) {
        Obs o = obs();
        p.hostList().forEach(h -> o.put(h.name(), answers(4, false, NOW)));
        return o;
    }

    @Test
    void scaleInOnlyAfterTheSurplusHeldForScaleInAfterWithMemoryCarriedBetweenPasses() {
        PoolState p = twoIdleOldHosts();
        PoolConfig c = cfg();
        ScalingVerdict first = decide(p, idle(p), c, ScalingMemory.NONE, NOW);
        assertEquals(List.of(), first.decisions());
        assertEquals(NOW, first.memory().surplusSince());
        ScalingVerdict before = decide(p, idle(p), c, first.memory(), NOW.plusSeconds(599));
        assertEquals(List.of(), before.decisions());
        assertEquals(NOW, before.memory().surplusSince(), "the start of the surplus is kept");
        ScalingVerdict after = decide(p, idle(p), c, before.memory(), NOW.plusSeconds(600));
        Decision.DrainHost d =
                assertInstanceOf(Decision.DrainHost.class, after.decisions().get(0));
        assertEquals("gw-2", d.hostName(), "the newest idle host goes first");
        assertTrue(d.reason().contains("surplus: 8 idle > target 4 (floor: spare 4) for 600 s"), d.reason());
        // Without memory (a new leader) the count starts again: no drain.
        assertEquals(
                List.of(),
                decide(p, idle(p), c, ScalingMemory.NONE, NOW.plusSeconds(600)).decisions());
    }

    @Test
    void surplusTimerKeepsRunningWhileAnotherHostIsBeingDeleted() {
        // Three idle hosts and a fourth drained one: the pass deletes the drained host, and the surplus that held
        // for scale-in-after still counts, so the next pass drains the next host instead of waiting again.
        PoolState p = pool(
                host("gw-1", HostState.READY, OLD),
                host("gw-2", HostState.READY, OLD.plusSeconds(1)),
                host("gw-3", HostState.READY, OLD.plusSeconds(2)),
                host("gw-4", HostState.DRAINING, OLD));
        ScalingMemory held = new ScalingMemory(NOW.minusSeconds(600));
        ScalingVerdict deleting = decide(p, idle(p), cfg(), held, NOW);
        assertEquals(
                List.of("gw-4"),
                only(deleting, Decision.DeleteHost.class).stream()
                        .map(Decision.DeleteHost::hostName)
                        .toList());
        assertEquals(1, destructive(deleting), "one destructive decision per pass");
        assertEquals(NOW.minusSeconds(600), deleting.memory().surplusSince(), "the surplus timer is not reset");
        PoolState after = pool(
                host("gw-1", HostState.READY, OLD),
                host("gw-2", HostState.READY, OLD.plusSeconds(1)),
                host("gw-3", HostState.READY, OLD.plusSeconds(2)));
        ScalingVerdict next = decide(after, idle(after), cfg(), deleting.memory(), NOW.plusSeconds(10));
        assertEquals(
                List.of("gw-3"),
                only(next, Decision.DrainHost.class).stream()
                        .map(Decision.DrainHost::hostName)
                        .toList());
    }

    @Test
    void surplusMemoryIsForgottenWhenTheSurplusGoesAway() {
        PoolState p = twoIdleOldHosts();
        ScalingVerdict first = decide(p, idle(p), cfg(), ScalingMemory.NONE, NOW);
        ScalingVerdict busy = decide(
                p,
                obs().put("gw-1", answers(4, false, NOW)).put("gw-2", answers(1, false, NOW)),
                cfg(),
                first.memory(),
                NOW.plusSeconds(300));
        assertNull(busy.memory().surplusSince());
        ScalingVerdict later = decide(p, idle(p), cfg(), busy.memory(), NOW.plusSeconds(700));
        assertEquals(List.of(), later.decisions());
        assertEquals(NOW.plusSeconds(700), later.memory().surplusSince());
    }

    @Test
    void busyHostIsNeverScaledIn() {
        PoolState p = twoIdleOldHosts();
        // 3 + 3 idle with target 0: a whole host of surplus, but spread over two busy hosts.
        Obs o = obs().put("gw-1", answers(3, false, NOW)).put("gw-2", answers(3, false, NOW));
        PoolConfig c = Fixtures.poolCfg().spare(0).build();
        ScalingVerdict v = decide(p, o, c, new ScalingMemory(NOW.minusSeconds(3600)), NOW);
        assertEquals(0, destructive(v));
        // One idle, one busy: only the idle one is drained.
        Obs mixed = obs().put("gw-1", answers(4, false, NOW)).put("gw-2", answers(2, false, NOW));
        ScalingVerdict w = decide(p, mixed, c, new ScalingMemory(NOW.minusSeconds(3600)), NOW);
        assertEquals(
                "gw-1",
                assertInstanceOf(Decision.DrainHost.class, w.decisions().get(0)).hostName());
    }

    @Test
    void drainFirstThenDeleteOnceIdle() {
        PoolState p = twoIdleOldHosts();
        PoolConfig c = cfg();
        ScalingVerdict drain = decide(p, idle(p), c, new ScalingMemory(NOW.minusSeconds(600)), NOW);
        p = applied(p, drain, NOW);
        assertEquals(HostState.DRAINING, p.host("gw-2").orElseThrow().state());
        // A call arrived just before the drain: the host is busy, so it stays.
        ScalingVerdict stillBusy = decide(
                p,
                obs().put("gw-1", answers(4, false, NOW)).put("gw-2", answers(3, false, NOW)),
                c,
                drain.memory(),
                NOW.plusSeconds(10));
        assertEquals(0, destructive(stillBusy));
        ScalingVerdict delete = decide(p, idle(p), c, stillBusy.memory(), NOW.plusSeconds(20));
        Decision.DeleteHost d =
                assertInstanceOf(Decision.DeleteHost.class, delete.decisions().get(0));
        assertEquals("gw-2", d.hostName());
        assertTrue(d.reason().contains("drained: no busy gateway"), d.reason());
        assertEquals(
                HostState.DELETING,
                applied(p, delete, NOW).host("gw-2").orElseThrow().state());
    }

    @Test
    void hostsYoungerThanProtectNewAreNotScaledIn() {
        PoolState p = pool(
                host("gw-1", HostState.READY, NOW.minusSeconds(899)),
                host("gw-2", HostState.READY, NOW.minusSeconds(100)));
        ScalingVerdict v = decide(p, idle(p), cfg(), new ScalingMemory(NOW.minusSeconds(3600)), NOW);
        assertEquals(0, destructive(v));
        PoolState older = pool(
                host("gw-1", HostState.READY, NOW.minusSeconds(900)),
                host("gw-2", HostState.READY, NOW.minusSeconds(100)));
        ScalingVerdict w = decide(older, idle(older), cfg(), new ScalingMemory(NOW.minusSeconds(3600)), NOW);
        assertEquals(
                "gw-1",
                assertInstanceOf(Decision.DrainHost.class, w.decisions().get(0)).hostName());
    }

    @Test
    void hostReportingItCanBeTerminatedIsDeleted() {
        PoolState p = pool(host("gw-1", HostState.READY, NOW.minusSeconds(5)));
        ScalingVerdict v = decide(p, obs().put("gw-1", answers(0, true, NOW)), cfg());
        Decision.DeleteHost d = only(v, Decision.DeleteHost.class).get(0);
        assertTrue(d.reason().contains("gw-1 reports it can be terminated"), d.reason());
        assertEquals(1, only(v, Decision.CreateHost.class).size(), "its capacity is replaced");
    }

    @Test
    void minHostsAreKept() {
        PoolConfig c = Fixtures.poolCfg().min(2).spare(0).build();
        assertEquals(
                2, only(decide(pool(), obs(), c), Decision.CreateHost.class).size());
        PoolState p = twoIdleOldHosts();
        ScalingVerdict v = decide(p, idle(p), c, new ScalingMemory(NOW.minusSeconds(3600)), NOW);
        assertEquals(List.of(), v.decisions(), "no scale-in below min-hosts");
    }

    @Test
    void pausedPoolDecidesNothing() {
        PoolState p = pool(host("gw-1", HostState.READY, OLD), host("gw-2", HostState.FAILED, OLD))
                .withMode(PoolMode.PAUSED);
        ScalingVerdict v = decide(
                p,
                obs().put("gw-1", answers(0, true, NOW)),
                Fixtures.poolCfg().spare(40).build());
        assertEquals(List.of(), v.decisions());
        assertEquals(List.of(), v.alarms());
    }

    @Test
    void dryRunPoolDecidesAsAuto() {
        PoolState p = pool().withMode(PoolMode.DRY_RUN);
        assertEquals(1, only(decide(p, obs(), cfg()), Decision.CreateHost.class).size());
    }

    @Test
    void atMostOneDestructiveDecisionPerPass() {
        PoolState p = pool(
                host("gw-1", HostState.READY, OLD),
                host("gw-2", HostState.READY, OLD),
                host("gw-3", HostState.FAILED, OLD),
                host("gw-4", HostState.CREATING, NOW.minusSeconds(3600)));
        ScalingVerdict v = decide(
                p,
                obs().put("gw-1", answers(4, true, NOW)).put("gw-2", answers(4, true, NOW)),
                cfg(),
                new ScalingMemory(NOW.minusSeconds(3600)),
                NOW);
        assertEquals(1, destructive(v), v.decisions().toString());
    }

    @Test
    void hostsAwaitingTheirDeleteStillCountTowardsMaxHosts() {
        // Both report "can be terminated" but only one is deleted this pass: the other still exists, so creating
        // two replacements would put three servers in a pool of max 2.
        PoolState p = pool(host("gw-1", HostState.READY, OLD), host("gw-2", HostState.READY, OLD));
        PoolConfig c = Fixtures.poolCfg().max(2).spare(8).build();
        ScalingVerdict v = decide(p, obs().put("gw-1", answers(0, true, NOW)).put("gw-2", answers(0, true, NOW)), c);
        PoolState after = applied(p, v, NOW);
        long live = after.hostList().stream()
                .filter(h -> h.state() != HostState.DELETING && h.state() != HostState.FAILED)
                .count();
        assertTrue(live <= 2, "live hosts after the pass: " + live + " " + v.decisions());
    }

    @Test
    void failedHostIsCleanedUpAndAStuckDeleteRetried() {
        PoolState failed = pool(host("gw-1", HostState.FAILED, OLD));
        assertTrue(only(decide(failed, obs(), Fixtures.poolCfg().spare(0).build()), Decision.DeleteHost.class)
                .get(0)
                .reason()
                .contains("failed to create"));
        PoolState deleting = pool(host("gw-1", HostState.DELETING, OLD));
        assertTrue(only(decide(deleting, obs(), Fixtures.poolCfg().spare(0).build()), Decision.DeleteHost.class)
                .get(0)
                .reason()
                .contains("retrying delete"));
        assertEquals(
                List.of(),
                decide(deleting, obs().open("gw-1"), Fixtures.poolCfg().spare(0).build())
                        .decisions(),
                "not while its delete is still open");
    }
}
