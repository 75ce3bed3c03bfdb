package org.sipmediadeploy.raft;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.sipmediadeploy.core.command.Command;
import org.sipmediadeploy.core.decision.Decision;
import org.sipmediadeploy.core.port.Consensus.CommitResult;
import org.sipmediadeploy.core.testing.FreePort;
import org.sipmediadeploy.core.testing.Percentiles;

/**
 * Benchmark (not run by {@code mvn verify}): see bench/raft/README.md.
 * <ol>
 *   <li>Takeover: three {@link RaftNodeMain} JVMs on loopback with the default settings; the leader is killed
 *   with SIGKILL and the time to the new leader's {@code leaderReady} is measured, then the victim restarts
 *   from its disk and rejoins. Repeated {@code --kills} times.</li>
 *   <li>Commit latency: three in-JVM nodes; the leader proposes {@code --commits} decisions one after another
 *   and the time from {@code propose} to the applied, committed result is measured.</li>
 * </ol>
 */
public final class RaftBench {
    private static long extraElections = -1;
    /** Pool names for warm-up commits: unique, so a retried settling never collides with an earlier one. */
    private static int pools;

    private RaftBench() {}

    public static void main(String[] args) throws Exception {
        int kills = 30;
        int commits = 1000;
        Path out = Path.of("bench/results");
        long electionMin = RaftSettings.DEFAULT_ELECTION_MIN.toMillis();
        long electionMax = RaftSettings.DEFAULT_ELECTION_MAX.toMillis();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--kills")) {
                kills = Integer.parseInt(args[++i]);
            } else if (args[i].equals("--commits")) {
                commits = Integer.parseInt(args[++i]);
            } else if (args[i].equals("--election")) {
                // e.g. --election 200-400: children run with that election timeout instead of the default
                String[] mm = args[++i].split("-");
                electionMin = Long.parseLong(mm[0]);
                electionMax = Long.parseLong(mm[1]);
                System.setProperty(
                        "raft.child.jvmArgs", "-Draft.electionMinMs=" + mm[0] + " -Draft.electionMaxMs=" + mm[1]);
            } else if (args[i].equals("--out")) {
                out = Path.of(args[++i]);
            } else {
                throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Path work = Files.createTempDirectory("raft-bench");
        double[] takeover = takeover(work.resolve("takeover"), kills);
        double[] commit = commitLatency(work.resolve("commit"), commits);
        String rev = git("rev-parse", "--short", "HEAD");
        String date = Instant.now().toString();
        List<String> json = new ArrayList<>();
        json.add(figure("takeover_kill_to_leader_ready", "ms", takeover, 1000, rev, date));
        json.add(figure("commit_latency_decision", "ms", commit, -1, rev, date));
        Files.createDirectories(out);
        Files.writeString(out.resolve("raft.json"), "[\n  " + String.join(",\n  ", json) + "\n]\n");
        String md = "# scaler-raft benchmark\n\n"
                + "Loopback, 3 nodes, election timeout " + electionMin + "-" + electionMax
                + " ms. Load average (1/5/15 min, at the end): " + loadAverage() + ". Commit " + rev + ", " + date
                + ". Command: see bench/raft/README.md.\n\n"
                + "| figure | unit | runs | p50 | p95 | p99 | max | target |\n|---|---|---|---|---|---|---|---|\n"
                + row("takeover: SIGKILL of the leader to the new leader's leaderReady", takeover, "<= 1000 (p99)")
                + row("commit latency of a decision (propose to applied result, leader)", commit, "-")
                + "\nExtra elections during the takeover runs (failed rounds or spurious elections, beyond one per"
                + " kill): " + extraElections + ".\n";
        Files.writeString(out.resolve("raft.md"), md);
        System.out.println(md);
        System.exit(0);
    }

