package org.sipmediadeploy.daemon.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.sipmediadeploy.core.config.CallRouterConfig;
import org.sipmediadeploy.core.config.PairConfig;
import org.sipmediadeploy.core.config.PoolConfig;
import org.sipmediadeploy.core.config.SelfHealingConfig;
import org.sipmediadeploy.core.model.Secret;

/** The whole validated configuration of one scaler node. Built only by {@link ConfigLoader}. */
public record ScalerConfig(
        Node node,
        Cluster cluster,
        Admin admin,
        OpenStack openstack,
        Map<String, PairConfig> pairs,
        Map<String, PoolConfig> pools,
        Logging logging,
        SelfHealing selfHealing,
        Sources sources,
        Map<String, CallRouterConfig> callRouters) {
    public ScalerConfig {
        pairs = Map.copyOf(pairs);
        pools = Map.copyOf(pools);
        callRouters = Map.copyOf(callRouters);
    }

    /**
     * {@code scaler.self-healing}: the core's settings, the cloud-init template of a new node (placeholders
     * {@code {{write_files}}}, {@code {{node_id}}}, {@code {{config_path}}}) and where the new node's scaler.conf goes
     * on its VM.
     */
    public record SelfHealing(SelfHealingConfig settings, String userDataTemplate, String configPath) {}

    /**
     * Where this configuration came from: its file (null when parsed from text), the text itself, the directory
     * relative paths are taken from, and every file it names (secrets, certificates, templates) as written in it and
     * as resolved. A replacement node gets the same text and files.
     */
    public record Sources(Path file, String text, Path baseDir, List<FileRef> files) {
        public Sources {
            files = List.copyOf(files);
        }
    }

    /** A file the configuration names: the path as written (maybe relative) and as resolved on this node. */
    public record FileRef(String key, String asWritten, Path resolved) {}

    public record Node(String id, Path storageDir, String probeAddress, Duration tick) {}

    public record Peer(String id, String host, int port) {
        public String address() {
            return host + ":" + port;
        }
    }

    public record Tls(boolean enabled, Path certFile, Path keyFile, Path trustFile) {}

    public record Cluster(
            String name,
            List<Peer> peers,
            Duration electionTimeoutMin,
            Duration electionTimeoutMax,
            Tls tls,
            boolean join) {
        public Cluster {
            peers = List.copyOf(peers);
        }

        public Cluster(
                String name, List<Peer> peers, Duration electionTimeoutMin, Duration electionTimeoutMax, Tls tls) {
            this(name, peers, electionTimeoutMin, electionTimeoutMax, tls, false);
        }
    }

    /** The admin API; {@code allowNonLoopback} lets it bind a non-loopback address, {@code metricsOpen} serves
     * {@code /metrics} without the token. */
    public record Admin(String bind, int port, Secret token, boolean allowNonLoopback, boolean metricsOpen) {
        /** On loopback, the token on every route. */
        public Admin(String bind, int port, Secret token) {
            this(bind, port, token, false, false);
        }
    }

    /** Keystone auth: exactly one of the two kinds. */
    public sealed interface Auth {
        record Password(String username, String userDomain, String project, String projectDomain, Secret password)
                implements Auth {}

        record ApplicationCredential(String id, Secret secret) implements Auth {}
    }

    public record OpenStack(
            String authUrl,
            String region,
            String endpointInterface,
            Path caFile,
            String tag,
            Duration connectTimeout,
            Duration readTimeout,
            Auth auth) {}

    public record Logging(String format, String file, String logstash) {}

    /** Every secret of this config, for redaction checks. */
    public List<Secret> secrets() {
        java.util.ArrayList<Secret> all = new java.util.ArrayList<>();
        all.add(admin.token());
        if (openstack.auth() instanceof Auth.Password p) {
            all.add(p.password());
        } else if (openstack.auth() instanceof Auth.ApplicationCredential a) {
            all.add(a.secret());
        }
        pairs.values().forEach(p -> {
            if (p.probe().password() != null) {
                all.add(p.probe().password());
            }
        });
        return List.copyOf(all);
    }
}
