package org.sipmediadeploy.demo;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.sipmediadeploy.core.model.Secret;
import org.sipmediadeploy.daemon.JvmOptions;
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
    private static final String SETPRIV = "/usr/bin/setpriv";
    public static final String TAG = "sipmediadeploy-demo";

    private final Path workDir;
    private final Sandbox sandbox;
    private final Sandbox.Pair kamailio;
    private final Sandbox.Pair coturn;
    private final Map<String, Process> nodes = new LinkedHashMap<>();
    private final Map<String, Path> configs = new LinkedHashMap<>();
    private final Map<String, Integer> adminPorts = new LinkedHashMap<>();
    private final Secret adminToken;
    /** Raft addresses of the nodes, by id, as written into the configs (a node added later is appended). */
    private final Map<String, String> raftAddresses = new LinkedHashMap<>();

    private SandboxConfig sandboxConfig;
    private Pool pool;
    /** Where the scaler nodes listen (Raft and admin API); 127.0.0.1 unless a test picks its own block. */
    private String nodeHost = "127.0.0.1";

    private final int addressBlock;
    private final boolean ownGroups;

    private DemoCluster(
            Path workDir, Sandbox sandbox, Sandbox.Pair kamailio, Sandbox.Pair coturn, Secret token, int addressBlock) {
        this.addressBlock = addressBlock;
        this.ownGroups = "root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of(SETPRIV));
        this.workDir = workDir;
        this.sandbox = sandbox;
        this.kamailio = kamailio;
        this.coturn = coturn;
        this.adminToken = token;
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
        restrict(workDir);
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
        try {
            Sandbox.Pair kam = sandbox.createPair("kamailio", "sipmediadeploy-kamailio", TAG);
            Sandbox.Pair cot = sandbox.createPair("coturn", "sipmediadeploy-coturn", TAG);
            awaitActive(sandbox, List.of(kam.serverA(), kam.serverB(), cot.serverA(), cot.serverB()));
            Secret token = Secret.of(randomToken());
            DemoCluster d = new DemoCluster(workDir, sandbox, kam, cot, token, addressBlock);
            d.nodeHost = nodeHost;
            d.writeConfigs(sc, pool);
            for (String id : d.configs.keySet()) {
                d.startNode(id);
            }
            return d;
        } catch (IOException | RuntimeException e) {
            sandbox.close();
            throw e;
        }
    }

    private void writeConfigs(SandboxConfig sc, Pool pool) throws IOException {
        this.sandboxConfig = sc;
        this.pool = pool;
        Path secrets = workDir.resolve("secrets");
        Files.createDirectories(secrets);
        restrict(secrets);
        writeSecret(secrets.resolve("admin.token"), adminToken.reveal());
        writeSecret(secrets.resolve("os-password"), sc.users().get(0).password().reveal());
        writeSecret(secrets.resolve("turn-probe"), sc.turnPassword().reveal());
        for (int i = 0; i < 3; i++) {
            String id = "scaler-" + (i + 1);
            raftAddresses.put(id, nodeAddress(id) + ":" + freePort(nodeAddress(id)));
        }
        for (String id : List.copyOf(raftAddresses.keySet())) {
            writeConfig(id, raftAddresses);
        }
    }

    /**
     * Writes the config of a new node {@code id} (not started) whose peer list is two of the original nodes plus
     * itself (a config names an odd number of peers; any current member lets the node find the cluster): what an
     * operator gives a node about to be added with {@code scalerctl members add} or {@code replace}. Returns its
     * Raft address.
     */
    public String prepareNode(String id) throws IOException {
        if (configs.containsKey(id)) {
            throw new IllegalArgumentException("node " + id + " exists");
        }
        Map<String, String> peers = new LinkedHashMap<>();
        for (String known : List.copyOf(raftAddresses.keySet()).subList(0, 2)) {
            peers.put(known, raftAddresses.get(known));
        }
        raftAddresses.put(id, nodeAddress(id) + ":" + freePort(nodeAddress(id)));
        peers.put(id, raftAddresses.get(id));
        writeConfig(id, peers);
        return raftAddresses.get(id);
    }

    private void writeConfig(String id, Map<String, String> raftPeers) throws IOException {
        SandboxConfig sc = sandboxConfig;
        int spare = pool.spare() >= 0 ? pool.spare() : sc.gatewaysPerHost() + 1;
        StringBuilder peers = new StringBuilder();
        raftPeers.forEach((peer, address) -> peers.append("      { id = \"")
                .append(peer)
                .append("\", address = \"")
                .append(address)
                .append("\" }\n"));
        int admin = freePort(nodeHost);
        adminPorts.put(id, admin);
        // The node's own Keystone user where the sandbox has one (scaler-1..3), else the shared first user.
        SandboxConfig.User user = sc.users().stream()
                .filter(u -> u.name().equals(id))
                .findFirst()
                .orElse(sc.users().get(0));
        String passwordFile = "secrets/os-password";
        if (!user.equals(sc.users().get(0))) {
            passwordFile = "secrets/os-password-" + id;
            writeSecret(workDir.resolve(passwordFile), user.password().reveal());
        }
        String conf = new NodeConfigText(
                        id,
                        workDir.resolve(id + "-raft"),
                        nodeAddress(id),
                        peers.toString(),
                        nodeHost,
                        admin,
                        sandboxUrl(),
                        TAG,
                        user.name(),
                        user.project(),
                        passwordFile,
                        kamailio.floatingAddress(),
                        coturn.floatingAddress(),
                        sc.turnUser(),
                        sc.gatewaysPerHost(),
                        pool.minHosts(),
                        pool.maxHosts(),
                        spare,
                        workDir.resolve(id + ".log"))
                .text();
        Path f = workDir.resolve(id + ".conf");
        Files.writeString(f, conf, StandardCharsets.UTF_8);
        configs.put(id, f);
    }

    private String sandboxUrl() {
        return sandbox.keystoneUrl();
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
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>();
        if (ownGroups) {
            // still root, but with a group of its own: what a packet filter can match this node's sockets by
            cmd.addAll(List.of(SETPRIV, "--regid=" + nodeGid(id), "--clear-groups", "--"));
        }
        cmd.add(java);
        cmd.addAll(JvmOptions.forNode());
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                "org.sipmediadeploy.daemon.ScalerMain",
                "run",
                "--config",
                configs.get(id).toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        workDir.resolve(id + ".out").toFile()));
        nodes.put(id, pb.start());
    }

    /**
     * Stops node {@code id} with SIGTERM, as systemd does on a restart (a leader hands leadership over first), and
     * waits for it to exit (SIGKILL after 20 s). Returns its exit code.
     */
    public int stopNode(String id) {
        Process p = nodes.get(id);
        if (p == null) {
            throw new IllegalArgumentException("no node " + id);
        }
        p.destroy();
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return -1;
        }
    }

    /** Kills node {@code id} with SIGKILL (like a VM lost). */
    public void killNode(String id) {
        Process p = nodes.get(id);
        if (p != null) {
            p.destroyForcibly();
            waitFor(p);
        }
    }

    public Sandbox sandbox() {
        return sandbox;
    }

    /** Node {@code scaler-N}'s own loopback address, 127.B.30.N: its probes' source and its Raft server's host. */
    public String nodeAddress(String id) {
        return "127." + addressBlock + ".30." + nodeIndex(id);
    }

    /** The port of node {@code id}'s Raft (gRPC) server on {@link #nodeAddress}. */
    public int raftPort(String id) {
        String a = raftAddresses.get(id);
        return Integer.parseInt(a.substring(a.lastIndexOf(':') + 1));
    }

    /** The Keystone user node {@code id} calls the cloud as. */
    public String cloudUser(String id) {
        nodeIndex(id);
        return id;
    }

    /**
     * The group id node {@code id} runs with (47000 + 10 B + N), or -1 when the nodes run with the caller's group
     * (not root, or no setpriv).
     */
    public long nodeGid(String id) {
        return ownGroups ? 47000L + 10L * addressBlock + nodeIndex(id) : -1;
    }

    private static int nodeIndex(String id) {
        // scaler-1..3 start the cluster; scaler-4..9 are nodes a test adds later (membership, self-healing)
        if (!id.matches("scaler-[1-9]")) {
            throw new IllegalArgumentException("no demo node " + id);
        }
        return Integer.parseInt(id.substring("scaler-".length()));
    }

    public Sandbox.Pair kamailio() {
        return kamailio;
    }

    public Sandbox.Pair coturn() {
        return coturn;
    }

    public Map<String, Integer> adminPorts() {
        return Map.copyOf(adminPorts);
    }

    public Map<String, Process> nodes() {
        return Map.copyOf(nodes);
    }

    public Path workDir() {
        return workDir;
    }

    /** Node ids with a config (the three originals and any {@link #prepareNode prepared} one). */
    public List<String> nodeIds() {
        return List.copyOf(configs.keySet());
    }

    public Path config(String id) {
        return configs.get(id);
    }

    public Path tokenFile() {
        return workDir.resolve("secrets/admin.token");
    }

    @Override
    public void close() {
        for (Process p : nodes.values()) {
            p.destroy(); // SIGTERM: a leader hands over first
        }
        for (Process p : nodes.values()) {
            waitFor(p);
        }
        sandbox.close();
    }

    private static void waitFor(Process p) {
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
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

    private static void writeSecret(Path f, String value) throws IOException {
        Files.deleteIfExists(f);
        Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(f, value + "\n", StandardCharsets.UTF_8);
    }

    private static void restrict(Path dir) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }

    private static String randomToken() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static int freePort(String host) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
            return s.getLocalPort();
        }
    }

    static String classpath() {
        return System.getProperty("java.class.path").replace(File.pathSeparatorChar, ':');
    }
}