    static double[] takeover(Path dir, int kills) throws Exception {
        Map<String, String> peers = new TreeMap<>();
        for (int i = 1; i <= 3; i++) {
            peers.put("n" + i, "127.0.0.1:" + FreePort.onLoopback());
        }
        Map<String, NodeProcess> procs = new TreeMap<>();
        for (String id : peers.keySet()) {
            procs.put(id, NodeProcess.start(id, peers, dir.resolve(id)));
        }
        double[] ms = new double[kills];
        long firstTerm = 0;
        try {
            long term = 0;
            for (int k = 0; k < kills; k++) {
                NodeProcess old = null;
                long oldTerm = -1;
                for (int attempt = 0; old == null; attempt++) {
                    NodeProcess candidate = Awaitility.await()
                            .atMost(Duration.ofSeconds(60))
                            .pollInterval(Duration.ofMillis(20))
                            .until(() -> leaderAbove(procs, 0), Optional::isPresent)
                            .orElseThrow();
                    long candidateTerm = last(candidate.readyTerms());
                    if (steady(procs, candidate, candidateTerm, k)) {
                        old = candidate;
                        oldTerm = candidateTerm;
                    } else if (attempt >= 5) {
                        throw new IllegalStateException("the cluster does not settle");
                    } else {
                        System.out.println("leadership moved while settling (term " + candidateTerm + "), again");
                    }
                }
                if (k == 0) {
                    firstTerm = oldTerm;
                }
                final long killedTerm = oldTerm;
                long t0 = System.nanoTime();
                old.signal("KILL");
                NodeProcess next = Awaitility.await()
                        .atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(5))
                        .until(() -> leaderAbove(procs, killedTerm), Optional::isPresent)
                        .orElseThrow();
                term = last(next.readyTerms());
                ms[k] = (next.readyNanos(term).getAsLong() - t0) / 1e6;
                System.out.printf(
                        "kill %d: %s (term %d) -> %s (term %d) in %.1f ms%n",
                        k + 1, old.id, oldTerm, next.id, term, ms[k]);
                old.process.waitFor(10, TimeUnit.SECONDS);
                procs.put(old.id, NodeProcess.start(old.id, peers, dir.resolve(old.id)));
            }
            // Every kill needs one new term; anything above that is a failed round or a spurious election.
            extraElections = term - firstTerm - kills;
            System.out.println("extra elections: " + extraElections);
        } finally {
            for (NodeProcess p : procs.values()) {
                p.close();
            }
        }
        return ms;
    }

    private static Optional<NodeProcess> leaderAbove(Map<String, NodeProcess> procs, long term) {
        NodeProcess best = null;
        long bestTerm = term;
        for (NodeProcess p : procs.values()) {
            if (!p.process.isAlive()) {
                continue;
            }
            for (long t : p.readyTerms()) {
                if (t > bestTerm) {
                    best = p;
                    bestTerm = t;
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * Steady state before a kill: 20 commits through the leader (a just-restarted follower is reconnected and
     * warm), then every node follows {@code term} and has applied the leader's log. False if leadership moved.
     */
    private static boolean steady(Map<String, NodeProcess> procs, NodeProcess leader, long term, int k) {
        try {
            for (int i = 0; i < 20; i++) {
                String r = leader.ask("initPool p" + (++pools) + " " + term, Duration.ofSeconds(60));
                if (!r.startsWith("ACCEPTED")) {
                    System.out.println("  warm-up commit on " + leader.id + " in term " + term + ": " + r);
                    return false;
                }
            }
            long applied =
                    Long.parseLong(leader.ask("status", Duration.ofSeconds(30)).split(" ")[2]);
            for (NodeProcess p : procs.values()) {
                Awaitility.await()
                        .atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(20))
                        .until(() -> {
                            String[] st =
                                    p.ask("status", Duration.ofSeconds(30)).split(" ");
                            return Long.parseLong(st[1]) == term && Long.parseLong(st[2]) >= applied;
                        });
            }
            return true;
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            for (NodeProcess p : procs.values()) {
                String st;
                try {
                    st = p.process.isAlive() ? p.ask("status", Duration.ofSeconds(10)) : "dead";
                } catch (org.awaitility.core.ConditionTimeoutException x) {
                    st = "no answer";
                }
                System.out.println("  not settled: " + p.id + " (pid " + p.pid + ") status " + st
                        + " (leaderTerm currentTerm applied), leader " + leader.id + " term " + term);
            }
            return false;
        }
    }

    static double[] commitLatency(Path dir, int commits) {
        try (LocalCluster cluster = new LocalCluster(dir, 3, s -> s).startAll()) {
            RaftNode leader = cluster.awaitLeader(Duration.ofSeconds(60));
            long term = leader.leaderTerm().orElseThrow();
            join(leader, new Command.InitPool("gw", term, Fixtures.T0));
            int warmup = Math.min(200, commits);
            double[] ms = new double[commits];
            for (int i = -warmup; i < commits; i++) {
                String id = "d" + term + "-" + (i + warmup + 1);
                Command c = new Command.Propose(
                        new Decision.CreateHost(id, "gw", "gw-" + (i + warmup), "bench: spare below target"),
                        term,
                        Fixtures.T0);
                long t0 = System.nanoTime();
                CommitResult r = join(leader, c);
                long t1 = System.nanoTime();
                if (!r.accepted()) {
                    throw new IllegalStateException("refused: " + r.refusal());
                }
                if (i >= 0) {
                    ms[i] = (t1 - t0) / 1e6;
                }
            }
            return ms;
        }
    }

    private static CommitResult join(RaftNode n, Command c) {
        try {
            return n.propose(c).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static long last(List<Long> l) {
        return l.get(l.size() - 1);
    }

    private static String figure(String name, String unit, double[] v, double target, String rev, String date) {
        return String.format(
                java.util.Locale.ROOT,
                "{\"name\":\"%s\",\"unit\":\"%s\",\"runs\":%d,\"p50\":%.1f,\"p95\":%.1f,\"p99\":%.1f,\"max\":%.1f,"
                        + "\"target\":%s,\"commit\":\"%s\",\"date\":\"%s\"}",
                name,
                unit,
                v.length,
                Percentiles.nearestRank(v, 50),
                Percentiles.nearestRank(v, 95),
                Percentiles.nearestRank(v, 99),
                Percentiles.nearestRank(v, 100),
                target < 0 ? "null" : String.format(java.util.Locale.ROOT, "%.0f", target),
                rev,
                date);
    }

    private static String row(String name, double[] v, String target) {
        return String.format(
                java.util.Locale.ROOT,
                "| %s | ms | %d | %.1f | %.1f | %.1f | %.1f | %s |%n",
                name,
                v.length,
                Percentiles.nearestRank(v, 50),
                Percentiles.nearestRank(v, 95),
                Percentiles.nearestRank(v, 99),
                Percentiles.nearestRank(v, 100),
                target);
    }

    private static String git(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor(10, TimeUnit.SECONDS);
        return p.exitValue() == 0 ? s : "unknown";
    }
}
