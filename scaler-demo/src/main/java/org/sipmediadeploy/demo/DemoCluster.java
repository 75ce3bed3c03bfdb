package org.sipmediadeploy.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.sipmediadeploy.core.model.Secret;
import org.sipmediadeploy.sandbox.Sandbox;
import org.sipmediadeploy.sandbox.SandboxConfig;

/**
 * The embedded default: a sandbox cloud in this JVM with a Kamailio pair, a Coturn pair (real daemons when
 * installed, built-in responders otherwise) and a gateway pool, and three scaler nodes as separate processes
 * (so one can be killed like a VM). Every process it starts is stopped by PID in {@link #close()}.
 *
 * <p>Each node has its own network identity, as on its own VM: its loopback address {@code 127.B.30.N} (its probes
 * leave from it and its Raft server listens on it), its own Keystone user {@code scaler-N} (its cloud calls are
 * attributable and can be faulted alone), and, when run as root with {@code setpriv}, its own group id
 * ({@link #nodeGid}): its outgoing Raft connections leave from 127.0.0.1 like every local client, so a packet
 * filter tells one node's connections from another's by the socket's group.
 */
public final class DemoCluster implements AutoCloseable {
    public static final int NODES = 3;
    public static final String TAG = "sipmediadeploy-demo";

    private final Path workDir;
    private final Sandbox sandbox;
    private final Sandbox.Pair kamailio;
    private final Sandbox.Pair coturn;
    private final NodeIdentities identities;
    private final NodeConfigs configs;
    private final NodeProcesses processes;

    private DemoCluster(
            Path workDir,
            Sandbox sandbox,
            SandboxConfig sc,
            Sandbox.Pair kamailio,
            Sandbox.Pair coturn,
            Pool pool,
            String nodeHost,
            int addressBlock) {
        this.identities = NodeIdentities.forBlock(addressBlock);
        this.workDir = workDir;
        this.sandbox = sandbox;
        this.kamailio = kamailio;
        this.coturn = coturn;
        this.configs = new NodeConfigs(workDir, identities, nodeHost, sandbox, sc, kamailio, coturn, pool);
        this.processes = new NodeProcesses(workDir, identities, configs);
    }

    /**
     * Starts the sandbox and three nodes. {@code addressBlock} picks the loopback block (127.B.x.y) of the sandbox so
     * that several clusters can run side by side in tests; {@code builtinOnly} forces built-in responders.
     */
    public static DemoCluster start(Path workDir, int addressBlock, boolean builtinOnly) throws IOException {
        return start(workDir, addressBlock, builtinOnly, Pool.DEMO);
    }

    /** The demo's gateway pool: hosts within [min, max], {@code spare} idle gateways wanted. */
    public record Pool(int minHosts, int maxHosts, int spare) {
        public static final Pool DEMO = new Pool(1, 6, -1);
    }

    /** As {@link #start(Path, int, boolean)} with a pool of the given size (benchmarks run 50 hosts). */
    public static DemoCluster start(Path workDir, int addressBlock, boolean builtinOnly, Pool pool) throws IOException {
        return start(workDir, addressBlock, builtinOnly, pool, "127.0.0.1");
    }

