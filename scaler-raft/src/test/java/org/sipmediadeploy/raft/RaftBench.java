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
        boolean hog = false;
        int lossSeconds = 0;
        int lossPercent = 20;
        long electionMin = RaftSettings.DEFAULT_ELECTION_MIN.toMillis();
        long electionMax = RaftSettings.DEFAULT_ELECTION_MAX.toMillis();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--kills")) {
                kills = Integer.parseInt(args[++i]);
            } else if (args[i].equals("--commits")) {
                commits = Integer.parseInt(args[++i]);
            } else if (args[i].equals("--election")) {
                // e.g. --election 200-400: children run with that election timeout instead of the default
                @SuppressWarnings("StringSplitter") // "min-max": both bounds are read, a missing one fails either way
                String[] mm = args[++i].split("-");
                electionMin = Long.parseLong(mm[0]);
                electionMax = Long.parseLong(mm[1]);
                System.setProperty(
                        "raft.child.jvmArgs", "-Draft.electionMinMs=" + mm[0] + " -Draft.electionMaxMs=" + mm[1]);
            } else if (args[i].equals("--hog")) {
                hog = true; // the takeover runs again with one core kept busy
            } else if (args[i].equals("--loss-seconds")) {
                lossSeconds = Integer.parseInt(args[++i]);
            } else if (args[i].equals("--loss-percent")) {
                lossPercent = Integer.parseInt(args[++i]);
            } else if (args[i].equals("--out")) {
                out = Path.of(args[++i]);
            } else {
                throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Path work = Files.createTempDirectory("raft-bench");
        String rev = git("rev-parse", "--short", "HEAD");
        String date = Instant.now().toString();
        Map<String, String> json = new java.util.LinkedHashMap<>();
        StringBuilder table = new StringBuilder();
        List<String> notes = new ArrayList<>();
        String loadQuiet = loadAverage();
        double[] takeover = null;
        if (kills > 0) {
            takeover = takeover(work.resolve("takeover"), kills);
            json.put(
                    "takeover_kill_to_leader_ready",
                    figure("takeover_kill_to_leader_ready", "ms", takeover, 1000, rev, date));
            table.append(
                    row("takeover: SIGKILL of the leader to the new leader's leaderReady", takeover, "<= 1000 (p99)"));
            notes.add("Extra elections during the takeover runs (failed rounds or spurious elections, beyond one per"
                    + " kill): " + extraElections + ".");
        }
        if (kills > 0 && hog) {
            // Same run, same machine, one more core busy: the ratio to the figure above is what the hog costs.
            double[] loaded;
            String loadHog;
            try (CpuHog h = CpuHog.start(3600)) {
                loaded = takeover(work.resolve("takeover-load"), kills);
                loadHog = loadAverage();
            }
            String name = "takeover_under_load_kill_to_leader_ready";
            json.put(name, figure(name, "ms", loaded, 1000, rev, date));
            table.append(row(
                    "takeover under load (one core busy: CPU hog): SIGKILL to leaderReady", loaded, "<= 1000 (p99)"));
            notes.add(
                    "Under load: a `sh` busy-loop (bounded by `timeout`, stopped by its PID) kept one core busy during"
                            + " the second takeover run; load average at its end: " + loadHog + "; extra elections: "
                            + extraElections + ". p99 ratio loaded/quiet in this run: "
                            + String.format(
                                    java.util.Locale.ROOT,
                                    "%.2f",
                                    Percentiles.nearestRank(loaded, 99) / Percentiles.nearestRank(takeover, 99))
                            + ".");
        }
        if (commits > 0) {
            double[] commit = commitLatency(work.resolve("commit"), commits);
            json.put("commit_latency_decision", figure("commit_latency_decision", "ms", commit, -1, rev, date));
            table.append(row("commit latency of a decision (propose to applied result, leader)", commit, "-"));
        }
        if (lossSeconds > 0) {
            LinkLossRun.Result loss =
                    LinkLossRun.run(work.resolve("loss"), Duration.ofSeconds(lossSeconds), lossPercent);
            String elections = "link_loss_" + lossPercent + "pct_spurious_elections";
            json.put(elections, figure(elections, "elections", new double[] {loss.elections()}, 0, rev, date));
            String during = "commit_latency_decision_during_link_loss_" + lossPercent + "pct";
            json.put(during, figure(during, "ms", loss.commitMs(), -1, rev, date));
            table.append(row(
                    "commit latency, one decision a second, during " + lossPercent + " % loss on the leader's link to"
                            + " one follower",
                    loss.commitMs(),
                    "-"));
            notes.add(loss.describe());
        }
        // Figures this run did not measure stay as an earlier run wrote them (each carries its commit and date).
        Files.createDirectories(out);
        List<String> kept = new ArrayList<>();
        Path jsonFile = out.resolve("raft.json");
        if (Files.exists(jsonFile)) {
            for (String line : Files.readAllLines(jsonFile)) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                                "^\\s*(\\{\"name\":\"([^\"]+)\".*\\})\\s*,?\\s*$")
                        .matcher(line);
                if (m.matches() && !json.containsKey(m.group(2))) {
                    json.put(m.group(2), m.group(1));
                    kept.add(m.group(2));
                    table.append(keptRow(m.group(1)));
                }
            }
        }
        Files.writeString(jsonFile, "[\n  " + String.join(",\n  ", json.values()) + "\n]\n");
        String md = "# scaler-raft benchmark\n\n"
                + "Loopback, 3 nodes, election timeout " + electionMin + "-" + electionMax
                + " ms. Load average (1/5/15 min) at the start: " + loadQuiet + "; at the end: " + loadAverage()
                + " (2 CPUs). Commit " + rev + ", " + date + ". Command: see bench/raft/README.md.\n\n"
                + "| figure | unit | runs | p50 | p95 | p99 | max | target |\n|---|---|---|---|---|---|---|---|\n"
                + table
                + "\n" + String.join("\n\n", notes) + "\n"
                + (kept.isEmpty()
                        ? ""
                        : "\nRows marked \"earlier run\" were not measured by this run: raft.json keeps them as that"
                                + " run wrote them (with its commit and date): "
                                + String.join(", ", kept) + ".\n");
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
                            .atMost(Duration.ofMinutes(4))
                            .pollInterval(Duration.ofMillis(20))
                            .until(() -> leaderAbove(procs, 0), Optional::isPresent)
                            .orElseThrow();
                    long candidateTerm = last(candidate.readyTerms());
                    if (steady(procs, candidate, candidateTerm)) {
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
                        .atMost(Duration.ofMinutes(4))
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
    private static boolean steady(Map<String, NodeProcess> procs, NodeProcess leader, long term) {
        try {
            for (int i = 0; i < 20; i++) {
                String r = leader.ask("initPool p" + ++pools + " " + term, Duration.ofMinutes(4));
                if (!r.startsWith("ACCEPTED")) {
                    System.out.println("  warm-up commit on " + leader.id + " in term " + term + ": " + r);
                    return false;
                }
            }
            long applied = Long.parseLong(NodeProcess.words(leader.ask("status", Duration.ofSeconds(30)))[2]);
            for (NodeProcess p : procs.values()) {
                Awaitility.await()
                        .atMost(Duration.ofSeconds(240))
                        .pollInterval(Duration.ofMillis(20))
                        .until(() -> {
                            String[] st = NodeProcess.words(p.ask("status", Duration.ofSeconds(30)));
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
            RaftNode leader = cluster.awaitLeader(Duration.ofMinutes(4));
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

    /** A table row for a figure kept from an earlier run, from its JSON line. */
    private static String keptRow(String line) {
        java.util.function.Function<String, String> field = k -> {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + k + "\":\"?([^,\"}]*)")
                    .matcher(line);
            return m.find() ? m.group(1) : "?";
        };
        return "| " + field.apply("name") + " (earlier run, commit " + field.apply("commit") + ") | "
                + field.apply("unit")
                + " | " + field.apply("runs") + " | " + field.apply("p50") + " | " + field.apply("p95") + " | "
                + field.apply("p99") + " | " + field.apply("max") + " | " + field.apply("target") + " |\n";
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
