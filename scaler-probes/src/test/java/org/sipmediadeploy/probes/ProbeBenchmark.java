package org.sipmediadeploy.probes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.sipmediadeploy.core.model.ProbeResult;
import org.sipmediadeploy.core.model.ProbeTarget;
import org.sipmediadeploy.core.model.Secret;
import org.sipmediadeploy.core.model.Transport;
import org.sipmediadeploy.core.port.Prober;
import org.sipmediadeploy.core.testing.Percentiles;

/**
 * Probe latency against real Kamailio and Coturn, and how many targets one node probes at 2 Hz on one core.
 * Not a test: run it with {@code bench/probes/run.sh} (see bench/probes/README.md), which pins this JVM to one
 * core; the servers are pinned to another so that they are not what runs out.
 *
 * <p>Arguments: {@code RESULTS_DIR COMMIT [quick]}.
 */
public final class ProbeBenchmark {
    private static final Duration TIMEOUT = Duration.ofMillis(400);
    private static final int LATENCY_RUNS = 1000;
    private static final Duration STEP = Duration.ofSeconds(10);
    private static final int[] TARGET_STEPS = {50, 100, 200, 400, 800, 1600, 3200, 6400};

    private ProbeBenchmark() {}

    record Figure(
            String name,
            String unit,
            int runs,
            double p50,
            double p95,
            double p99,
            double max,
            String target,
            String commit,
            String date) {}

    record Step(
            int targets,
            long probes,
            long up,
            double p50,
            double p99,
            double max,
            double cpuPerProbeUs,
            double cpuBusy,
            double achievedHz,
            boolean sustained,
            Map<String, Long> notUp,
            String load1) {}

    /** Why probes were not UP, counted, so that the results say what went wrong and not only how often. */
    private static final Map<String, Long> NOT_UP = new java.util.concurrent.ConcurrentHashMap<>();

