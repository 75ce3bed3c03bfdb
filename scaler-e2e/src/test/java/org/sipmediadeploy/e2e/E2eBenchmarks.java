package org.sipmediadeploy.e2e;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.sipmediadeploy.sandbox.SandboxEvent;

/**
 * The headline end-to-end benchmarks (not tests: excluded from {@code mvn verify} by the {@code bench} tag; run
 * with {@code -Dgroups=bench}, see bench/e2e/README.md). Each writes bench/results/NAME.json and NAME.md.
 * {@code -De2e.runs=N} sets the runs per figure (default 30).
 */
@Tag("bench")
class E2eBenchmarks {
    static final int RUNS = Integer.getInteger("e2e.runs", 30);
    /** Loopback block of the failover clusters (127.B.x.y, and B+1): two runs side by side need different ones. */
    static final int BLOCK = Integer.getInteger("e2e.block", 51);

    static final Path RESULTS = Path.of(System.getProperty("e2e.results", "../bench/results"));
    // the benchmark measures the detection path itself, so back-to-back runs must not hit the anti-flap rules
    static final String NO_ANTI_FLAP = "max-per-hour = 60, min-interval = 0s";

    /** Kept after the run (target/e2e/bench): the node logs and the sandbox event log of each cluster. */
    final Path work = Cluster.freshWorkDir("bench-" + System.nanoTime());

    record Figure(String name, String unit, List<Double> values, double target, String note) {}

    // ---------------------------------------------------------------- fault -> first answer through the floating IP

    @Test
    void failover() throws Exception {
        List<Figure> figs = new ArrayList<>();
        // -De2e.failover.coturn=false measures Kamailio only (written as failover-kamailio)
        boolean coturn = Boolean.parseBoolean(System.getProperty("e2e.failover.coturn", "true"));
        try (Cluster c = Cluster.start(work.resolve("a"), BLOCK, NO_ANTI_FLAP)) {
            c.awaitHealthy(Duration.ofMinutes(3));
            figs.add(faultToTraffic(c, "kamailio", Probe.Kind.SIP, "kill", c.sandbox()::kill));
            if (coturn) {
                figs.add(faultToTraffic(c, "coturn", Probe.Kind.STUN, "kill", c.sandbox()::kill));
            }
        }
        // a fresh cluster: 60 failovers an hour is the configuration's ceiling per pair
        try (Cluster c = Cluster.start(work.resolve("b"), BLOCK + 1, NO_ANTI_FLAP)) {
            c.awaitHealthy(Duration.ofMinutes(3));
            figs.add(faultToTraffic(c, "kamailio", Probe.Kind.SIP, "freeze", c.sandbox()::freeze));
            if (coturn) {
                figs.add(faultToTraffic(c, "coturn", Probe.Kind.STUN, "freeze", c.sandbox()::freeze));
            }
        }
        write(
                coturn ? "failover" : "failover-kamailio",
                "Fault to the first answer through the floating IP (OPTIONS 200 / STUN success), "
                        + "client every 50 ms, 200 ms timeout",
                figs);
    }

