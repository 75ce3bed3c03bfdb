package org.sipmediadeploy.daemon.config;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Reads {@code scaler.node} and {@code scaler.cluster}: this node, its peers (an odd count), elections, TLS. */
final class ClusterSection {
    private ClusterSection() {}

    static ScalerConfig.Node node(KeyReader r, Config c) {
        ScalerConfig.Node node = new ScalerConfig.Node(
                r.required(c, "node.id"),
                r.path(r.str(c, "node.storage-dir")),
                r.required(c, "node.probe-address"),
                r.duration(c, "node.tick", Duration.ofMillis(10)));
        if ("0.0.0.0".equals(node.probeAddress()) || "::".equals(node.probeAddress())) {
            r.problem("node.probe-address", "must be a concrete address the targets can reach, not a wildcard");
        }
        return node;
    }

    static ScalerConfig.Cluster cluster(KeyReader r, Config c, ScalerConfig.Node node) {
        List<ScalerConfig.Peer> peers = peers(r, c);
        if (!node.id().isEmpty() && !peers.isEmpty() && peers.stream().noneMatch(p -> p.id().equals(node.id()))) {
            r.problem("node.id", "'" + node.id() + "' is not one of cluster.peers");
        }
        Duration eMin = r.duration(c, "cluster.election-timeout-min", Duration.ofMillis(50));
        Duration eMax = r.duration(c, "cluster.election-timeout-max", Duration.ofMillis(50));
        if (eMin != null && eMax != null && eMax.compareTo(eMin) <= 0) {
            r.problem("cluster.election-timeout-max", "must be above election-timeout-min (" + eMin + ")");
        }
        boolean tlsOn = r.bool(c, "cluster.tls.enabled");
        ScalerConfig.Tls tls = new ScalerConfig.Tls(
                tlsOn,
                tlsOn ? r.readableFile(c, "cluster.tls.cert-file") : null,
                tlsOn ? r.readableFile(c, "cluster.tls.key-file") : null,
                tlsOn ? r.readableFile(c, "cluster.tls.trust-file") : null);
        return new ScalerConfig.Cluster(r.str(c, "cluster.name"), peers, eMin, eMax, tls, r.bool(c, "cluster.join"));
    }

    private static List<ScalerConfig.Peer> peers(KeyReader r, Config c) {
        List<ScalerConfig.Peer> out = new ArrayList<>();
        List<? extends Config> list =
                r.attempt("cluster.peers", () -> c.getConfigList("cluster.peers"), "a list of { id, address } objects");
        if (list == null) {
            return out;
        }
        if (list.isEmpty()) {
            r.problem("cluster.peers", "required (the cluster's nodes, this one included)");
        }
        Set<String> ids = new TreeSet<>();
        for (int i = 0; i < list.size(); i++) {
            Config p = list.get(i);
            String at = "cluster.peers[" + i + "]";
            for (String k : p.root().keySet()) {
                if (!k.equals("id") && !k.equals("address")) {
                    r.problem(at + "." + k, "unknown key");
                }
            }
            String id = p.hasPath("id") ? p.getString("id") : "";
            String address = p.hasPath("address") ? p.getString("address") : "";
            if (id.isBlank()) {
                r.problem(at + ".id", "required");
            } else if (!ids.add(id)) {
                r.problem(at + ".id", "duplicate peer id '" + id + "'");
            }
            int colon = address.lastIndexOf(':');
            if (colon <= 0) {
                r.problem(at + ".address", "expected host:port, got '" + address + "'");
                continue;
            }
            int port;
            try {
                port = Integer.parseInt(address.substring(colon + 1));
            } catch (NumberFormatException e) {
                r.problem(at + ".address", "port is not a number in '" + address + "'");
                continue;
            }
            if (port < 1 || port > 65535) {
                r.problem(at + ".address", "port must be in 1..65535, got " + port);
                continue;
            }
            out.add(new ScalerConfig.Peer(id, address.substring(0, colon), port));
        }
        if (out.size() % 2 == 0 && !out.isEmpty()) {
            r.problem(
                    "cluster.peers",
                    out.size()
                            + " peers cannot keep a majority through a single failure better than " + (out.size() - 1)
                            + "; use an odd number (3 or 5)");
        }
        return out;
    }
}
