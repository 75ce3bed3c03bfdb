package org.sipmediadeploy.e2e;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.awaitility.core.ConditionTimeoutException;
import org.sipmediadeploy.sandbox.SandboxEvent;
import org.sipmediadeploy.sandbox.TrafficMode;

/**
 * The scaler half of bench/failover-side-by-side: a main, not a test (run by the bench's run.sh, which
 * also runs the keepalived half and writes the combined results).
 *
 * <p>A 3-node scaler cluster on the sandbox with real Kamailio ({@link Cluster}, the demo topology on loopback block
 * 127.B), the shared python client ({@code client/sip_options_client.py probe}) sending OPTIONS to the Kamailio
 * floating IP every 50 ms, and per run: 10 consecutive 200s from the active, a random 0-1 s phase, the fault on the
 * member the floating IP forwards to, the first 200 from another member, then the scaler replacing the failed member
 * and the cluster healthy again (both members of both pairs up) before the next run. Each run's fault instant is
 * {@code System.nanoTime()/1e9} = CLOCK_MONOTONIC, the client's clock; the figure itself is computed from the client
 * log by the client's own {@code analyze_events} (side_by_side.py), exactly as for keepalived.
 *
 * <p>Writes OUT/runs.json (one object per run), OUT/client-FAULT-NN.jsonl, the clusters' logs under OUT/cluster-K,
 * and OUT/pids (this JVM and the scaler node JVMs with their start times) so that an interrupted run can be cleaned
 * up by PID; the sandbox records its Kamailio/Coturn process groups under java.io.tmpdir (run.sh points it into OUT).
 */
public final class SideBySideScaler {
    static final List<String> FAULTS = List.of("kill-kamailio", "freeze-kamailio", "node-lost", "link-cut");
    static final double CLIENT_INTERVAL = 0.05;
    static final double CLIENT_TIMEOUT = 0.2;
    static final int BASELINE_OKS = 10;
    static final Duration BASELINE_BOUND = Duration.ofSeconds(15);
    static final Duration RECOVERY_BOUND = Duration.ofSeconds(20);
    static final Duration OBSERVE_AFTER = Duration.ofMillis(600);
    static final Duration REPLACED_BOUND = Duration.ofSeconds(90);
    static final Duration HEALTHY_BOUND = Duration.ofMinutes(2);
    /**
     * The benchmark's failover block: no anti-flap (back-to-back faults are the point, and keepalived has none) and a
     * short replace-after so that the replacement, which restores the pair between runs, does not wait the deployed
     * 30 s. Neither changes how a fault is detected or how the floating IP moves (probe interval, timeout, threshold,
     * confirmation stay the defaults), so the measured figure is the deployed one.
     */
    static final String FAILOVER_BLOCK = "max-per-hour = 60, min-interval = 0s, replace-after = 2s";
    /** A fresh cluster before this many failovers: max-per-hour (60) would put the pair in MANUAL mode. */
    static final int FAILOVERS_PER_CLUSTER = 50;

    private final int runs;
    private final List<String> faults;
    private final Path out;
    private final int firstBlock;
    private final int blocks;
    private final Path client;
    private final Random rng;
    private final List<Map<String, Object>> results = new ArrayList<>();
    private final AtomicReference<Cluster> current = new AtomicReference<>();
    private int clusters;

    private SideBySideScaler(
            int runs, List<String> faults, Path out, int firstBlock, int blocks, Path client, long seed) {
        this.runs = runs;
        this.faults = faults;
        this.out = out;
        this.firstBlock = firstBlock;
        this.blocks = blocks;
        this.client = client;
        this.rng = new Random(seed);
    }

