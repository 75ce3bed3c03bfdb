package org.sipmediadeploy.daemon;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.sipmediadeploy.core.model.Port;
import org.sipmediadeploy.core.model.Secret;
import org.sipmediadeploy.core.model.Server;
import org.sipmediadeploy.core.model.ServerMetadata;
import org.sipmediadeploy.core.model.ServerSpec;
import org.sipmediadeploy.core.model.ServerStatus;
import org.sipmediadeploy.core.port.ScalerEvents;
import org.sipmediadeploy.daemon.admin.AdminClient;
import org.sipmediadeploy.daemon.config.ConfigLoader;
import org.sipmediadeploy.daemon.config.ScalerConfig;
import org.sipmediadeploy.openstack.OpenStackCloud;
import org.sipmediadeploy.openstack.OpenStackSettings;
import org.sipmediadeploy.sandbox.Sandbox;
import org.sipmediadeploy.sandbox.SandboxConfig;

/**
 * Three scaler nodes as sandbox VMs, deployed as Terraform would: a port per node first (its address goes into
 * every node's peer list), then a server on it from the scaler image with cloud-init user data (rendered by the
 * daemon's own {@link NodeUserData}: the deployment's scaler.conf with the node's id, and the secret files, 0600).
 * The sandbox interprets the user data and runs a real daemon JVM per VM on the VM's fixed address; killing the
 * process and shutting off the VM is a dead scaler VM. Every process is stopped by the sandbox on close.
 */
final class ScalerVmCluster implements AutoCloseable {
    static final String TAG = "heal-test";
    static final int RAFT_PORT = 9870;
    static final int ADMIN_PORT = 9871;

    final Sandbox sandbox;
    final OpenStackCloud cloud;
    final Path work;
    final Secret token;
    private final Map<String, String> addresses = new TreeMap<>();

    private ScalerVmCluster(Sandbox sandbox, OpenStackCloud cloud, Path work, Secret token) {
        this.sandbox = sandbox;
        this.cloud = cloud;
        this.work = work;
        this.token = token;
    }

    /** Starts the sandbox (loopback block 127.{@code block}.x.y) and three scaler VMs. */
    static ScalerVmCluster start(Path work, int block, Duration replaceAfter) throws Exception {
        Files.createDirectories(work);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> daemon = new java.util.ArrayList<>(List.of(java));
        daemon.addAll(JvmOptions.shipped());
        daemon.addAll(
                List.of("-cp", System.getProperty("java.class.path"), "org.sipmediadeploy.daemon.ScalerMain", "run"));
        SandboxConfig sc = SandboxConfig.defaults().toBuilder()
                .apiPort(0)
                .addressBlock(block)
                .bootDelay(Duration.ofMillis(500))
                .processes(SandboxConfig.Processes.BUILTIN)
                .workDir(work.resolve("sandbox"))
                .eventLogFile(work.resolve("sandbox-events.jsonl"))
                .scalerVm(new SandboxConfig.ScalerVm(daemon, SandboxConfig.ScalerVm.DEFAULT_CONFIG_PATH))
                .build();
        Sandbox sandbox = Sandbox.start(sc);
        try {
            SandboxConfig.User u = sc.users().get(0);
            OpenStackCloud cloud = OpenStackCloud.create(
                    OpenStackSettings.of(
                            URI.create(sandbox.keystoneUrl()),
                            new OpenStackSettings.Password(u.name(), u.password(), "Default", u.project(), "Default"),
                            sc.region()),
                    ScalerEvents.NONE);
            ScalerVmCluster c =
                    new ScalerVmCluster(sandbox, cloud, work, Secret.of("heal-test-admin-token-0123456789"));
            c.deploy(sc, replaceAfter);
            return c;
        } catch (Exception | Error e) {
            sandbox.close();
            throw e;
        }
    }