    public static void main(String[] args) throws Exception {
        Path results = Path.of(args.length > 0 ? args[0] : "bench/results");
        String commit = args.length > 1 ? args[1] : "unknown";
        boolean quick = args.length > 2 && args[2].equals("quick");
        String date = Instant.now().toString();
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
        String serverCore = System.getenv().getOrDefault("BENCH_SERVER_CORE", "1");
        Servers.commandPrefix = List.of("taskset", "-c", serverCore);
        Path dir = Files.createTempDirectory("probe-bench");
        List<RealProcess> started = new java.util.concurrent.CopyOnWriteArrayList<>();
        // Interrupted runs (Ctrl-C) must not leave servers behind: stop them by their recorded group ids.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> started.forEach(RealProcess::close)));

        List<Figure> figures = new ArrayList<>();
        Map<String, List<Step>> capacity = new LinkedHashMap<>();
        Loopback.Endpoint kam = Loopback.freeEndpoint(5060);
        Loopback.Endpoint turnAt = Loopback.freeEndpoint(3478);
        try (RealProcess kamailio = track(started, Servers.kamailio(kam, dir));
                RealProcess coturn = track(
                        started, Servers.coturn(turnAt, "probe", "bench-secret", "bench.test", 41000, 49000, dir));
                Prober prober = Probes.create(ProbeSettings.defaults())) {
            Map<String, ProbeTarget> targets = new LinkedHashMap<>();
            targets.put("sip-options-udp", new ProbeTarget.SipOptions(kam.host(), kam.port(), Transport.UDP, Set.of()));
            targets.put("sip-options-tcp", new ProbeTarget.SipOptions(kam.host(), kam.port(), Transport.TCP, Set.of()));
            targets.put("stun-binding", new ProbeTarget.StunBinding(turnAt.host(), turnAt.port()));
            targets.put(
                    "turn-allocate",
                    new ProbeTarget.TurnAllocate(turnAt.host(), turnAt.port(), "probe", Secret.of("bench-secret")));
            String where = "kamailio " + kam.host() + ":" + kam.port() + " / coturn " + turnAt.host() + ":"
                    + turnAt.port() + " (loopback, servers on core " + serverCore + ")";

            for (Map.Entry<String, ProbeTarget> e : targets.entrySet()) {
                double[] ms = latency(prober, e.getValue(), quick ? 100 : LATENCY_RUNS);
                figures.add(new Figure(
                        e.getKey() + " latency (sequential, one at a time)",
                        "ms",
                        ms.length,
                        Percentiles.nearestRank(ms, 50),
                        Percentiles.nearestRank(ms, 95),
                        Percentiles.nearestRank(ms, 99),
                        ms[ms.length - 1],
                        where,
                        commit,
                        date));
                System.out.printf(
                        Locale.ROOT,
                        "%s latency: p50 %.3f p99 %.3f max %.3f ms%n",
                        e.getKey(),
                        Percentiles.nearestRank(ms, 50),
                        Percentiles.nearestRank(ms, 99),
                        ms[ms.length - 1]);
            }
            for (String kind : List.of("sip-options-udp", "stun-binding", "turn-allocate")) {
                // Warm-up at a moderate rate so that JIT compilation is not billed to the first step.
                capacityStep(prober, targets.get(kind), 100, Duration.ofSeconds(quick ? 2 : 5));
                List<Step> steps = new ArrayList<>();
                for (int n : TARGET_STEPS) {
                    Step s = capacityStep(prober, targets.get(kind), n, quick ? Duration.ofSeconds(3) : STEP);
                    steps.add(s);
                    System.out.printf(
                            Locale.ROOT,
                            "%s %d targets: %d probes, %.2f%% up, p50 %.2f p99 %.2f max"
                                    + " %.2f ms, cpu/probe %.0f us, core busy %.0f%%, %.2f Hz/target, sustained %s, not up: %s%n",
                            kind,
                            n,
                            s.probes(),
                            100.0 * s.up() / Math.max(1, s.probes()),
                            s.p50(),
                            s.p99(),
                            s.max(),
                            s.cpuPerProbeUs(),
                            100 * s.cpuBusy(),
                            s.achievedHz(),
                            s.sustained(),
                            s.notUp());
                    s.notUp()
                            .forEach((reason, count) ->
                                    NOT_UP.merge(kind + " at " + n + " targets: " + reason, count, Long::sum));
                    if (!s.sustained()) {
                        break;
                    }
                }
                capacity.put(kind, steps);
                Step best = steps.stream()
                        .filter(Step::sustained)
                        .reduce((a, b) -> b)
                        .orElse(null);
                int bestN = best == null ? 0 : best.targets();
                figures.add(new Figure(
                        kind + " targets probed at 2 Hz on one core (largest step sustained)",
                        "targets",
                        steps.size(),
                        bestN,
                        bestN,
                        bestN,
                        bestN,
                        where,
                        commit,
                        date));
                if (best != null) {
                    // What the CPU cost alone allows: one core's second divided by two probes' CPU per target.
                    double byCpu = Math.floor(1e6 / (2 * best.cpuPerProbeUs()));
                    figures.add(new Figure(
                            kind + " targets at 2 Hz per core, from CPU per probe",
                            "targets",
                            (int) best.probes(),
                            byCpu,
                            byCpu,
                            byCpu,
                            byCpu,
                            where,
                            commit,
                            date));
                    figures.add(new Figure(
                            kind + " latency at " + bestN + " targets x 2 Hz on one core",
                            "ms",
                            (int) best.probes(),
                            best.p50(),
                            Double.NaN,
                            best.p99(),
                            best.max(),
                            where,
                            commit,
                            date));
                    figures.add(new Figure(
                            kind + " CPU per probe at " + bestN + " targets x 2 Hz",
                            "us",
                            (int) best.probes(),
                            best.cpuPerProbeUs(),
                            Double.NaN,
                            Double.NaN,
                            Double.NaN,
                            where,
                            commit,
                            date));
                }
            }
        }
        String loadAfter = Files.readString(Path.of("/proc/loadavg")).trim();
        write(results, figures, capacity, "load average before: " + loadBefore + "; after: " + loadAfter);
    }

    private static RealProcess track(List<RealProcess> started, RealProcess p) {
        started.add(p);
        return p;
    }