    public static void main(String[] args) throws Exception {
        int runs = 30;
        List<String> faults = FAULTS;
        Path out = null;
        int block = 75;
        int blocks = 5;
        Path client = null;
        long seed = 11;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                usage("missing value after " + a);
            }
            String v = args[++i];
            switch (a) {
                case "--runs" -> runs = Integer.parseInt(v);
                case "--faults" -> faults = List.of(v.split(","));
                case "--out-dir" -> out = Path.of(v).toAbsolutePath();
                case "--block" -> block = Integer.parseInt(v);
                case "--blocks" -> blocks = Integer.parseInt(v);
                case "--client" -> client = Path.of(v).toAbsolutePath();
                case "--seed" -> seed = Long.parseLong(v);
                default -> usage("unknown option " + a);
            }
        }
        if (out == null || client == null) {
            usage("--out-dir and --client are required");
        }
        if (runs < 1 || runs > 200) {
            usage("--runs must be in [1, 200], got " + runs);
        }
        for (String f : faults) {
            if (!FAULTS.contains(f)) {
                usage("unknown fault " + f + " (known: " + String.join(",", FAULTS) + ")");
            }
        }
        if (block < 1 || block + blocks - 1 > 254 || blocks < 1) {
            usage("--block/--blocks must stay within 127.1-254");
        }
        if (!Files.isRegularFile(client)) {
            usage("no client at " + client);
        }
        SideBySideScaler b = new SideBySideScaler(runs, faults, out, block, blocks, client, seed);
        Runtime.getRuntime().addShutdownHook(new Thread(b::closeCurrent, "sbs-shutdown"));
        b.run();
        System.exit(0);
    }

    private static void usage(String why) {
        System.err.println("SideBySideScaler: " + why);
        System.err.println("usage: SideBySideScaler --out-dir DIR --client sip_options_client.py [--runs N] "
                + "[--faults kill-kamailio,freeze-kamailio,node-lost,link-cut] [--block 75] [--blocks 5] [--seed 11]");
        System.exit(2);
    }

    private void run() throws IOException {
        Files.createDirectories(out);
        Files.writeString(
                out.resolve("pids"), pidLine(ProcessHandle.current().pid(), "runner"), StandardCharsets.UTF_8);
        int failovers = 0;
        try {
            for (String fault : faults) {
                if (current.get() == null || failovers + runs > FAILOVERS_PER_CLUSTER) {
                    freshCluster();
                    failovers = 0;
                }
                for (int i = 1; i <= runs; i++) {
                    Map<String, Object> r;
                    try {
                        r = oneRun(current.get(), fault, i);
                    } catch (ConditionTimeoutException | IllegalStateException e) {
                        // recorded as a failed run; the cell goes on from a fresh cluster
                        r = new LinkedHashMap<>();
                        r.put("fault", fault);
                        r.put("run", i);
                        r.put("recovery_s", null);
                        r.put(
                                "error",
                                String.valueOf(e.getMessage())
                                        .lines()
                                        .findFirst()
                                        .orElse(""));
                        freshCluster();
                        failovers = 0;
                    }
                    failovers++;
                    r.put("system", "scaler");
                    r.put("setting", "defaults");
                    r.put("cluster", clusters);
                    results.add(r);
                    System.out.println(Cluster.JSON.writeValueAsString(r));
                    Cluster.JSON
                            .copy()
                            .enable(SerializationFeature.INDENT_OUTPUT)
                            .writeValue(out.resolve("runs.json").toFile(), results);
                }
            }
        } finally {
            closeCurrent();
        }
    }

    private void freshCluster() throws IOException {
        closeCurrent();
        int block = firstBlock + (clusters % blocks);
        clusters++;
        Path work = out.resolve("cluster-" + clusters);
        deleteTree(work);
        System.out.printf(Locale.ROOT, "starting scaler cluster %d on 127.%d.x.y (%s)%n", clusters, block, work);
        Cluster c = Cluster.start(work, block, FAILOVER_BLOCK);
        current.set(c);
        writePids(null);
        c.awaitHealthy(Duration.ofMinutes(4));
        System.out.printf(Locale.ROOT, "cluster %d healthy%n", clusters);
    }

    /** OUT/pids: this JVM, the current cluster's scaler nodes and the running client, for run.sh's cleanup. */
    private void writePids(Process clientProcess) throws IOException {
        StringBuilder pids = new StringBuilder(pidLine(ProcessHandle.current().pid(), "runner"));
        Cluster c = current.get();
        if (c != null) {
            for (Map.Entry<String, Process> n : c.processes().entrySet()) {
                pids.append(pidLine(n.getValue().pid(), n.getKey()));
            }
        }
        if (clientProcess != null) {
            pids.append(pidLine(clientProcess.pid(), "client"));
        }
        Files.writeString(out.resolve("pids"), pids, StandardCharsets.UTF_8);
    }

    private void closeCurrent() {
        Cluster c = current.getAndSet(null);
        if (c != null) {
            c.close();
        }
    }

    // ---------------------------------------------------------------- one run

    private Map<String, Object> oneRun(Cluster c, String fault, int index) throws IOException {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("fault", fault);
        r.put("run", index);
        c.awaitHealthy(HEALTHY_BOUND);
        String floating = c.floating("kamailio");
        Path log = out.resolve(String.format(Locale.ROOT, "client-%s-%02d.jsonl", fault, index));
        Files.deleteIfExists(log);
        @SuppressWarnings("StringSplitter") // a dotted quad: the second octet is never empty
        String[] octets = floating.split("\\.");
        String bind = "127." + octets[1] + ".30.1";
        Process p = new ProcessBuilder(
                        "/usr/bin/python3",
                        client.toString(),
                        "probe",
                        "--target",
                        floating + ":5060",
                        "--interval",
                        Double.toString(CLIENT_INTERVAL),
                        "--timeout",
                        Double.toString(CLIENT_TIMEOUT),
                        "--duration",
                        "120",
                        "--out",
                        log.toString(),
                        "--bind",
                        bind)
                .redirectErrorStream(true)
                .redirectOutput(out.resolve("client-stderr.log").toFile())
                .start();
        String failedServer;
        double tFault;
        try {
            writePids(p);
            String[] node = new String[1];
            await().atMost(BASELINE_BOUND)
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> (node[0] = consecutiveOkNode(read(log), BASELINE_OKS)) != null);
            String failedNode = node[0];
            failedServer = c.floatingServer("kamailio");
            double phase = rng.nextDouble();
            park(phase);
            java.time.Instant wallFault = java.time.Instant.now();
            tFault = System.nanoTime() / 1e9;
            inject(c, fault, failedServer);
            double tCmd = System.nanoTime() / 1e9;
            r.put("failed_server", failedServer);
            r.put("failed_node", failedNode);
            r.put("phase_delay_s", phase);
            r.put("fault_t", tFault);
            r.put("fault_cmd_s", tCmd - tFault);
            r.put("log", out.relativize(log).toString());
            JsonNode[] first = new JsonNode[1];
            try {
                await().atMost(RECOVERY_BOUND)
                        .pollInterval(Duration.ofMillis(20))
                        .until(() -> (first[0] = firstOkAfter(read(log), tFault, failedNode)) != null);
            } catch (ConditionTimeoutException e) {
                r.put("error", "no 200 OK from another member within " + RECOVERY_BOUND.toSeconds() + " s");
            }
            park(OBSERVE_AFTER.toNanos() / 1e9);
            r.put(
                    "recovery_s_runner",
                    first[0] == null ? null : first[0].path("t").asDouble() - tFault);
            r.put("new_node", first[0] == null ? null : first[0].path("node").asText());
            // diagnostic split of the figure: detection + decision up to the scaler's floating-IP update (wall clock,
            // the sandbox's event time), the rest is the next client request through the moved IP
            List<SandboxEvent> moves = c.sandbox()
                    .events()
                    .events(e -> e.kind().equals("floatingip.update")
                            && InvariantChecker.scalerCall(e)
                            && !e.time().isBefore(wallFault));
            r.put(
                    "ip_moved_s",
                    moves.isEmpty()
                            ? null
                            : Duration.between(wallFault, moves.get(0).time()).toNanos() / 1e9);
        } finally {
            p.destroy(); // SIGTERM: the client writes its "end" line and exits
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
        double tRestore = System.nanoTime() / 1e9;
        boolean replaced = true;
        try {
            // the scaler replaces the failed member (delete, create, wait ACTIVE) once it is the failing standby
            await().atMost(REPLACED_BOUND)
                    .pollInterval(Duration.ofMillis(250))
                    .ignoreExceptions()
                    .until(() -> !memberOf(c, failedServer));
        } catch (ConditionTimeoutException e) {
            replaced = false; // restored by hand so that the next run starts from a healthy pair; recorded
            c.restoreWorld();
        }
        c.awaitHealthy(HEALTHY_BOUND);
        r.put("replaced_by_scaler", replaced);
        r.put("restore_s", System.nanoTime() / 1e9 - tRestore);
        if (r.containsKey("error")) {
            throw new IllegalStateException(String.valueOf(r.get("error")));
        }
        return r;
    }

    /**
     * The four faults on the sandbox server the floating IP forwards to. node-lost = the instance killed
     * and its traffic dropped: a VM whose hypervisor died answers nothing at all (no process, and no kernel to send
     * ICMP port unreachable), while Nova still reports it ACTIVE until the compute service is declared down; the
     * sandbox's shutoff would instead be an orderly power-off that Nova reports at once.
     */
    private static void inject(Cluster c, String fault, String server) {
        switch (fault) {
            case "kill-kamailio" -> c.sandbox().kill(server);
            case "freeze-kamailio" -> c.sandbox().freeze(server);
            case "node-lost" -> {
                c.sandbox().traffic(server, TrafficMode.DROP);
                c.sandbox().kill(server);
            }
            case "link-cut" -> c.sandbox().traffic(server, TrafficMode.DROP);
            default -> throw new AssertionError(fault);
        }
    }

    private static boolean memberOf(Cluster c, String server) {
        JsonNode p = Cluster.pair(c.status(), "kamailio");
        return server.equals(p.path("active").path("server_id").asText())
                || server.equals(p.path("standby").path("server_id").asText());
    }

    // ---------------------------------------------------------------- the client's log

    static List<JsonNode> read(Path log) throws IOException {
        List<JsonNode> l = new ArrayList<>();
        if (!Files.exists(log)) {
            return l;
        }
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            try {
                l.add(Cluster.JSON.readTree(line));
            } catch (IOException e) {
                // the last line may be half written
            }
        }
        return l;
    }

    /** The node of the last {@code n} replies when they are all 200 from one node with no timeout between. */
    static String consecutiveOkNode(List<JsonNode> events, int n) {
        String node = null;
        int count = 0;
        for (int i = events.size() - 1; i >= 0 && count < n; i--) {
            JsonNode e = events.get(i);
            String ev = e.path("ev").asText();
            if (ev.equals("timeout")) {
                return null;
            }
            if (!ev.equals("reply")) {
                continue;
            }
            String nd = e.path("node").asText();
            if (e.path("code").asInt() != 200 || (node != null && !node.equals(nd))) {
                return null;
            }
            node = nd;
            count++;
        }
        return count >= n ? node : null;
    }

    /** The client's analyze_events rule: first 200 to a request sent at/after the fault, not from the failed node. */
    static JsonNode firstOkAfter(List<JsonNode> events, double faultT, String failedNode) {
        for (JsonNode e : events) {
            if (e.path("ev").asText().equals("reply")
                    && e.path("code").asInt() == 200
                    && e.path("sent").asDouble() >= faultT
                    && !failedNode.equals(e.path("node").asText())) {
                return e;
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- helpers

    private static void park(double seconds) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        for (int i = 0; i < 10_000 && System.nanoTime() < end; i++) {
            LockSupport.parkNanos(end - System.nanoTime());
        }
    }

    /** "PID STARTTIME ROLE": the start time (clock ticks since boot, /proc/PID/stat field 22) guards PID reuse. */
    private static String pidLine(long pid, String role) {
        String start = "0";
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            @SuppressWarnings("StringSplitter") // /proc stat fields are never empty; a leading one is read
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            start = f[19];
        } catch (IOException | RuntimeException e) {
            // recorded without a start time: the cleanup then leaves it alone
        }
        return pid + " " + start + " " + role + "\n";
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