    private void deploy(SandboxConfig sc, Duration replaceAfter) throws IOException, Exception {
        Map<String, Port> ports = new LinkedHashMap<>();
        for (int i = 1; i <= 3; i++) {
            String id = "scaler-" + i;
            Port p = cloud.ensurePort("tenant-net", id, List.of("default"));
            ports.put(id, p);
            addresses.put(id, p.fixedIp() + ":" + RAFT_PORT);
        }
        // The deployment's config directory, as Terraform's scaler_config module would render it.
        Path deploy = work.resolve("deploy");
        Files.createDirectories(deploy);
        Files.setPosixFilePermissions(deploy, PosixFilePermissions.fromString("rwx------"));
        secret(deploy.resolve("admin.token"), token.reveal());
        secret(deploy.resolve("os-password"), sc.users().get(0).password().reveal());
        StringBuilder peers = new StringBuilder();
        addresses.forEach((id, a) -> peers.append("      { id = \"")
                .append(id)
                .append("\", address = \"")
                .append(a)
                .append("\" }\n"));
        String conf = """
                scaler {
                  node { storage-dir = "raft", probe-address = "127.0.0.1" }
                  cluster { peers = [
                %s    ] }
                  admin { port = %d, token-file = "admin.token" }
                  openstack {
                    auth-url = "%s"
                    tag = "%s"
                    auth { type = "password", username = "%s", project = "%s", password-file = "os-password" }
                  }
                  pools {
                    gateways {
                      image = "sipmediadeploy-gateway", flavor = "m1.small", network = "tenant-net"
                      capacity-per-host = %d, min-hosts = 1, max-hosts = 2
                      spare { default = 1 }
                      status { port = 8080 }
                    }
                  }
                  self-healing {
                    enabled = true
                    replace-after = %ds
                    give-up-after = 3m
                    image = "sipmediadeploy-scaler", flavor = "m1.small", network = "tenant-net"
                    security-groups = ["default"]
                  }
                  logging { format = "json", file = "scaler.log" }
                }
                """.formatted(
                        peers,
                        ADMIN_PORT,
                        sandbox.keystoneUrl(),
                        TAG,
                        sc.users().get(0).name(),
                        sc.users().get(0).project(),
                        sc.gatewaysPerHost(),
                        replaceAfter.toSeconds());
        Files.writeString(deploy.resolve("scaler.conf"), conf);
        ScalerConfig cfg = ConfigLoader.parse(conf + "scaler.node.id = \"scaler-1\"\n", "deploy/scaler.conf", deploy);
        NodeUserData userData = new NodeUserData(cfg);
        for (Map.Entry<String, Port> e : ports.entrySet()) {
            String id = e.getKey();
            cloud.createServer(new ServerSpec(
                    id,
                    "sipmediadeploy-scaler",
                    "m1.small",
                    "tenant-net",
                    List.of(),
                    null,
                    null,
                    userData.userData(id, addresses, false).reveal(),
                    Map.of(
                            ServerMetadata.TAG,
                            TAG,
                            ServerMetadata.DECISION,
                            "terraform-" + id,
                            ServerMetadata.GROUP,
                            "scaler",
                            ServerMetadata.ROLE,
                            "scaler"),
                    e.getValue().id()));
        }
    }

    private static void secret(Path f, String value) throws IOException {
        Files.deleteIfExists(f);
        Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(f, value + "\n", StandardCharsets.UTF_8);
    }

    /** Scaler servers by name (the node ids), as the cloud lists them. */
    Map<String, Server> scalerServers() {
        Map<String, Server> out = new TreeMap<>();
        for (Server s : cloud.listServers(TAG, "scaler-")) {
            if ("scaler".equals(s.meta(ServerMetadata.ROLE).orElse(null)) && s.status() != ServerStatus.DELETED) {
                out.put(s.name(), s);
            }
        }
        return out;
    }

    /** How many scaler servers were ever created (sandbox event log). */
    long scalerCreates() {
        return sandbox.events().ofKind("server.create").stream()
                .filter(e -> e.details().getOrDefault("name", "").startsWith("scaler-"))
                .count();
    }

    String serverId(String node) {
        return Optional.ofNullable(scalerServers().get(node))
                .map(Server::id)
                .orElseThrow(() -> new AssertionError(
                        "no server for " + node + ": " + scalerServers().keySet()));
    }

    /** The admin API of {@code node} (on its VM's fixed address). */
    AdminClient admin(String node) {
        String ip = sandbox.fixedAddress(serverId(node));
        return new AdminClient(URI.create("http://" + ip + ":" + ADMIN_PORT), token, Duration.ofSeconds(3));
    }

    /** {@code /v1/status} of {@code node}, or empty while it does not answer. */
    Optional<JsonNode> status(String node) {
        try {
            return Optional.of(admin(node).status());
        } catch (RuntimeException | AssertionError e) {
            return Optional.empty();
        }
    }

