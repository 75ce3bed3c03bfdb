package org.sipmediadeploy.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.sipmediadeploy.core.testing.LoopbackBlock;
import org.sipmediadeploy.sandbox.ApiFault;

/**
 * A randomized run mixing the matrix's faults and the partition faults ({@link PartitionFaultsTest}), one at a
 * time, with a fixed seed printed for replay. CI runs about two minutes; the long run is
 * {@code -De2e.random.duration=PT10M} (and {@code -De2e.random.seed=N} to replay), see scaler-e2e/README.md.
 * After every fault the service must come back through the floating IPs, and the invariant checker runs over the
 * whole history at the end (and after every step). Faults on one node's paths must not move a floating IP.
 */
class RandomizedFaultsTest {
    /** The run's bound by count (its bound by time is the duration). */
    static final int MAX_STEPS = 400;

    /** Kept after the run (target/e2e/...): the node logs and the sandbox event log are the evidence. */
    Path work;

    enum Fault {
        KILL_ACTIVE_KAMAILIO,
        FREEZE_ACTIVE_KAMAILIO,
        KILL_ACTIVE_COTURN,
        KILL_LEADER,
        FREEZE_LEADER,
        KILL_FOLLOWER,
        API_ERRORS_DURING_FAILOVER,
        LEADER_AND_KAMAILIO,
        LEADER_ISOLATED,
        LEADER_CUT_FROM_KAMAILIO,
        PROBE_PATH_LOSS,
        API_TIMEOUTS_FOR_ONE_NODE,
        SLOW_NOVA_DURING_FAILOVER,
        PAIR_CANNOT_BOOTSTRAP,
        RESTORED_EMPTY_STATE
    }

    /** The faults where the leader could harm the cloud ({@link HarmFaults}): the first steps, in a seeded order. */
    static final List<Fault> HARM = List.of(
            Fault.API_TIMEOUTS_FOR_ONE_NODE,
            Fault.SLOW_NOVA_DURING_FAILOVER,
            Fault.PAIR_CANNOT_BOOTSTRAP,
            Fault.RESTORED_EMPTY_STATE);

    /**
     * The fault of each step: first the harm faults in a seeded order (so the two-minute CI run covers some of
     * them on every run and all of them over a few), then a uniform choice among all the faults.
     */
    static List<Fault> plan(Random rnd, int steps) {
        List<Fault> first = new ArrayList<>(HARM);
        Collections.shuffle(first, rnd);
        List<Fault> plan = new ArrayList<>(first.subList(0, Math.min(steps, first.size())));
        while (plan.size() < steps) {
            plan.add(Fault.values()[rnd.nextInt(Fault.values().length)]);
        }
        return plan;
    }