    private static double[] latency(Prober prober, ProbeTarget target, int runs) throws Exception {
        for (int i = 0; i < 50; i++) {
            prober.probe(target, TIMEOUT).get(5, TimeUnit.SECONDS);
        }
        double[] ms = new double[runs];
        int down = 0;
        for (int i = 0; i < runs; i++) {
            ProbeResult r = prober.probe(target, TIMEOUT).get(5, TimeUnit.SECONDS);
            if (!r.isUp()) {
                down++;
                NOT_UP.merge(target.key() + ": " + r.reason(), 1L, Long::sum);
            }
            ms[i] = r.latency().toNanos() / 1e6;
        }
        if (down > 0) {
            System.out.println("WARNING: " + down + " of " + runs + " probes of " + target.key() + " not up");
        }
        Arrays.sort(ms);
        return ms;
    }

    /**
     * {@code n} targets at 2 Hz = 2n probes a second, fired evenly in 10 ms batches for {@code length}. Sustained
     * when at least 99.9 % are UP (no false DOWN: every probe answered within its 400 ms timeout) and the batches
     * kept their schedule (the core was not saturated).
     */
    private static Step capacityStep(Prober prober, ProbeTarget target, int n, Duration length) throws Exception {
        int batchesPerSecond = 100;
        double perBatch = 2.0 * n / batchesPerSecond;
        long totalBatches = length.toSeconds() * batchesPerSecond;
        ConcurrentLinkedQueue<Double> lat = new ConcurrentLinkedQueue<>();
        Map<String, Long> notUp = new java.util.concurrent.ConcurrentHashMap<>();
        AtomicLong up = new AtomicLong();
        AtomicLong issued = new AtomicLong();
        AtomicLong lateBatches = new AtomicLong();
        ConcurrentLinkedQueue<CompletableFuture<ProbeResult>> futures = new ConcurrentLinkedQueue<>();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long start = System.nanoTime();
        long period = 1_000_000_000L / batchesPerSecond;
        AtomicLong batch = new AtomicLong();
        double[] carry = {0};
        CompletableFuture<Void> done = new CompletableFuture<>();
        var unused = ticker.scheduleAtFixedRate(
                () -> {
                    long b = batch.getAndIncrement();
                    if (b >= totalBatches) {
                        done.complete(null);
                        return;
                    }
                    if (System.nanoTime() - (start + b * period) > 5 * period) {
                        lateBatches.incrementAndGet();
                    }
                    carry[0] += perBatch;
                    int k = (int) carry[0];
                    carry[0] -= k;
                    for (int i = 0; i < k; i++) {
                        issued.incrementAndGet();
                        CompletableFuture<ProbeResult> f = prober.probe(target, TIMEOUT);
                        futures.add(f);
                        var unusedTally = f.thenAccept(r -> {
                            lat.add(r.latency().toNanos() / 1e6);
                            if (r.isUp()) {
                                up.incrementAndGet();
                            } else {
                                notUp.merge(r.reason(), 1L, Long::sum);
                            }
                        });
                    }
                },
                0,
                period,
                TimeUnit.NANOSECONDS);
        done.get(length.toSeconds() + 60, TimeUnit.SECONDS);
        long issuing = System.nanoTime() - start;
        ticker.shutdownNow();
        CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);
        long wall = System.nanoTime() - start;
        long cpu = os.getProcessCpuTime() - cpu0;
        double[] ms = lat.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        long probes = issued.get();
        double p99 = Percentiles.nearestRank(ms, 99);
        // The verdict is what the control loop needs: results that stay right. On a shared machine the batch clock
        // is late whenever another process holds the core, so its lateness is reported, not judged.
        // Probes per target per second actually issued: below 2 Hz the batch clock could not keep up.
        double achievedHz = probes / (issuing / 1e9) / n;
        boolean sustained = up.get() >= probes * 0.999 && achievedHz >= 1.9;
        @SuppressWarnings("StringSplitter") // the first field of /proc/loadavg is never empty
        String load1 = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        // Let relays, sockets and late transactions of the step settle before the next one.
        Thread.sleep(sustained ? 1000 : 5000);
        return new Step(
                n,
                probes,
                up.get(),
                Percentiles.nearestRank(ms, 50),
                p99,
                ms.length == 0 ? 0 : ms[ms.length - 1],
                cpu / 1000.0 / Math.max(1, probes),
                cpu / (double) wall,
                achievedHz,
                sustained,
                Map.copyOf(notUp),
                load1);
    }

    private static void write(Path results, List<Figure> figures, Map<String, List<Step>> capacity, String load)
            throws IOException {
        Files.createDirectories(results);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        List<Map<String, Object>> rows = new ArrayList<>();
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
            m.put("commit", f.commit());
            m.put("date", f.date());
            rows.add(m);
        }
        json.writeValue(results.resolve("probes.json").toFile(), rows);

        StringBuilder md = new StringBuilder("# Probe benchmark\n\n");
        md.append("Commit `")
                .append(figures.get(0).commit())
                .append("`, ")
                .append(figures.get(0).date())
                .append(". ")
                .append(figures.get(0).target())
                .append(". Probe JVM pinned to one core (taskset), ")
                .append("timeout 400 ms. Command: `bench/probes/run.sh`.\n\n")
                .append("Machine: ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(" core(s) visible to ")
                .append("the JVM; ")
                .append(load)
                .append(" (/proc/loadavg: other work shared the machine, so ")
                .append("latency tails include scheduling delay).\n\n");
        md.append("## Latency, one probe at a time\n\n| probe | runs | p50 ms | p95 ms | p99 ms | max ms |\n")
                .append("|---|---|---|---|---|---|\n");
        for (Figure f : figures) {
            if (f.unit().equals("ms") && f.name().contains("sequential")) {
                md.append(String.format(
                        Locale.ROOT,
                        "| %s | %d | %.3f | %.3f | %.3f | %.3f |%n",
                        f.name().replace(" latency (sequential, one at a time)", ""),
                        f.runs(),
                        f.p50(),
                        f.p95(),
                        f.p99(),
                        f.max()));
            }
        }
        md.append("\n## Targets at 2 Hz on one core\n\nEach step fires 2 x N probes a second for the step's length in"
                + " 10 ms batches, all to the same server. Sustained = >= 99.9 % UP (no probe misses its 400 ms timeout"
                + " for want of CPU) and >= 1.9 probes per target per second actually issued. Core busy = the JVM's"
                + " CPU time / wall time: well below 100 % means other processes held the core.\n\n"
                + "| probe | targets | probes | up % | p50 ms | p99 ms | max ms | CPU/probe us | core busy | "
                + "Hz/target | load avg (1 min) | sustained |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        capacity.forEach((kind, steps) -> steps.forEach(s -> md.append(String.format(
                Locale.ROOT,
                "| %s | %d | %d | %.2f | %.2f | %.2f | %.2f | %.0f | %.0f %% | %.2f | %s | %s |%n",
                kind,
                s.targets(),
                s.probes(),
                100.0 * s.up() / Math.max(1, s.probes()),
                s.p50(),
                s.p99(),
                s.max(),
                s.cpuPerProbeUs(),
                100 * s.cpuBusy(),
                s.achievedHz(),
                s.load1(),
                s.sustained() ? "yes" : "no"))));
        md.append("\n## Probes not UP, by reason\n\n");
        if (NOT_UP.isEmpty()) {
            md.append("None.\n");
        }
        new java.util.TreeMap<>(NOT_UP)
                .forEach((reason, count) -> md.append("- ")
                        .append(reason)
                        .append(": ")
                        .append(count)
                        .append('\n'));
        md.append("\n## Result\n\n| figure | targets |\n|---|---|\n");
        for (Figure f : figures) {
            if (f.unit().equals("targets")) {
                md.append("| ")
                        .append(f.name())
                        .append(" | ")
                        .append((int) f.max())
                        .append(" |\n");
            }
        }
        Files.writeString(results.resolve("probes.md"), md.toString());
    }

    private static Object round(double v) {
        return Double.isNaN(v) ? null : Math.round(v * 1000) / 1000.0;
    }
}
