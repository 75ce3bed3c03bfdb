package org.sipmediadeploy.daemon.demo;

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
import org.sipmediadeploy.sandbox.Sandbox;
import org.sipmediadeploy.sandbox.SandboxConfig;

/**
 * The embedded default: a sandbox cloud in this JVM with a Kamailio pair, a Coturn pair (real daemons when
 * installed, built-in responders otherwise) and a gateway pool, and three scaler nodes as separate processes
 * (so one can be killed like a VM). Every process it starts is stopped by PID in {@link #close()}.
 */
public final class DemoCluster implements AutoCloseable {
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

    private DemoCluster(Path workDir, Sandbox sandbox, Sandbox.Pair kamailio, Sandbox.Pair coturn, Secret token) {
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
    public static DemoCluster start(Path workDir, int addressBlock, boolean builtinOnly, Pool pool)
            throws IOException {
        return start(workDir, addressBlock, builtinOnly, pool, "127.0.0.1");
    }

    /** As above, with the scaler nodes' Raft and admin API on {@code nodeHost} (a loopback address). */
    public static DemoCluster start(Path workDir, int addressBlock, boolean builtinOnly, Pool pool, String nodeHost)
            throws IOException {
        Files.createDirectories(workDir);
        restrict(workDir);
        SandboxConfig.Builder b = SandboxConfig.defaults().toBuilder().apiPort(0).bootDelay(Duration.ofSeconds(1))
                .workDir(workDir.resolve("sandbox")).eventLogFile(workDir.resolve("sandbox-events.jsonl"))
                .addressBlock(addressBlock).maxServers(Math.max(50, pool.maxHosts() + 10));
        if (builtinOnly) {
            b.processes(SandboxConfig.Processes.BUILTIN);
        }
        SandboxConfig sc = b.build();
        Sandbox sandbox = Sandbox.start(sc);
        try {
            Sandbox.Pair kam = sandbox.createPair("kamailio", "sipmediadeploy-kamailio", TAG);
            Sandbox.Pair cot = sandbox.createPair("coturn", "sipmediadeploy-coturn", TAG);
            awaitActive(sandbox, List.of(kam.serverA(), kam.serverB(), cot.serverA(), cot.serverB()));
            Secret token = Secret.of(randomToken());
            DemoCluster d = new DemoCluster(workDir, sandbox, kam, cot, token);
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
            raftAddresses.put("scaler-" + (i + 1), nodeHost + ":" + freePort(nodeHost));
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
        raftAddresses.put(id, nodeHost + ":" + freePort(nodeHost));
        peers.put(id, raftAddresses.get(id));
        writeConfig(id, peers);
        return raftAddresses.get(id);
    }

    private void writeConfig(String id, Map<String, String> raftPeers) throws IOException {
        SandboxConfig sc = sandboxConfig;
        int spare = pool.spare() >= 0 ? pool.spare() : sc.gatewaysPerHost() + 1;
        StringBuilder peers = new StringBuilder();
        raftPeers.forEach((peer, address) -> peers.append("      { id = \"").append(peer).append("\", address = \"")
                .append(address).append("\" }\n"));
        int admin = freePort(nodeHost);
        adminPorts.put(id, admin);
        String conf = """
                scaler {
                  node { id = "%s", storage-dir = "%s", probe-address = "127.0.0.1" }
                  cluster { peers = [
                %s    ] }
                  admin { bind = "%s", port = %d, token-file = "secrets/admin.token" }
                  openstack {
                    auth-url = "%s"
                    tag = "%s"
                    auth { type = "password", username = "%s", project = "%s", password-file = "secrets/os-password" }
                  }
                  pairs {
                    kamailio {
                      floating-ip = "%s"
                      members = ["kamailio-a", "kamailio-b"]
                      probe { kind = "sip-options", port = 5060, transport = "udp" }
                      replacement { image = "sipmediadeploy-kamailio", flavor = "m1.small", network = "tenant-net" }
                    }
                    coturn {
                      floating-ip = "%s"
                      members = ["coturn-a", "coturn-b"]
                      probe { kind = "turn-allocate", port = 3478, username = "%s", password-file = "secrets/turn-probe" }
                      replacement { image = "sipmediadeploy-coturn", flavor = "m1.small", network = "tenant-net" }
                    }
                  }
                  pools {
                    gateways {
                      image = "sipmediadeploy-gateway", flavor = "m1.small", network = "tenant-net"
                      capacity-per-host = %d, min-hosts = %d, max-hosts = %d
                      spare { default = %d }
                      status { port = 8080 }
                      scale-in-after = 60s, protect-new = 60s, boot-timeout = 2m
                    }
                  }
                  logging { format = "json", file = "%s" }
                }
                """.formatted(id, workDir.resolve(id + "-raft"), peers, nodeHost, admin, sandboxUrl(), TAG,
                sc.users().get(0).name(), sc.users().get(0).project(), kamailio.floatingAddress(),
                coturn.floatingAddress(), sc.turnUser(), sc.gatewaysPerHost(), pool.minHosts(), pool.maxHosts(), spare,
                workDir.resolve(id + ".log"));
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
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx160m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.sipmediadeploy.daemon.ScalerMain", "run",
                "--config", configs.get(id).toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(workDir.resolve(id + ".out").toFile()));
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
