package org.sipmediadeploy.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.sipmediadeploy.daemon.cli.ScalerCtl;
import org.sipmediadeploy.demo.DemoCluster;
import org.sipmediadeploy.sandbox.Sandbox;
import org.sipmediadeploy.sandbox.TrafficMode;

/**
 * The end-to-end harness around {@link DemoCluster}: three scaler processes, the sandbox cloud with real Kamailio
 * and Coturn pairs and a gateway pool; scalerctl access; the fault library (by PID for scaler nodes, through the
 * sandbox for instances and the API); and {@link #restoreWorld()} so one cluster serves several scenarios.
 */
final class Cluster implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> NODES = List.of("scaler-1", "scaler-2", "scaler-3");

    final DemoCluster demo;
    private final int block;
    private final Set<String> frozen = new HashSet<>();
    private final Set<String> killed = new HashSet<>();
    private NodeNetwork net;

    private Cluster(DemoCluster demo, int block) {
        this.demo = demo;
        this.block = block;
    }

    static Cluster start(Path work, int addressBlock) throws IOException {
        return start(work, addressBlock, null);
    }

    /**
     * Starts the demo, then (when {@code failover} is given, e.g. {@code max-per-hour = 60}) restarts its three nodes
     * with that {@code failover { }} block added to both pairs. The demo keeps the defaults (4 failovers an hour, then
     * MANUAL): a fault matrix or a 30-run benchmark fails over more often than that by design.
     */
    static Cluster start(Path work, int addressBlock, String failover) throws IOException {
        return start(work, addressBlock, failover, "127.0.0.1");
    }

    /** As above, with the scaler nodes' Raft and admin API on {@code nodeHost} (a test's own loopback block). */
    static Cluster start(Path work, int addressBlock, String failover, String nodeHost) throws IOException {
        DemoCluster demo = DemoCluster.start(work, addressBlock, false, DemoCluster.Pool.DEMO, nodeHost);
        try {
            if (failover != null) {
                for (String n : NODES) {
                    demo.killNode(n);
                }
                for (String n : NODES) {
                    Path f = demo.config(n);
                    String conf = java.nio.file.Files.readString(f);
                    String block = "failover { " + failover + " }\n                          ";
                    conf = conf.replace("probe { kind = \"sip-options\"", block + "probe { kind = \"sip-options\"")
                            .replace("probe { kind = \"turn-allocate\"", block + "probe { kind = \"turn-allocate\"");
                    java.nio.file.Files.writeString(f, conf);
                    demo.startNode(n);
                }
            }
            return new Cluster(demo, addressBlock);
        } catch (IOException | RuntimeException e) {
            demo.close();
            throw e;
        }
    }

    /** target/e2e/NAME, emptied: a run's logs stay for inspection (and CI artifacts) until the next run. */
    static Path freshWorkDir(String name) {
        Path dir = Path.of("target", "e2e", name).toAbsolutePath();
        try {
            if (java.nio.file.Files.exists(dir)) {
                try (var walk = java.nio.file.Files.walk(dir)) {
                    for (Path p :
                            walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        java.nio.file.Files.delete(p);
                    }
                }
            }
            java.nio.file.Files.createDirectories(dir);
            return dir;
        } catch (IOException e) {
            throw new IllegalStateException("cannot prepare " + dir, e);
        }
    }

    Sandbox sandbox() {
        return demo.sandbox();
    }

    record Run(int code, String out, String err) {}

    Run ctl(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ScalerCtl.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    /** Nodes neither killed nor frozen: the ones whose admin API answers. */
    List<String> reachable() {
        List<String> l = new ArrayList<>();
        for (String n : NODES) {
            if (!frozen.contains(n) && !killed.contains(n)) {
                l.add(n);
            }
        }
        return l;
    }

    JsonNode status(String node) {
        Run r = ctl(
                "status",
                "--json",
                "--timeout",
                "PT2S",
                "--config",
                demo.config(node).toString());
        if (r.code() != 0) {
            throw new IllegalStateException("status on " + node + ": " + r.code() + " " + r.err());
        }
        try {
            return JSON.readTree(r.out());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The status seen by the first reachable node. */
    JsonNode status() {
        return status(reachable().get(0));
    }

    /** The leader every reachable node agrees on, or null. */
    String leader() {
        String agreed = null;
        for (String n : reachable()) {
            JsonNode s = status(n);
            JsonNode l = s.path("node").path("leader_id");
            if (l.isNull() || l.isMissingNode() || l.asText().isEmpty()) {
                return null;
            }
            if (agreed != null && !agreed.equals(l.asText())) {
                return null;
            }
            agreed = l.asText();
        }
        return agreed;
    }

    /** The leader the given nodes agree on (e.g. the majority side of a partition), or null. */
    String leaderAmong(List<String> nodes) {
        String agreed = null;
        for (String n : nodes) {
            String l = status(n).path("node").path("leader_id").asText("");
            if (l.isEmpty() || (agreed != null && !agreed.equals(l))) {
                return null;
            }
            agreed = l;
        }
        return agreed;
    }

    /** Decision ids, oldest first, in node's own copy of the replicated history. */
    List<String> historyIds(String node) {
        Run r = ctl(
                "history",
                "--json",
                "--limit",
                "500",
                "--timeout",
                "PT3S",
                "--config",
                demo.config(node).toString());
        if (r.code() != 0) {
            throw new IllegalStateException("history on " + node + ": " + r.code() + " " + r.err());
        }
        try {
            List<String> l = new ArrayList<>();
            JsonNode h = JSON.readTree(r.out());
            (h.has("decisions") ? h.path("decisions") : h)
                    .forEach(d -> l.add(d.path("decision_id").asText()));
            java.util.Collections.reverse(l);
            return l;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    String awaitLeader() {
        String[] l = new String[1];
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> (l[0] = leader()) != null && reachable().contains(l[0]));
        return l[0];
    }

    String follower(String leader) {
        for (String n : reachable()) {
            if (!n.equals(leader)) {
                return n;
            }
        }
        throw new IllegalStateException("no reachable follower");
    }

    /** Decisions, oldest first, as the admin history shows them (the replicated log, so any node will do). */
    List<JsonNode> history() {
        // the leader's copy: a follower may not have applied the newest entries yet
        String from = leader();
        if (from == null || !reachable().contains(from)) {
            from = reachable().get(0);
        }
        Run r = ctl(
                "history",
                "--json",
                "--limit",
                "500",
                "--timeout",
                "PT3S",
                "--config",
                demo.config(from).toString());
        if (r.code() != 0) {
            throw new IllegalStateException("history: " + r.code() + " " + r.err());
        }
        try {
            List<JsonNode> l = new ArrayList<>();
            JsonNode h = JSON.readTree(r.out());
            (h.has("decisions") ? h.path("decisions") : h).forEach(l::add);
            java.util.Collections.reverse(l);
            return l;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode pair(JsonNode status, String name) {
        for (JsonNode p : status.path("pairs")) {
            if (p.path("name").asText().equals(name)) {
                return p;
            }
        }
        throw new AssertionError("no pair " + name + " in " + status.path("pairs"));
    }

    static boolean memberUp(JsonNode member) {
        JsonNode probes = member.path("probes");
        if (probes.isEmpty()) {
            return false;
        }
        for (JsonNode p : probes) {
            if (!"UP".equals(p.path("status").asText())) {
                return false;
            }
        }
        return true;
    }

    /** Leader elected, both pairs with both members up and no alarm, pool hosts all READY. */
    void awaitHealthy(Duration max) {
        try {
            awaitHealthyOnce(max);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            dumpThreads("unhealthy");
            throw e;
        }
    }

    /** Thread dumps of every live node into the work dir (evidence for a hung control loop). */
    void dumpThreads(String why) {
        String jstack =
                Path.of(System.getProperty("java.home"), "bin", "jstack").toString();
        for (String n : NODES) {
            Process node = demo.nodes().get(n);
            if (node == null || !node.isAlive() || frozen.contains(n)) {
                continue;
            }
            Path out = demo.workDir().resolve(n + "-" + why + "-" + System.currentTimeMillis() + ".jstack");
            try {
                Process p = new ProcessBuilder(jstack, Long.toString(node.pid()))
                        .redirectErrorStream(true)
                        .redirectOutput(out.toFile())
                        .start();
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (IOException e) {
                // evidence only
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void awaitHealthyOnce(Duration max) {
        await().atMost(max)
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .untilAsserted(() -> {
                    assertTrue(leader() != null, "no leader");
                    JsonNode s = status();
                    assertEquals(2, s.path("pairs").size(), s.path("pairs").toString());
                    for (JsonNode p : s.path("pairs")) {
                        assertTrue(memberUp(p.path("active")) && memberUp(p.path("standby")), p.toString());
                    }
                    int idle = 0;
                    for (JsonNode h : s.path("pools").path(0).path("hosts")) {
                        assertEquals("READY", h.path("state").asText(), h.toString());
                        idle += h.path("idle_gateways").asInt();
                    }
                    // the demo's spare target is gateways per host + 1
                    assertTrue(idle >= demo.sandbox().config().gatewaysPerHost() + 1, "idle gateways " + idle);
                    assertTrue(s.path("alarms").isEmpty(), s.path("alarms").toString());
                });
    }

    /** The server id of a pair's active (or standby) member as the replicated state says. */
    String member(String pairName, String role) {
        return pair(status(), pairName).path(role).path("server_id").asText();
    }

    String floating(String pairName) {
        return pairName.equals("kamailio")
                ? demo.kamailio().floatingAddress()
                : demo.coturn().floatingAddress();
    }

    /** The server the pair's floating IP forwards to now (sandbox data plane), or null. */
    String floatingServer(String pairName) {
        String fixed = sandbox().floatingTarget(floating(pairName));
        if (fixed == null) {
            return null;
        }
        for (String id : pairServers(null)) {
            if (sandbox().serverStatus(id) != null && fixed.equals(sandbox().fixedAddress(id))) {
                return id;
            }
        }
        JsonNode p = pair(status(), pairName);
        for (String role : List.of("active", "standby")) {
            if (fixed.equals(p.path(role).path("address").asText())) {
                return p.path(role).path("server_id").asText();
            }
        }
        return fixed;
    }

    // ---------------------------------------------------------------- fault library: scaler nodes by PID

    long pid(String node) {
        return demo.nodes().get(node).pid();
    }

    /** kill -9 of a scaler node's JVM (a lost VM). */
    void killNode(String node) {
        demo.killNode(node);
        killed.add(node);
        frozen.remove(node);
    }

    /** SIGSTOP of a scaler node (a VM paused, a long GC): it keeps its sockets and its belief that it leads. */
    void freezeNode(String node) {
        signal(pid(node), "-STOP");
        frozen.add(node);
    }

    void resumeNode(String node) {
        signal(pid(node), "-CONT");
        frozen.remove(node);
    }

    /** SIGTERM of a scaler node, as a rolling restart does (a leader hands over first); waits for it to exit. */
    int stopNode(String node) {
        killed.add(node);
        return demo.stopNode(node);
    }

    /** Starts a stopped node again with extra JVM options (e.g. {@code -Dscaler.version=...}: a newer build). */
    void startNode(String node, List<String> jvmOptions) throws IOException {
        if (!killed.contains(node)) {
            throw new IllegalStateException(node + " is not stopped");
        }
        demo.startNode(node, jvmOptions);
        killed.remove(node);
    }

    void restartNode(String node) throws IOException {
        if (!killed.contains(node)) {
            throw new IllegalStateException(node + " is not killed");
        }
        demo.startNode(node);
        killed.remove(node);
    }

    private static void signal(long pid, String sig) {
        try {
            Process p = new ProcessBuilder("kill", sig, Long.toString(pid))
                    .redirectErrorStream(true)
                    .start();
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("kill " + sig + " " + pid + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- fault library: one node's network paths

    /** Node's own loopback address (127.B.30.N): the source of its probes, the host of its Raft server. */
    String nodeAddress(String node) {
        return demo.nodeAddress(node);
    }

    private synchronized NodeNetwork net() {
        if (net == null) {
            net = new NodeNetwork(demo, block);
        }
        return net;
    }

    /** Cuts node's Raft traffic to and from both other nodes (a partition: one node against a majority of two). */
    void isolateFromPeers(String node) {
        net().isolateFromPeers(node);
    }

    /** Cuts node off from the cloud API (its calls are dropped; the other nodes still reach it). */
    void cutFromCloud(String node) {
        net().cutFromCloud(node, sandbox().apiPort());
    }

    /** Heals every node cut (Raft, cloud); path faults in the sandbox are cleared by {@link #restoreWorld()}. */
    void healNodeCuts() {
        if (net != null) {
            net.heal();
        }
    }

    /** Drops what node's probes send to a server (and only node's: the other nodes and clients still get through). */
    void cutPath(String node, String serverId) {
        sandbox().pathTraffic(serverId, nodeAddress(node), TrafficMode.DROP);
    }

    /** Random loss (seeded) on node's path to a server: each datagram it sends there is lost with {@code rate}. */
    void pathLoss(String node, String serverId, double rate, long seed) {
        sandbox().pathLoss(serverId, nodeAddress(node), rate, seed);
    }

    /** The servers of both pairs (as the replicated state says, plus the original ones). */
    List<String> pairMembers() {
        JsonNode s = null;
        try {
            s = status();
        } catch (RuntimeException e) {
            // no node answers: the original members only
        }
        return pairServers(s);
    }

    /** Node cuts (nftables rules of this cluster) in place now. */
    List<String> nodeCuts() {
        return net == null ? List.of() : net.cuts();
    }

    // ---------------------------------------------------------------- restoring the world between scenarios

    /**
     * Undoes every fault: API faults disarmed, node cuts healed, path faults cleared, traffic restored, frozen
     * nodes resumed, killed nodes restarted,
     * pair members whose instance is dead or frozen restarted; then waits until the cluster is healthy again.
     */
    void restoreWorld() throws IOException {
        sandbox().apiFaults().clear();
        healNodeCuts();
        sandbox().clearPathFaults();
        for (String n : List.copyOf(frozen)) {
            resumeNode(n);
        }
        for (String n : List.copyOf(killed)) {
            restartNode(n);
        }
        JsonNode s = null;
        try {
            s = status();
        } catch (RuntimeException e) {
            // no node answers yet: the instance pass below still runs on the sandbox's own view
        }
        for (String server : pairServers(s)) {
            restoreInstance(server);
        }
        awaitHealthy(Duration.ofMinutes(2));
    }

    /** The pair members: the original ones and those the status {@code s} names (when not null). */
    List<String> pairServers(JsonNode s) {
        Set<String> ids = new HashSet<>(List.of(
                demo.kamailio().serverA(),
                demo.kamailio().serverB(),
                demo.coturn().serverA(),
                demo.coturn().serverB()));
        if (s != null) {
            for (JsonNode p : s.path("pairs")) {
                for (String m : List.of("active", "standby")) {
                    String id = p.path(m).path("server_id").asText("");
                    if (!id.isEmpty()) {
                        ids.add(id);
                    }
                }
            }
        }
        return List.copyOf(ids);
    }

    private void restoreInstance(String server) {
        try {
            restoreInstanceOnce(server);
        } catch (IllegalArgumentException | IllegalStateException e) {
            // the scaler is deleting it (a replacement) at this very moment: nothing to restore
        }
    }

    private void restoreInstanceOnce(String server) {
        if (sandbox().serverStatus(server) == null || !sandbox().hasInstance(server)) {
            return; // deleted (replaced) by the scaler
        }
        if (sandbox().traffic(server) != TrafficMode.NORMAL) {
            sandbox().traffic(server, TrafficMode.NORMAL);
        }
        if (sandbox().instanceFrozen(server)) {
            sandbox().resume(server);
        }
        if (!sandbox().instanceAlive(server) && "ACTIVE".equals(sandbox().serverStatus(server))) {
            sandbox().restart(server);
        }
    }

    // ---------------------------------------------------------------- restarting the whole cluster (state loss)

    /**
     * Kills the three nodes, rewrites their configuration with {@code edit}, and starts them again. With {@code wipe}
     * their Raft storage is deleted first and their logs are moved aside as {@code scaler-N.before-LABEL.log} (the
     * evidence of the history that is gone). Returns the instant between the kills and the restarts: cloud actions
     * from then on belong to the new history ({@link InvariantChecker#since}).
     */
    java.time.Instant restartAllNodes(boolean wipe, java.util.function.UnaryOperator<String> edit, String label)
            throws IOException {
        for (String n : NODES) {
            if (frozen.contains(n)) {
                resumeNode(n);
            }
            killNode(n);
        }
        java.time.Instant at = java.time.Instant.now();
        Path dir = demo.workDir();
        for (String n : NODES) {
            if (wipe) {
                deleteTree(dir.resolve(n + "-raft"));
                for (String suffix : List.of(".log", ".out")) {
                    Path f = dir.resolve(n + suffix);
                    if (java.nio.file.Files.exists(f)) {
                        java.nio.file.Files.move(
                                f,
                                dir.resolve(n + ".before-" + label + suffix),
                                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            Path conf = demo.config(n);
            java.nio.file.Files.writeString(conf, edit.apply(java.nio.file.Files.readString(conf)));
        }
        for (String n : NODES) {
            restartNode(n);
        }
        return at;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!java.nio.file.Files.exists(root)) {
            return;
        }
        try (var walk = java.nio.file.Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.delete(p);
            }
        }
    }

    /** The leader's alarm message for {@code scope} (a pair or pool name), or "" when there is none. */
    String alarm(String scope) {
        for (JsonNode a : status(awaitLeader()).path("alarms")) {
            if (scope.equals(a.path("scope").asText())) {
                return a.path("message").asText();
            }
        }
        return "";
    }

    /** Every server delete the sandbox saw from {@code t} on, as "id by user at time". */
    List<String> deletesSince(java.time.Instant t) {
        return sandbox().events().ofKind("server.delete").stream()
                .filter(e -> !e.time().isBefore(t))
                .map(e -> e.target() + " by " + e.user() + " at " + e.time())
                .toList();
    }

    /** Server ids of the gateway hosts that exist in the sandbox now (made with the pool's group metadata). */
    List<String> liveGatewayServers() {
        List<String> live = new ArrayList<>();
        for (org.sipmediadeploy.sandbox.SandboxEvent e : sandbox().events().ofKind("server.create")) {
            if (e.ok()
                    && "gateways".equals(e.details().get("metadata.sipmediadeploy-group"))
                    && sandbox().serverStatus(e.target()) != null
                    && !live.contains(e.target())) {
                live.add(e.target());
            }
        }
        return live;
    }

    /** Server ids of the pool's hosts as the leader's replicated state says. */
    List<String> poolServers() {
        List<String> ids = new ArrayList<>();
        for (JsonNode pool : status(awaitLeader()).path("pools")) {
            for (JsonNode h : pool.path("hosts")) {
                ids.add(h.path("server_id").asText(""));
            }
        }
        return ids;
    }

    Map<String, Process> processes() {
        return demo.nodes();
    }

    @Override
    public void close() {
        if (net != null) {
            net.close();
        }
        for (String n : List.copyOf(frozen)) {
            resumeNode(n); // a stopped JVM ignores SIGTERM until resumed
        }
        demo.close();
    }
}
