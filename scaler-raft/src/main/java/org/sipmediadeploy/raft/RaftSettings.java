package org.sipmediadeploy.raft;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Everything a node needs to join its cluster, validated at construction (config fails closed).
 *
 * @param clusterName       names the cluster; the Raft group id is derived from it, so every node must use the same
 * @param nodeId            this node's stable peer id; must be a key of {@code peers}
 * @param peers             every voting member, id to {@code host:port} (this node included)
 * @param storageDir        persistent Raft log and snapshots; FORMAT happens only while it holds no group yet
 * @param electionTimeoutMin lower bound of the randomized election timeout
 * @param electionTimeoutMax upper bound; a dead leader is replaced after about this plus one election round
 * @param requestTimeout    client and server RPC timeout; also bounds one proposal attempt
 * @param clientRetries     how many times a proposal is retried (e.g. while no leader is elected): bounded
 * @param snapshotThreshold applied entries between automatic snapshots (the log is purged up to each snapshot)
 * @param logSegmentBytes   maximum size of one log segment file (only closed segments can be purged)
 * @param tls               mutual TLS between nodes and from clients, or null for plaintext (tests on loopback)
 */
public record RaftSettings(
        String clusterName,
        String nodeId,
        Map<String, String> peers,
        Path storageDir,
        Duration electionTimeoutMin,
        Duration electionTimeoutMax,
        Duration requestTimeout,
        int clientRetries,
        long snapshotThreshold,
        long logSegmentBytes,
        TlsSettings tls) {
    /** Measured on loopback (bench/raft): p99 takeover well under 1 s, and 300 ms survives ordinary GC pauses. */
    public static final Duration DEFAULT_ELECTION_MIN = Duration.ofMillis(250);

    public static final Duration DEFAULT_ELECTION_MAX = Duration.ofMillis(450);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(3);
    public static final int DEFAULT_CLIENT_RETRIES = 10;
    public static final long DEFAULT_SNAPSHOT_THRESHOLD = 10_000;
    public static final long DEFAULT_LOG_SEGMENT_BYTES = 8L * 1024 * 1024;

    /** Mutual TLS material, PEM files: PKCS#8 private key, certificate chain, trusted CA certificates. */
    public record TlsSettings(Path privateKey, Path certChain, Path trustedCas) {
        public TlsSettings {
            Objects.requireNonNull(privateKey, "privateKey");
            Objects.requireNonNull(certChain, "certChain");
            Objects.requireNonNull(trustedCas, "trustedCas");
        }

        @Override
        public String toString() {
            // The key path is not a secret, but keep logs free of key material locations' contents.
            return "TlsSettings[certChain=" + certChain + ", trustedCas=" + trustedCas + "]";
        }
    }

    public RaftSettings {
        Objects.requireNonNull(clusterName, "clusterName");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(storageDir, "storageDir");
        Objects.requireNonNull(electionTimeoutMin, "electionTimeoutMin");
        Objects.requireNonNull(electionTimeoutMax, "electionTimeoutMax");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (clusterName.isBlank()) {
            throw new IllegalArgumentException("clusterName must not be blank");
        }
        peers = java.util.Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(peers, "peers")));
        if (!peers.containsKey(nodeId)) {
            throw new IllegalArgumentException("node " + nodeId + " is not among the peers " + peers.keySet());
        }
        peers.forEach(RaftSettings::checkAddress);
        if (electionTimeoutMin.toMillis() < 50 || electionTimeoutMax.compareTo(electionTimeoutMin) <= 0) {
            throw new IllegalArgumentException("election timeout must satisfy 50 ms <= min < max, was "
                    + electionTimeoutMin.toMillis() + ".." + electionTimeoutMax.toMillis() + " ms");
        }
        if (requestTimeout.compareTo(electionTimeoutMax) <= 0) {
            throw new IllegalArgumentException("requestTimeout must exceed the election timeout max");
        }
        if (clientRetries < 0 || clientRetries > 1000) {
            throw new IllegalArgumentException("clientRetries must be in 0..1000, was " + clientRetries);
        }
        if (snapshotThreshold < 1) {
            throw new IllegalArgumentException("snapshotThreshold must be >= 1");
        }
        if (logSegmentBytes < 8 * 1024) {
            throw new IllegalArgumentException("logSegmentBytes must be >= 8 KiB");
        }
    }

    /** The defaults, for a cluster of {@code peers}. */
    public static RaftSettings of(String clusterName, String nodeId, Map<String, String> peers, Path storageDir) {
        return new RaftSettings(
                clusterName,
                nodeId,
                peers,
                storageDir,
                DEFAULT_ELECTION_MIN,
                DEFAULT_ELECTION_MAX,
                DEFAULT_REQUEST_TIMEOUT,
                DEFAULT_CLIENT_RETRIES,
                DEFAULT_SNAPSHOT_THRESHOLD,
                DEFAULT_LOG_SEGMENT_BYTES,
                null);
    }

    public RaftSettings withElectionTimeout(Duration min, Duration max) {
        return new RaftSettings(
                clusterName,
                nodeId,
                peers,
                storageDir,
                min,
                max,
                requestTimeout,
                clientRetries,
                snapshotThreshold,
                logSegmentBytes,
                tls);
    }

    public RaftSettings withSnapshots(long threshold, long segmentBytes) {
        return new RaftSettings(
                clusterName,
                nodeId,
                peers,
                storageDir,
                electionTimeoutMin,
                electionTimeoutMax,
                requestTimeout,
                clientRetries,
                threshold,
                segmentBytes,
                tls);
    }

    public RaftSettings withTls(TlsSettings t) {
        return new RaftSettings(
                clusterName,
                nodeId,
                peers,
                storageDir,
                electionTimeoutMin,
                electionTimeoutMax,
                requestTimeout,
                clientRetries,
                snapshotThreshold,
                logSegmentBytes,
                t);
    }

    public RaftSettings withRequestTimeout(Duration timeout, int retries) {
        return new RaftSettings(
                clusterName,
                nodeId,
                peers,
                storageDir,
                electionTimeoutMin,
                electionTimeoutMax,
                timeout,
                retries,
                snapshotThreshold,
                logSegmentBytes,
                tls);
    }

    private static void checkAddress(String id, String address) {
        if (id == null || id.isBlank() || address == null) {
            throw new IllegalArgumentException("peer id and address must be set");
        }
        int colon = address.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("peer " + id + " address must be host:port, was " + address);
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("peer " + id + " has a bad port in " + address, e);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("peer " + id + " port must be in 1..65535, was " + port);
        }
    }

    String host() {
        String a = peers.get(nodeId);
        return a.substring(0, a.lastIndexOf(':'));
    }

    int port() {
        String a = peers.get(nodeId);
        return Integer.parseInt(a.substring(a.lastIndexOf(':') + 1));
    }
}
