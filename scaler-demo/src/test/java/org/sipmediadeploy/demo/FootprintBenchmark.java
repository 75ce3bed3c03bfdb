package org.sipmediadeploy.demo;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipmediadeploy.daemon.cli.ScalerCtl;

/**
 * A scaler node's footprint: start-up time to ready, resident memory and CPU of an idle follower and of the
 * leader probing 2 pairs and 50 gateway hosts. Not a test: run with
 * {@code mvn -pl scaler-demo verify -Dbench.excluded=none -Dtest=FootprintBenchmark}. Writes bench/results/footprint.{json,md}.
 */
@Tag("bench")
class FootprintBenchmark {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WINDOW = Duration.ofSeconds(60);
    static final Duration WARM_UP = Duration.ofSeconds(60);

    @TempDir
    Path work;

    record Figure(String name, String unit, int runs, double p50, double p95, double p99, double max, Double target) {}

    @Test
    void measure() throws Exception {
        List<Figure> figures = new ArrayList<>();
        List<Double> readySeconds = new ArrayList<>();
        Map<String, double[]> idleFirst;
        Map<String, double[]> idle;
        Map<String, double[]> busy;
        Instant t0 = Instant.now();
        try (DemoCluster demo = DemoCluster.start(work.resolve("idle"), 5, false, new DemoCluster.Pool(1, 2, 1))) {
            awaitSettled(demo, 1);
            readySeconds.add(Duration.between(t0, Instant.now()).toMillis() / 1000.0);
            // The first minute still compiles and loads classes; a node then runs for months: both are reported,
            // the target is on the steady state.
            idleFirst = sample(demo);
            pause(WARM_UP);
            idle = sample(demo);
        }
        t0 = Instant.now();
        try (DemoCluster demo = DemoCluster.start(work.resolve("busy"), 6, false, new DemoCluster.Pool(50, 50, 0))) {
            awaitSettled(demo, 50);
            readySeconds.add(Duration.between(t0, Instant.now()).toMillis() / 1000.0);
            pause(WINDOW.plus(WARM_UP));
            busy = sample(demo);
        }
        String leaderIdle = leaderOf(idle);
        String leaderBusy = leaderOf(busy);
        figures.add(one("idle follower resident memory", "MiB", followers(idle, leaderIdle, 0), 128.0));
        figures.add(one(
                "idle follower CPU, first minute after start (2 pairs probed at 2 Hz, 1 host)",
                "% of one core",
                followers(idleFirst, leaderOf(idleFirst), 1),
                null));
        figures.add(one(
                "idle follower CPU, steady (2 pairs probed at 2 Hz, 1 host)",
                "% of one core",
                followers(idle, leaderIdle, 1),
                5.0));
        figures.add(one("idle leader resident memory", "MiB", idle.get(leaderIdle)[0], 128.0));
        figures.add(one(
                "idle leader CPU, first minute after start (2 pairs, 1 host)",
                "% of one core",
                idleFirst.get(leaderOf(idleFirst))[1],
                null));
        figures.add(one("idle leader CPU, steady (2 pairs, 1 host)", "% of one core", idle.get(leaderIdle)[1], 5.0));
        figures.add(one("leader resident memory, 2 pairs + 50 hosts", "MiB", busy.get(leaderBusy)[0], 256.0));
        figures.add(one(
                "leader CPU, steady, 2 pairs at 2 Hz + 50 hosts every 2 s",
                "% of one core",
                busy.get(leaderBusy)[1],
                null));
        figures.add(new Figure(
                "cluster start to pairs healthy and pool at target (2 runs: 1 host, 50 hosts)",
                "s",
                readySeconds.size(),
                readySeconds.get(0),
                readySeconds.get(1),
                readySeconds.get(1),
                Math.max(readySeconds.get(0), readySeconds.get(1)),
                null));
        write(figures);
    }

    /** The highest value of figure {@code index} (0 RSS, 1 CPU) among the followers. */
    private static double followers(Map<String, double[]> sample, String leader, int index) {
        return sample.entrySet().stream()
                .filter(e -> !e.getKey().startsWith("leader:") && !e.getKey().equals(leader))
                .mapToDouble(e -> e.getValue()[index])
                .max()
                .orElseThrow();
    }

    private static void pause(Duration d) {
        await().pollDelay(d).atMost(d.plusSeconds(5)).until(() -> true);
    }

    private static Figure one(String name, String unit, double v, Double target) {
        return new Figure(name, unit, 1, v, v, v, v, target);
    }

