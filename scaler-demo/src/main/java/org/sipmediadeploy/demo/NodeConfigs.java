package org.sipmediadeploy.demo;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sipmediadeploy.core.model.Secret;
import org.sipmediadeploy.sandbox.Sandbox;
import org.sipmediadeploy.sandbox.SandboxConfig;

/**
 * The scaler nodes' config files in the work directory, their secrets, and the ports the configs name (Raft and
 * admin API), chosen free when a config is written.
 */
final class NodeConfigs {
    private final Path workDir;
    private final NodeIdentities identities;
    /** Where the scaler nodes listen (Raft and admin API); 127.0.0.1 unless a test picks its own block. */
    private final String nodeHost;

    private final Sandbox sandbox;
    private final SandboxConfig sandboxConfig;
    private final Sandbox.Pair kamailio;
    private final Sandbox.Pair coturn;
    private final DemoCluster.Pool pool;

    private final Map<String, Path> configs = new LinkedHashMap<>();
    private final Map<String, Integer> adminPorts = new LinkedHashMap<>();
    /** Raft addresses of the nodes, by id, as written into the configs (a node added later is appended). */
    private final Map<String, String> raftAddresses = new LinkedHashMap<>();

    NodeConfigs(
            Path workDir,
            NodeIdentities identities,
            String nodeHost,
            Sandbox sandbox,
            SandboxConfig sandboxConfig,
            Sandbox.Pair kamailio,
            Sandbox.Pair coturn,
            DemoCluster.Pool pool) {
        this.workDir = workDir;
        this.identities = identities;
        this.nodeHost = nodeHost;
        this.sandbox = sandbox;
        this.sandboxConfig = sandboxConfig;
        this.kamailio = kamailio;
        this.coturn = coturn;
        this.pool = pool;
    }

    /** Writes the shared secrets and the configs of the three original nodes, each naming all three as peers. */
    void writeInitial(Secret adminToken) throws IOException {
        SandboxConfig sc = sandboxConfig;
        Path secrets = workDir.resolve("secrets");
        Files.createDirectories(secrets);
        restrict(secrets);
        writeSecret(secrets.resolve("admin.token"), adminToken.reveal());
        writeSecret(secrets.resolve("os-password"), sc.users().get(0).password().reveal());
        writeSecret(secrets.resolve("turn-probe"), sc.turnPassword().reveal());
        for (int i = 1; i <= DemoCluster.NODES; i++) {
            String id = "scaler-" + i;
            raftAddresses.put(id, identities.nodeAddress(id) + ":" + freePort(identities.nodeAddress(id)));
        }
        for (String id : List.copyOf(raftAddresses.keySet())) {
            writeConfig(id, raftAddresses);
        }
    }

    /** See {@link DemoCluster#prepareNode}. */
    String prepareNode(String id) throws IOException {
        if (configs.containsKey(id)) {
            throw new IllegalArgumentException("node " + id + " exists");
        }
        Map<String, String> peers = new LinkedHashMap<>();
        for (String known : List.copyOf(raftAddresses.keySet()).subList(0, 2)) {
            peers.put(known, raftAddresses.get(known));
        }
        raftAddresses.put(id, identities.nodeAddress(id) + ":" + freePort(identities.nodeAddress(id)));
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
                        identities.nodeAddress(id),
                        peers.toString(),
                        nodeHost,
                        admin,
                        sandboxUrl(),
                        DemoCluster.TAG,
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

    /** The port of node {@code id}'s Raft (gRPC) server on its {@link NodeIdentities#nodeAddress}. */
    int raftPort(String id) {
        String a = raftAddresses.get(id);
        return Integer.parseInt(a.substring(a.lastIndexOf(':') + 1));
    }

    Map<String, Integer> adminPorts() {
        return Map.copyOf(adminPorts);
    }

    List<String> nodeIds() {
        return List.copyOf(configs.keySet());
    }

    Path config(String id) {
        return configs.get(id);
    }

    private static void writeSecret(Path f, String value) throws IOException {
        Files.deleteIfExists(f);
        Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(f, value + "\n", StandardCharsets.UTF_8);
    }

    /** Owner-only, as the work directory and its secrets/ hold the cloud password and the admin token. */
    static void restrict(Path dir) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }

    private static int freePort(String host) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
            return s.getLocalPort();
        }
    }
}
