package org.sipmediadeploy.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sipmediadeploy.core.model.Secret;
import org.sipmediadeploy.core.port.NodeProvisioning;
import org.sipmediadeploy.daemon.config.ConfigLoader;
import org.sipmediadeploy.daemon.config.ScalerConfig;

/**
 * The cloud-init user data of a new scaler node, rendered from this node's own configuration: its config file text
 * with {@code scaler.node.id} and {@code scaler.cluster.peers} appended for the new node (later keys win in HOCON),
 * and every file the config names (secrets, certificates, templates), each a {@code write_files} entry with mode
 * 0600, owner {@code scaler}, deferred to the final stage and base64-encoded (no YAML quoting of secrets). Paths
 * the config gives relative are written relative to the directory of {@code self-healing.config-path}, absolute
 * ones as they are: the new node reads the same text the same way. Files are read when the user data is rendered,
 * so a rotated secret reaches the new node. The result is a {@link Secret}: it never enters a log line.
 */
final class NodeUserData implements NodeProvisioning {
    private final ScalerConfig cfg;

    NodeUserData(ScalerConfig cfg) {
        this.cfg = cfg;
    }

    @Override
    public Secret userData(String nodeId, Map<String, String> peers) {
        return userData(nodeId, peers, true);
    }

    /** {@code join}: the node waits to be added (a replacement); false only for a cluster's first nodes. */
    Secret userData(String nodeId, Map<String, String> peers, boolean join) {
        String configPath = cfg.selfHealing().configPath();
        Path vmDir = Path.of(configPath).getParent();
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(configPath, nodeConfig(nodeId, peers, join).getBytes(StandardCharsets.UTF_8));
        for (ScalerConfig.FileRef f : cfg.sources().files()) {
            Path written = Path.of(f.asWritten());
            String vmPath = (written.isAbsolute() ? written : vmDir.resolve(written))
                    .normalize()
                    .toString();
            try {
                files.putIfAbsent(vmPath, Files.readAllBytes(f.resolved()));
            } catch (IOException e) {
                // Names the key and path, never the content.
                throw new UncheckedIOException(
                        "cannot read " + f.key() + " (" + f.resolved() + ") for node " + nodeId, e);
            }
        }
        List<String> entries = new ArrayList<>();
        files.forEach((path, content) -> entries.add("- path: " + quote(path) + "\n"
                + "  owner: scaler:scaler\n"
                + "  permissions: '0600'\n"
                + "  defer: true\n"
                + "  encoding: b64\n"
                + "  content: " + Base64.getEncoder().encodeToString(content)));
        String text = cfg.selfHealing()
                .userDataTemplate()
                .replace(ConfigLoader.WRITE_FILES, String.join("\n", entries))
                .replace("{{node_id}}", nodeId)
                .replace("{{config_path}}", configPath);
        return Secret.of(text);
    }

    /** This node's config text with the new node's identity and peer list appended (they override the text's). */
    String nodeConfig(String nodeId, Map<String, String> peers, boolean join) {
        String text;
        try {
            text = cfg.sources().file() != null
                            && Files.isReadable(cfg.sources().file())
                    ? Files.readString(cfg.sources().file(), StandardCharsets.UTF_8)
                    : cfg.sources().text();
        } catch (IOException e) {
            text = cfg.sources().text();
        }
        StringBuilder b = new StringBuilder(text);
        if (!text.endsWith("\n")) {
            b.append('\n');
        }
        b.append("# Appended by the scaler leader for node ")
                .append(nodeId)
                .append(" (self-healing): these override the keys above.\n");
        b.append("scaler.node.id = ").append(hocon(nodeId)).append('\n');
        // It joins through the leader, never bootstraps as a voter (see RaftNode.start with joinOnly).
        b.append("scaler.cluster.join = ").append(join).append('\n');
        b.append("scaler.cluster.peers = [\n");
        peers.forEach((id, address) -> b.append("  { id = ")
                .append(hocon(id))
                .append(", address = ")
                .append(hocon(address))
                .append(" }\n"));
        b.append("]\n");
        return b.toString();
    }

    private static String hocon(String s) {
        return com.typesafe.config.ConfigUtil.quoteString(s);
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "''") + "'";
    }
}