    private static void awaitSettled(DemoCluster demo, int hosts) {
        await().atMost(Duration.ofMinutes(4))
                .pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions()
                .until(() -> {
                    JsonNode s = status(demo);
                    if (s.path("node").path("leader_id").isNull()
                            || s.path("pairs").size() != 2) {
                        return false;
                    }
                    for (JsonNode p : s.path("pairs")) {
                        if (!"UP"
                                .equals(p.path("active")
                                        .path("probes")
                                        .path(0)
                                        .path("status")
                                        .asText())) {
                            return false;
                        }
                    }
                    int ready = 0;
                    for (JsonNode h : s.path("pools").path(0).path("hosts")) {
                        ready += "READY".equals(h.path("state").asText()) ? 1 : 0;
                    }
                    return ready >= hosts;
                });
    }

    private static JsonNode status(DemoCluster demo) throws IOException {
        java.io.StringWriter out = new java.io.StringWriter();
        int code = ScalerCtl.run(
                new String[] {
                    "status", "--json", "--config", demo.config("scaler-1").toString()
                },
                new java.io.PrintWriter(out),
                new java.io.PrintWriter(new java.io.StringWriter()));
        if (code != 0) {
            throw new IOException("status exit " + code);
        }
        return JSON.readTree(out.toString());
    }

    /** Per node: {RSS MiB, CPU % of one core over the window}, and "leader" mapped to the leader's id. */
    private static Map<String, double[]> sample(DemoCluster demo) throws Exception {
        String leader = status(demo).path("node").path("leader_id").asText();
        Map<String, long[]> before = new LinkedHashMap<>();
        for (var e : demo.nodes().entrySet()) {
            before.put(e.getKey(), cpuTicks(e.getValue().pid()));
        }
        long start = System.nanoTime();
        pause(WINDOW);
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, double[]> out = new LinkedHashMap<>();
        for (var e : demo.nodes().entrySet()) {
            long ticks = cpuTicks(e.getValue().pid())[0] - before.get(e.getKey())[0];
            double cpu = 100.0 * ticks / 100.0 / seconds; // USER_HZ = 100
            out.put(e.getKey(), new double[] {rssMiB(e.getValue().pid()), cpu});
        }
        out.put("leader:" + leader, new double[0]);
        return out;
    }

    private static String leaderOf(Map<String, double[]> m) {
        return m.keySet().stream()
                .filter(k -> k.startsWith("leader:"))
                .findFirst()
                .orElseThrow()
                .substring(7);
    }

    private static long[] cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        @SuppressWarnings("StringSplitter") // /proc stat fields are never empty; leading ones are read
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new long[] {Long.parseLong(f[11]) + Long.parseLong(f[12])};
    }

    private static double rssMiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        throw new IOException("no VmRSS for " + pid);
    }

    private static void write(List<Figure> figures) throws Exception {
        Path results = Path.of("../bench/results");
        Files.createDirectories(results);
        String commit = new String(
                        new ProcessBuilder("git", "rev-parse", "--short", "HEAD")
                                .directory(Path.of("..").toFile())
                                .start()
                                .getInputStream()
                                .readAllBytes(),
                        StandardCharsets.UTF_8)
                .strip();
        String date = Instant.now().toString();
        List<Map<String, Object>> json = new ArrayList<>();
        StringBuilder md = new StringBuilder("# Scaler node footprint\n\n`mvn -pl scaler-demo verify "
                + "-Dbench.excluded=none -Dtest=FootprintBenchmark` (commit " + commit + ", " + date + ")\n\n"
                + "| figure | unit | value | target |\n|---|---|---|---|\n");
        for (Figure f : figures) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", f.name());
            m.put("unit", f.unit());
            m.put("runs", f.runs());
            m.put("p50", round(f.p50()));
            m.put("p95", round(f.p95()));
            m.put("p99", round(f.p99()));
            m.put("max", round(f.max()));
            m.put("target", f.target());
            m.put("commit", commit);
            m.put("date", date);
            json.add(m);
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %.1f | %s |%n",
                    f.name(),
                    f.unit(),
                    f.p50(),
                    f.target() == null ? "-" : "≤ " + f.target()));
        }
        Files.writeString(
                results.resolve("footprint.json"),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
        Files.writeString(results.resolve("footprint.md"), md.toString());
        assertTrue(Files.size(results.resolve("footprint.json")) > 0);
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