    /** The node that says it is the leader, among the scaler servers that run. */
    Optional<String> leader() {
        for (String n : scalerServers().keySet()) {
            Optional<JsonNode> s = status(n);
            if (s.isPresent()
                    && "LEADER".equals(s.get().path("node").path("role").asText())) {
                return Optional.of(n);
            }
        }
        return Optional.empty();
    }

    /** Every decision {@code node} knows, newest first. */
    List<JsonNode> history(String node) {
        List<JsonNode> out = new ArrayList<>();
        admin(node).history(500).path("decisions").forEach(out::add);
        return out;
    }

    /**
     * Whether the cluster is {@code members} and healthy: the leader's configuration is exactly them, it heard
     * from each within 3 s, and every member answers as a MEMBER following that leader.
     */
    boolean healthy(List<String> members) {
        Optional<String> leader = leader();
        if (leader.isEmpty()) {
            return false;
        }
        JsonNode st = status(leader.get()).orElse(null);
        if (st == null) {
            return false;
        }
        List<String> ids = new ArrayList<>();
        java.time.Instant now = java.time.Instant.now();
        for (JsonNode p : st.path("peers")) {
            ids.add(p.path("id").asText());
            if (!p.path("self").asBoolean()) {
                JsonNode lc = p.path("last_contact");
                if (lc.isNull()
                        || lc.isMissingNode()
                        || java.time.Instant.parse(lc.asText()).isBefore(now.minusSeconds(3))) {
                    return false;
                }
            }
        }
        ids.sort(null);
        if (!ids.equals(members.stream().sorted().toList())) {
            return false;
        }
        for (String m : members) {
            Optional<JsonNode> s = status(m);
            if (s.isEmpty()
                    || !"MEMBER".equals(s.get().path("node").path("membership").asText())
                    || !leader.get()
                            .equals(s.get().path("node").path("leader_id").asText())) {
                return false;
            }
        }
        return true;
    }

    void awaitHealthy(List<String> members, Duration within) {
        try {
            await("cluster " + members + " healthy")
                    .atMost(within)
                    .pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions()
                    .until(() -> healthy(members));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "\n" + diagnostics(), e);
        }
    }

    /** What each scaler VM says and logged last: for a failure message (the logs stay under {@code work}). */
    String diagnostics() {
        StringBuilder b = new StringBuilder("work dir ").append(work).append('\n');
        try {
            b.append("servers ").append(scalerServers()).append('\n');
        } catch (RuntimeException e) {
            b.append("servers: ").append(e).append('\n');
        }
        try (var dirs = Files.list(work.resolve("sandbox"))) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                Path root = d.resolve("root");
                Path conf = root.resolve("etc/sipmediadeploy/scaler.conf");
                if (!Files.isRegularFile(conf)) {
                    continue;
                }
                String id = Files.readAllLines(conf).stream()
                        .filter(l -> l.startsWith("scaler.node.id"))
                        .reduce((a, x) -> x)
                        .orElse("?");
                b.append("--- ").append(d.getFileName()).append(' ').append(id).append('\n');
                for (String f : List.of("scaler.out", "scaler.log")) {
                    Path log = root.resolve(f);
                    if (Files.isRegularFile(log)) {
                        List<String> lines = Files.readAllLines(log);
                        lines.stream()
                                .filter(l -> !l.contains("\"level\":\"DEBUG\""))
                                .skip(Math.max(0, lines.size() - 25))
                                .forEach(l -> b.append("  ")
                                        .append(l.length() > 400 ? l.substring(0, 400) : l)
                                        .append('\n'));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            b.append("logs: ").append(e).append('\n');
        }
        return b.toString();
    }

    /** kill -9 of the node's daemon and its VM shut off: a dead scaler VM. */
    void killVm(String node) {
        String id = serverId(node);
        sandbox.kill(id);
        sandbox.shutoff(id);
    }

    /** kill -9 of the node's daemon only, then the daemon started again on the same VM (same disk). */
    void crashAndRestart(String node) {
        String id = serverId(node);
        sandbox.kill(id);
        sandbox.restart(id);
    }

    String address(String node) {
        return addresses.get(node);
    }

    @Override
    public void close() {
        sandbox.close();
    }
}
