package org.sipmediadeploy.demo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.sipmediadeploy.daemon.JvmOptions;

/** The scaler nodes' JVMs, started from their configs and stopped by PID. */
final class NodeProcesses {
    private final Path workDir;
    private final NodeIdentities identities;
    private final NodeConfigs configs;
    private final Map<String, Process> nodes = new LinkedHashMap<>();

    NodeProcesses(Path workDir, NodeIdentities identities, NodeConfigs configs) {
        this.workDir = workDir;
        this.identities = identities;
        this.configs = configs;
    }

    /** See {@link DemoCluster#startNode(String, List)}. */
    void startNode(String id, List<String> jvmOptions) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>();
        if (identities.ownGroups()) {
            // still root, but with a group of its own: what a packet filter can match this node's sockets by
            cmd.addAll(List.of(NodeIdentities.SETPRIV, "--regid=" + identities.nodeGid(id), "--clear-groups", "--"));
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
                configs.config(id).toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        workDir.resolve(id + ".out").toFile()));
        nodes.put(id, pb.start());
    }

    /** See {@link DemoCluster#stopNode}. */
    int stopNode(String id) {
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
    void killNode(String id) {
        Process p = nodes.get(id);
        if (p != null) {
            p.destroyForcibly();
            waitFor(p);
        }
    }

    Map<String, Process> nodes() {
        return Map.copyOf(nodes);
    }

    /** Stops every node: SIGTERM to all first, then waits for each (SIGKILL after 10 s). */
    void stopAll() {
        for (Process p : nodes.values()) {
            p.destroy(); // SIGTERM: a leader hands over first
        }
        for (Process p : nodes.values()) {
            waitFor(p);
        }
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
}