    @Test
    void randomFaultsKeepTheServiceReachableAndEveryInvariantHolds() throws Exception {
        long seed = Long.getLong("e2e.random.seed", System.currentTimeMillis());
        Duration span = Duration.parse(System.getProperty("e2e.random.duration", "PT2M"));
        System.out.println("RandomizedFaultsTest seed " + seed + " duration " + span + " (replay: -De2e.random.seed="
                + seed + " -De2e.random.duration=" + span + ")");
        Random rnd = new Random(seed);
        List<String> done = new ArrayList<>();
        int block = Integer.getInteger("e2e.random.block", LoopbackBlock.RANDOMIZED_FAULTS.number());
        // one directory per block: two runs side by side (two seeds) keep their evidence apart
        work = Cluster.freshWorkDir(
                block == LoopbackBlock.RANDOMIZED_FAULTS.number() ? "randomized" : "randomized-b" + block);
        try (Cluster c = Cluster.start(work.resolve("demo"), block, "max-per-hour = 60")) {
            InvariantChecker checker = new InvariantChecker(c, 1, 6);
            c.awaitHealthy(Duration.ofSeconds(150));
            long start = System.nanoTime();
            long end = start + span.toNanos();
            HarmFaults harm = new HarmFaults(c, checker, rnd);
            List<Fault> plan = plan(rnd, MAX_STEPS);
            // bounded by count and by time
            for (int step = 0; step < MAX_STEPS && System.nanoTime() < end; step++) {
                Fault f = plan.get(step);
                done.add(f.name());
                System.out.println("seed " + seed + " step " + step + ": " + f);
                try (TrafficRecorder t =
                        new TrafficRecorder(c.floating("kamailio"), c.floating("coturn"), Duration.ofMinutes(12))) {
                    Instant at = HARM.contains(f) ? injectHarm(harm, c, f, t, step) : inject(c, f, rnd);
                    await().atMost(Duration.ofSeconds(60))
                            .pollInterval(Duration.ofMillis(100))
                            .until(() -> t.firstOkAfter(Probe.Kind.SIP, at) != null
                                    && t.firstOkAfter(Probe.Kind.STUN, at) != null);
                }
                c.restoreWorld();
                // retried: the last entries may still be on their way to the node asked
                await().atMost(Duration.ofSeconds(20))
                        .pollInterval(Duration.ofSeconds(1))
                        .ignoreExceptions()
                        .untilAsserted(
                                () -> assertEquals(List.of(), checker.check(false), "seed " + seed + " after " + done));
            }
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofSeconds(1))
                    .ignoreExceptions()
                    .untilAsserted(() -> assertEquals(List.of(), checker.check(true), "seed " + seed + " " + done));
            Map<String, Long> counts = new TreeMap<>();
            done.forEach(f -> counts.merge(f, 1L, Long::sum));
            System.out.println("RandomizedFaultsTest seed " + seed + " passed: " + done.size() + " steps in "
                    + Duration.ofNanos(System.nanoTime() - start).toSeconds() + " s, " + counts);
        }
    }

    private static Instant injectHarm(HarmFaults harm, Cluster c, Fault f, TrafficRecorder t, int step)
            throws IOException {
        if (f == Fault.API_TIMEOUTS_FOR_ONE_NODE) {
            return harm.apiTimeoutsForOneNode(c.awaitLeader());
        } else if (f == Fault.SLOW_NOVA_DURING_FAILOVER) {
            c.awaitLeader();
            return harm.slowNovaDuringFailover(t);
        } else if (f == Fault.PAIR_CANNOT_BOOTSTRAP) {
            return harm.pairThatCannotBootstrap(step);
        } else if (f == Fault.RESTORED_EMPTY_STATE) {
            return harm.restoredEmptyState(step);
        }
        throw new AssertionError(f);
    }

    /** Lets a fault last (pacing, not a wait for a condition). */
    private static void hold(int seconds) {
        await().during(Duration.ofSeconds(seconds))
                .atMost(Duration.ofSeconds(seconds + 2))
                .until(() -> true);
    }

    private static void assertNoMoveSince(Cluster c, Instant from, Fault f) {
        List<org.sipmediadeploy.sandbox.SandboxEvent> moves = c.sandbox()
                .events()
                .events(e -> InvariantChecker.scalerCall(e)
                        && e.kind().equals("floatingip.update")
                        && e.time().isAfter(from));
        assertEquals(List.of(), moves, f + " on one node's path moved a floating IP");
    }

    /** Injects one fault; returns when the service may be expected back (after any timed part of the fault). */
    private static Instant inject(Cluster c, Fault f, Random rnd) {
        String leader = c.awaitLeader();
        if (f == Fault.KILL_ACTIVE_KAMAILIO) {
            c.sandbox().kill(c.member("kamailio", "active"));
        } else if (f == Fault.FREEZE_ACTIVE_KAMAILIO) {
            c.sandbox().freeze(c.member("kamailio", "active"));
        } else if (f == Fault.KILL_ACTIVE_COTURN) {
            c.sandbox().kill(c.member("coturn", "active"));
        } else if (f == Fault.KILL_LEADER) {
            c.killNode(leader);
        } else if (f == Fault.FREEZE_LEADER) {
            c.freezeNode(leader);
            c.awaitLeader();
            c.resumeNode(leader);
        } else if (f == Fault.KILL_FOLLOWER) {
            c.killNode(c.follower(leader));
        } else if (f == Fault.API_ERRORS_DURING_FAILOVER) {
            c.sandbox()
                    .apiFaults()
                    .add(new ApiFault(
                            "*",
                            ApiFault.Kind.SERVER_ERROR,
                            0.5 + rnd.nextDouble() / 2,
                            Integer.MAX_VALUE,
                            Duration.ZERO,
                            503));
            String active = c.member("kamailio", "active");
            c.sandbox().kill(active);
            // let the failover run into the errors for a while, then heal the API
            await().during(Duration.ofSeconds(3 + rnd.nextInt(5)))
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> true);
            c.sandbox().apiFaults().clear();
        } else if (f == Fault.LEADER_AND_KAMAILIO) {
            c.sandbox().kill(c.member("kamailio", "active"));
            c.killNode(leader);
        } else if (f == Fault.LEADER_ISOLATED) {
            c.isolateFromPeers(leader);
            List<String> majority = new ArrayList<>(Cluster.NODES);
            majority.remove(leader);
            await().atMost(Duration.ofSeconds(40))
                    .pollInterval(Duration.ofMillis(250))
                    .ignoreExceptions()
                    .until(() -> {
                        String l = c.leaderAmong(majority);
                        return l != null && !l.equals(leader);
                    });
            hold(2 + rnd.nextInt(5));
            c.healNodeCuts();
        } else if (f == Fault.LEADER_CUT_FROM_KAMAILIO) {
            String active = c.member("kamailio", "active");
            Instant from = Instant.now();
            c.cutPath(leader, active);
            hold(4 + rnd.nextInt(6));
            c.sandbox().clearPathFaults();
            assertNoMoveSince(c, from, f);
        } else if (f == Fault.PROBE_PATH_LOSS) {
            String node = Cluster.NODES.get(rnd.nextInt(Cluster.NODES.size()));
            Instant from = Instant.now();
            long pathSeed = rnd.nextLong();
            for (String server : c.pairMembers()) {
                if (c.sandbox().serverStatus(server) == null || !c.sandbox().hasInstance(server)) {
                    continue; // an original member the scaler replaced: deleted, no path to it
                }
                c.pathLoss(node, server, 0.2, pathSeed++);
            }
            hold(10 + rnd.nextInt(11));
            c.sandbox().clearPathFaults();
            assertNoMoveSince(c, from, f);
        } else {
            throw new AssertionError(f);
        }
        return Instant.now();
    }
}