    /** As above, with the scaler nodes' Raft and admin API on {@code nodeHost} (a loopback address). */
    public static DemoCluster start(Path workDir, int addressBlock, boolean builtinOnly, Pool pool, String nodeHost)
            throws IOException {
        Files.createDirectories(workDir);
        NodeConfigs.restrict(workDir);
        SandboxConfig.Builder b = SandboxConfig.defaults().toBuilder()
                .apiPort(0)
                .bootDelay(Duration.ofSeconds(1))
                .workDir(workDir.resolve("sandbox"))
                .eventLogFile(workDir.resolve("sandbox-events.jsonl"))
                .addressBlock(addressBlock)
                .maxServers(Math.max(50, pool.maxHosts() + 10));
        if (builtinOnly) {
            b.processes(SandboxConfig.Processes.BUILTIN);
        }
        // one Keystone user per node, in the first user's project (the one the servers live in)
        SandboxConfig base = b.build();
        List<SandboxConfig.User> users = new ArrayList<>(base.users());
        for (int i = 1; i <= NODES; i++) {
            users.add(new SandboxConfig.User(
                    "scaler-" + i, Secret.of(randomToken()), base.users().get(0).project()));
        }
        SandboxConfig sc = b.users(users).build();
        Sandbox sandbox = Sandbox.start(sc);
        DemoCluster started = null;
        try {
            Sandbox.Pair kam = sandbox.createPair("kamailio", "sipmediadeploy-kamailio", TAG);
            Sandbox.Pair cot = sandbox.createPair("coturn", "sipmediadeploy-coturn", TAG);
            awaitActive(sandbox, List.of(kam.serverA(), kam.serverB(), cot.serverA(), cot.serverB()));
            Secret token = Secret.of(randomToken());
            DemoCluster d = new DemoCluster(workDir, sandbox, sc, kam, cot, pool, nodeHost, addressBlock);
            started = d;
            d.configs.writeInitial(token);
            for (String id : d.configs.nodeIds()) {
                d.startNode(id);
            }
            return d;
        } catch (IOException | RuntimeException e) {
            // Nodes started before the failure are stopped too: a failed start leaves no JVM behind.
            if (started != null) {
                started.processes.stopAll();
            }
            sandbox.close();
            throw e;
        }
    }

    /**
     * Writes the config of a new node {@code id} (not started) whose peer list is two of the original nodes plus
     * itself (a config names an odd number of peers; any current member lets the node find the cluster): what an
     * operator gives a node about to be added with {@code scalerctl members add} or {@code replace}. Returns its
     * Raft address.
     */
    public String prepareNode(String id) throws IOException {
        return configs.prepareNode(id);
    }

    /** Starts (or restarts) node {@code id} as its own JVM. */
    public void startNode(String id) throws IOException {
        startNode(id, List.of());
    }

    /**
     * Starts (or restarts) node {@code id} with extra JVM options, e.g. {@code -Dscaler.version=0.2.0} for a node
     * that reports a newer build (a rolling upgrade).
     */
    public void startNode(String id, List<String> jvmOptions) throws IOException {
        processes.startNode(id, jvmOptions);
    }

    /**
     * Stops node {@code id} with SIGTERM, as systemd does on a restart (a leader hands leadership over first), and
     * waits for it to exit (SIGKILL after 20 s). Returns its exit code.
     */
    public int stopNode(String id) {
        return processes.stopNode(id);
    }

    /** Kills node {@code id} with SIGKILL (like a VM lost). */
    public void killNode(String id) {
        processes.killNode(id);
    }

    public Sandbox sandbox() {
        return sandbox;
    }

    /** Node {@code scaler-N}'s own loopback address, 127.B.30.N: its probes' source and its Raft server's host. */
    public String nodeAddress(String id) {
        return identities.nodeAddress(id);
    }

    /** The port of node {@code id}'s Raft (gRPC) server on {@link #nodeAddress}. */
    public int raftPort(String id) {
        return configs.raftPort(id);
    }

    /** The Keystone user node {@code id} calls the cloud as. */
    public String cloudUser(String id) {
        return identities.cloudUser(id);
    }

    /**
     * The group id node {@code id} runs with (47000 + 10 B + N), or -1 when the nodes run with the caller's group
     * (not root, or no setpriv).
     */
    public long nodeGid(String id) {
        return identities.nodeGid(id);
    }

    public Sandbox.Pair kamailio() {
        return kamailio;
    }

    public Sandbox.Pair coturn() {
        return coturn;
    }

    public Map<String, Integer> adminPorts() {
        return configs.adminPorts();
    }

    public Map<String, Process> nodes() {
        return processes.nodes();
    }

    public Path workDir() {
        return workDir;
    }

    /** Node ids with a config (the three originals and any {@link #prepareNode prepared} one). */
    public List<String> nodeIds() {
        return configs.nodeIds();
    }

    public Path config(String id) {
        return configs.config(id);
    }

    public Path tokenFile() {
        return workDir.resolve("secrets/admin.token");
    }

    @Override
    public void close() {
        processes.stopAll();
        sandbox.close();
    }

    private static void awaitActive(Sandbox sandbox, List<String> servers) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (String id : servers) {
            while (!"ACTIVE".equals(sandbox.serverStatus(id))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("sandbox server " + id + " not ACTIVE after 30 s");
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the sandbox", e);
                }
            }
        }
    }

    private static String randomToken() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
