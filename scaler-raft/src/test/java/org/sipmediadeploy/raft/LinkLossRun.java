package org.sipmediadeploy.raft;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;
import org.awaitility.Awaitility;
import org.sipmediadeploy.core.testing.FreePort;

/**
 * Benchmark part (bench/raft/README.md): three {@link RaftNodeMain} JVMs, each with a group id of its own, and random
 * loss on the link between the leader and one follower ({@link LinkLoss}) for a bounded time, while the leader
 * commits one decision a second. Counts the elections (term increases) during the loss: with pre-vote, a follower
 * that misses heartbeats cannot start one while the other follower still hears the leader, so there should be none.
 */
final class LinkLossRun {
    /** Below the demo cluster's range (47000 + 10 block + node), so the two never share a group. */
    private static final long GID_BASE = 46900;

    // A result holder for the report, never compared or hashed.
    @SuppressWarnings("ArrayRecordComponent")
    record Result(long elections, double[] commitMs, int refused, long dropped, String link, Duration length) {
        String describe() {
            return String.format(
                    Locale.ROOT,
                    "Link loss: %s for %d s; %d elections (term increases) during it; %d of %d commits refused or"
                            + " timed out; %d packets dropped on the link by the nftables rule (random drop of every"
                            + " packet of the two nodes' connections to each other, both directions).",
                    link,
                    length.toSeconds(),
                    elections,
                    refused,
                    commitMs.length + refused,
                    dropped);
        }
    }

    private LinkLossRun() {}

    static Result run(Path dir, Duration length, int percent) throws Exception {
        Map<String, Integer> ports = new TreeMap<>();
        Map<String, String> peers = new TreeMap<>();
        for (int i = 1; i <= 3; i++) {
            int port = FreePort.onLoopback();
            ports.put("n" + i, port);
            peers.put("n" + i, "127.0.0.1:" + port);
        }
        Map<String, NodeProcess> procs = new TreeMap<>();
        try {
            for (String id : peers.keySet()) {
                procs.put(id, NodeProcess.startInGroup(id, peers, dir.resolve(id), gid(id)));
            }
            NodeProcess leader = awaitLeader(procs);
            long term = Long.parseLong(NodeProcess.words(leader.ask("status", Duration.ofSeconds(30)))[0]);
            for (int i = 0; i < 20; i++) {
                leader.ask("initPool warm" + i + " " + term, Duration.ofMinutes(4));
            }
            String follower = procs.keySet().stream()
                    .filter(id -> !id.equals(leader.id))
                    .findFirst()
                    .orElseThrow();
            long termBefore = maxTerm(procs);
            String link = percent + " % loss between leader " + leader.id + " and follower " + follower;
            System.out.println("loss run: " + link + ", term " + termBefore + ", " + length.toSeconds() + " s");
            List<Double> commitMs = new ArrayList<>();
            int refused = 0;
            long dropped;
            try (LinkLoss loss = LinkLoss.between(
                    gid(leader.id), ports.get(leader.id), gid(follower), ports.get(follower), percent)) {
                long end = System.nanoTime() + length.toNanos();
                NodeProcess proposer = leader;
                long proposerTerm = term;
                for (int n = 0; System.nanoTime() < end; n++) {
                    long t0 = System.nanoTime();
                    String r;
                    try {
                        r = proposer.ask("initPool loss" + n + " " + proposerTerm, Duration.ofSeconds(30));
                    } catch (org.awaitility.core.ConditionTimeoutException e) {
                        r = "TIMEOUT";
                    }
                    if (r.startsWith("ACCEPTED")) {
                        commitMs.add((System.nanoTime() - t0) / 1e6);
                    } else {
                        refused++;
                        System.out.println("  commit " + n + ": " + r);
                        // After an election, propose through the new leader in its term (the loss stays on the
                        // original link).
                        for (NodeProcess p : procs.values()) {
                            String[] st = NodeProcess.words(p.ask("status", Duration.ofSeconds(30)));
                            if (Long.parseLong(st[0]) >= 0 && st[0].equals(st[1])) {
                                proposer = p;
                                proposerTerm = Long.parseLong(st[0]);
                            }
                        }
                    }
                    if (n % 60 == 0) {
                        System.out.println("  " + (n + 1) + " commits, max term " + maxTerm(procs) + ", dropped "
                                + loss.dropped());
                    }
                    // One decision a second: paced, not a load test.
                    LockSupport.parkNanos(Math.max(0, t0 + 1_000_000_000L - System.nanoTime()));
                }
                dropped = loss.dropped();
            }
            long elections = maxTerm(procs) - termBefore;
            System.out.println("loss run: " + elections + " elections, " + refused + " refused, dropped " + dropped);
            return new Result(
                    elections,
                    commitMs.stream().mapToDouble(Double::doubleValue).toArray(),
                    refused,
                    dropped,
                    link,
                    length);
        } finally {
            for (NodeProcess p : procs.values()) {
                p.close();
            }
        }
    }

    private static NodeProcess awaitLeader(Map<String, NodeProcess> procs) {
        return Awaitility.await()
                .atMost(Duration.ofMinutes(4))
                .pollInterval(Duration.ofMillis(20))
                .until(
                        () -> procs.values().stream()
                                .filter(p -> !p.readyTerms().isEmpty())
                                .findFirst(),
                        Optional::isPresent)
                .orElseThrow();
    }

    /** The highest current term of the three nodes (an election, even a failed one, raises it). */
    private static long maxTerm(Map<String, NodeProcess> procs) {
        long max = -1;
        for (NodeProcess p : procs.values()) {
            max = Math.max(max, Long.parseLong(NodeProcess.words(p.ask("status", Duration.ofSeconds(30)))[1]));
        }
        return max;
    }

    private static long gid(String id) {
        return GID_BASE + Integer.parseInt(id.substring(1));
    }
}