    private Figure faultToTraffic(Cluster c, String pair, Probe.Kind kind, String fault, Consumer<String> inject)
            throws IOException {
        List<Double> ms = new ArrayList<>();
        try (TrafficRecorder t =
                new TrafficRecorder(c.floating("kamailio"), c.floating("coturn"), Duration.ofMinutes(40))) {
            for (int run = 0; run < RUNS; run++) {
                // the member the floating IP forwards to now (not the state's view, which may lag a restore)
                String active = c.floatingServer(pair);
                await().atMost(Duration.ofSeconds(10))
                        .pollInterval(Duration.ofMillis(50))
                        .until(() -> t.lastOk(kind) != null
                                && t.lastOk(kind).sent().isAfter(Instant.now().minusMillis(500)));
                Instant at = Instant.now();
                inject.accept(active);
                // only requests sent once the fault is in place count (one in flight may still be answered)
                Instant injected = Instant.now();
                await().atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(50))
                        .until(() -> t.firstOkAfter(kind, injected) != null);
                TrafficRecorder.Sample s = t.firstOkAfter(kind, injected);
                Instant answered = s.sent().plus(s.rttMicros(), ChronoUnit.MICROS);
                ms.add(Duration.between(at, answered).toNanos() / 1e6);
                System.out.printf(Locale.ROOT, "%s %s run %d: %.0f ms%n", pair, fault, run, ms.get(ms.size() - 1));
                c.restoreWorld();
            }
        }
        return new Figure(
                pair + " active " + fault + " -> first " + (kind == Probe.Kind.SIP ? "200 OK" : "STUN answer")
                        + " via floating IP",
                "ms",
                ms,
                2000,
                "");
    }

    // ---------------------------------------------------------------- leader takeover

    @Test
    void takeover() throws Exception {
        List<Double> ready = new ArrayList<>();
        List<Double> failover = new ArrayList<>();
        try (Cluster c = Cluster.start(work.resolve("t"), 53, NO_ANTI_FLAP)) {
            c.awaitHealthy(Duration.ofMinutes(3));
            InvariantChecker logs = new InvariantChecker(c, 1, 6);
            for (int run = 0; run < RUNS; run++) {
                String leader = c.awaitLeader();
                long before = logs.leaderTerms().size();
                boolean withKamailio = run % 2 == 1;
                String active = c.member("kamailio", "active");
                Instant at = Instant.now();
                if (withKamailio) {
                    c.sandbox().kill(active);
                }
                c.killNode(leader);
                await().atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> logs.leaderTerms().size() > before);
                List<InvariantChecker.LeaderTerm> terms = logs.leaderTerms();
                ready.add(Duration.between(at, terms.get(terms.size() - 1).ready())
                                .toNanos()
                        / 1e6);
                if (withKamailio) {
                    await().atMost(Duration.ofSeconds(60))
                            .pollInterval(Duration.ofMillis(50))
                            .until(() -> !c.sandbox()
                                    .events()
                                    .events(e -> e.kind().equals("floatingip.update")
                                            && InvariantChecker.scalerCall(e)
                                            && e.time().isAfter(at))
                                    .isEmpty());
                    SandboxEvent move = c.sandbox()
                            .events()
                            .events(e -> e.kind().equals("floatingip.update")
                                    && InvariantChecker.scalerCall(e)
                                    && e.time().isAfter(at))
                            .get(0);
                    failover.add(Duration.between(at, move.time()).toNanos() / 1e6);
                }
                System.out.printf(
                        Locale.ROOT, "takeover run %d: leader ready %.0f ms%n", run, ready.get(ready.size() - 1));
                c.restoreWorld();
            }
        }
        write(
                "takeover",
                "Leader kill -9 -> the new leader's first loop pass (its `leader ready in term N` log line, "
                        + "which starts the first pass); leader + active Kamailio killed together -> floating IP moved",
                List.of(
                        new Figure("leader kill -> new leader ready (first loop pass)", "ms", ready, 1000, ""),
                        new Figure("leader + active Kamailio kill -> floating IP moved", "ms", failover, 2000, "")));
    }

    // ---------------------------------------------------------------- false failovers under loss

    @Test
    void falseFailovers() throws Exception {
        Duration span = Duration.parse(System.getProperty("e2e.loss.duration", "PT10M"));
        // one: the leader's probe path only (the spec's figure); all: every scaler's path, independently
        boolean all = "all".equals(System.getProperty("e2e.loss.paths", "one"));
        double rate = Double.parseDouble(System.getProperty("e2e.loss.rate", "0.2"));
        long seed = Long.getLong("e2e.loss.seed", 20261128L);
        int block = all ? 85 : 84;
        try (Cluster c = Cluster.start(work.resolve(all ? "f-all" : "f-one"), block, null)) {
            c.awaitHealthy(Duration.ofMinutes(3));
            String leader = c.awaitLeader();
            List<String> lossy = all ? Cluster.NODES : List.of(leader);
            List<String> members = c.pairMembers();
            System.out.printf(
                    Locale.ROOT,
                    "false-failovers: %.0f %% loss, seed %d, on the probe paths of %s to %s " + "for %s%n",
                    rate * 100,
                    seed,
                    lossy,
                    members,
                    span);
            Instant from = Instant.now();
            long pathSeed = seed;
            // each datagram a lossy node sends to a member is lost with probability rate (the sandbox NIC,
            // keyed by the node's probe address); every other path, and the clients' traffic, is untouched
            for (String node : lossy) {
                for (String server : members) {
                    c.pathLoss(node, server, rate, pathSeed++);
                }
            }
            await().during(span)
                    .atMost(span.plusSeconds(30))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> true);
            c.sandbox().clearPathFaults();
            Instant to = Instant.now();
            long moves = c.sandbox()
                    .events()
                    .events(e -> e.kind().equals("floatingip.update")
                            && InvariantChecker.scalerCall(e)
                            && e.time().isAfter(from))
                    .size();
            long failovers = c.history().stream()
                    .filter(d -> "Failover".equals(d.path("kind").asText())
                            && Instant.parse(d.path("proposed_at").asText(to.toString()))
                                    .isAfter(from))
                    .count();
            long suspected = unconfirmedSuspicions(c, from, to);
            String what = (all ? "every scaler's probe path" : "one scaler's probe path (the leader's, " + leader + ")")
                    + " to the 4 pair members";
            write(
                    all ? "false-failovers-all-paths" : "false-failovers",
                    String.format(
                            Locale.ROOT,
                            "Floating-IP moves (and Failover decisions: %d) during %d min of %.0f %% random loss, seed %d, "
                                    + "on %s. The loss hit hard enough that the leader suspected a member %d times "
                                    + "without a majority confirming it (\"see it down: no failover\" loop notes). Anti-flap defaults "
                                    + "(4 failovers an hour). Command: see bench/e2e/README.md",
                            failovers,
                            span.toMinutes(),
                            rate * 100,
                            seed,
                            what,
                            suspected),
                    List.of(new Figure(
                            "false failovers in " + span.toMinutes() + " min of " + Math.round(rate * 100)
                                    + " % loss on " + (all ? "every scaler's probe path" : "one scaler's probe path"),
                            "count",
                            List.of((double) moves),
                            0,
                            "")));
        }
    }

    /** Loop notes "... see it down: no failover" logged by any node between two instants (each a suspicion). */
    private static long unconfirmedSuspicions(Cluster c, Instant from, Instant to) throws IOException {
        long n = 0;
        for (String node : Cluster.NODES) {
            Path log = c.demo.workDir().resolve(node + ".log");
            if (!Files.exists(log)) {
                continue;
            }
            for (String line : Files.readAllLines(log)) {
                if (!line.contains("see it down: no failover")) {
                    continue;
                }
                JsonNode j = Cluster.JSON.readTree(line);
                String ts = j.path("@timestamp").asText(j.path("timestamp").asText(""));
                try {
                    Instant at = java.time.OffsetDateTime.parse(ts).toInstant();
                    if (!at.isBefore(from) && !at.isAfter(to)) {
                        n++;
                    }
                } catch (java.time.format.DateTimeParseException e) {
                    n++; // no parsable time: count it (the log is of this run)
                }
            }
        }
        return n;
    }

    // ---------------------------------------------------------------- autoscale reaction

    @Test
    void autoscale() throws Exception {
        List<Double> ms = new ArrayList<>();
        int runs = Math.min(RUNS, 10);
        try (Cluster c = Cluster.start(work.resolve("s"), 55, null)) {
            c.awaitHealthy(Duration.ofMinutes(3));
            for (int run = 0; run < runs; run++) {
                List<String> hosts = new ArrayList<>();
                for (JsonNode h : c.status().path("pools").path(0).path("hosts")) {
                    hosts.add(h.path("server_id").asText());
                }
                if (hosts.size() >= 5) {
                    // max-hosts is 6 and new hosts are protected for 60 s, then scaled in after 60 s idle:
                    // another step now could not create anything
                    break;
                }
                Instant at = Instant.now();
                List<String> started = new ArrayList<>();
                for (String id : hosts) {
                    for (int i = 0; i < 100 && c.sandbox().idleGateways(id) > 0; i++) {
                        c.sandbox().startCall(id);
                        started.add(id);
                    }
                }
                await().atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(50))
                        .until(() -> !c.sandbox()
                                .events()
                                .events(e -> e.kind().equals("server.create")
                                        && InvariantChecker.scalerCall(e)
                                        && e.time().isAfter(at))
                                .isEmpty());
                SandboxEvent create = c.sandbox()
                        .events()
                        .events(e -> e.kind().equals("server.create")
                                && InvariantChecker.scalerCall(e)
                                && e.time().isAfter(at))
                        .get(0);
                ms.add(Duration.between(at, create.time()).toNanos() / 1e6);
                System.out.printf(Locale.ROOT, "autoscale run %d: %.0f ms%n", run, ms.get(ms.size() - 1));
                for (String id : started) {
                    c.sandbox().endCall(id);
                }
                c.awaitHealthy(Duration.ofMinutes(2));
            }
        }
        write(
                "autoscale",
                "Step in demand (every idle gateway taken with sandbox startCall) -> the create request "
                        + "reaching the cloud (server.create in the sandbox event log). Runs stop when the pool is near "
                        + "max-hosts (6), so few runs per cluster",
                List.of(new Figure("demand step -> server create", "ms", ms, 5000, "")));
    }

    // ---------------------------------------------------------------- results

    static double pct(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    static void write(String name, String what, List<Figure> figs) throws IOException {
        Files.createDirectories(RESULTS);
        String commit = git();
        String date = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        ArrayNode arr = Cluster.JSON.createArrayNode();
        StringBuilder md = new StringBuilder("# " + name + "\n\n" + what + ".\n\nCommit `" + commit + "`, " + date
                + ", load average when written " + load()
                + ".\n\n| figure | unit | runs | p50 | p95 | p99 | max | target |\n"
                + "|---|---|---|---|---|---|---|---|\n");
        for (Figure f : figs) {
            List<Double> s = new ArrayList<>(f.values());
            s.sort(Double::compare);
            ObjectNode o = arr.addObject();
            o.put("name", f.name());
            o.put("unit", f.unit());
            o.put("runs", s.size());
            o.put("p50", round(pct(s, 50)));
            o.put("p95", round(pct(s, 95)));
            o.put("p99", round(pct(s, 99)));
            o.put("max", round(s.isEmpty() ? Double.NaN : s.get(s.size() - 1)));
            if (f.target() >= 0) {
                o.put("target", f.target());
            } else {
                o.putNull("target");
            }
            o.put("commit", commit);
            o.put("date", date);
            o.set("values", Cluster.JSON.valueToTree(f.values()));
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %d | %s | %s | %s | %s | %s |%n",
                    f.name(),
                    f.unit(),
                    s.size(),
                    fmt(pct(s, 50)),
                    fmt(pct(s, 95)),
                    fmt(pct(s, 99)),
                    fmt(s.isEmpty() ? Double.NaN : s.get(s.size() - 1)),
                    f.target() >= 0 ? fmt(f.target()) : "-"));
        }
        Files.writeString(RESULTS.resolve(name + ".json"), arr.toPrettyString() + "\n");
        Files.writeString(RESULTS.resolve(name + ".md"), md.toString());
    }

    private static double round(double d) {
        return Math.round(d * 10) / 10.0;
    }

    private static String fmt(double d) {
        return Double.isNaN(d) ? "-" : String.format(Locale.ROOT, "%.1f", d);
    }

    private static String load() {
        try {
            @SuppressWarnings("StringSplitter") // the first field of /proc/loadavg is never empty
            String load1 = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
            return load1;
        } catch (IOException e) {
            return "?";
        }
    }

    private static String git() {
        try {
            Process p = new ProcessBuilder("git", "rev-parse", "--short", "HEAD")
                    .directory(Path.of("..").toFile())
                    .redirectErrorStream(true)
                    .start();
            String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
            return s;
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
