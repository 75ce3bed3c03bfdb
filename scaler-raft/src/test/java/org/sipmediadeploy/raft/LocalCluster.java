package org.sipmediadeploy.raft;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.awaitility.Awaitility;
import org.sipmediadeploy.core.testing.FreePort;

/** Three (or n) real Ratis servers in this JVM on 127.0.0.1, free ports, temporary storage. */
final class LocalCluster implements AutoCloseable {
    final Map<String, String> peers = new TreeMap<>();
    final Map<String, RaftSettings> settings = new LinkedHashMap<>();
    final Map<String, RaftNode> nodes = new TreeMap<>();
    final Map<String, RecordingListener> listeners = new TreeMap<>();
    final Map<String, ProbeView> views = new TreeMap<>();

    private final Path dir;
    private final String host;
    private final UnaryOperator<RaftSettings> tweak;

    LocalCluster(Path dir, int size, UnaryOperator<RaftSettings> tweak) {
        this(dir, size, tweak, "127.0.0.1");
    }

    /** {@code host}: the loopback address every node listens on (tests of one engineer keep to their block). */
    LocalCluster(Path dir, int size, UnaryOperator<RaftSettings> tweak, String host) {
        this.dir = dir;
        this.host = host;
        this.tweak = tweak;
        for (int i = 1; i <= size; i++) {
            peers.put("n" + i, host + ":" + FreePort.on(host));
        }
        for (String id : peers.keySet()) {
            settings.put(id, tweak.apply(RaftSettings.of("test-cluster", id, peers, dir.resolve(id))));
            views.put(id, new ProbeView());
        }
    }

    /**
     * Settings for a new node {@code id} whose config file lists {@code listed} (id to address) plus itself, with
     * fresh storage; it is not started.
     */
    RaftSettings prepare(String id, Map<String, String> listed) {
        Map<String, String> p = new TreeMap<>(listed);
        p.put(id, host + ":" + FreePort.on(host));
        RaftSettings s = tweak.apply(RaftSettings.of("test-cluster", id, p, dir.resolve(id)));
        settings.put(id, s);
        views.put(id, new ProbeView());
        return s;
    }

    LocalCluster startAll() {
        for (String id : peers.keySet()) {
            start(id);
        }
        return this;
    }

    RaftNode start(String id) {
        RecordingListener l = listeners.computeIfAbsent(id, k -> new RecordingListener());
        try {
            RaftNode n = RaftNode.start(settings.get(id), views.get(id), l);
            nodes.put(id, n);
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void kill(String id) {
        RaftNode n = nodes.remove(id);
        if (n != null) {
            n.close();
        }
    }

    Optional<RaftNode> readyLeader() {
        List<RaftNode> leaders = new ArrayList<>();
        for (RaftNode n : nodes.values()) {
            if (n.leaderTerm().isPresent()) {
                leaders.add(n);
            }
        }
        return leaders.size() == 1 ? Optional.of(leaders.get(0)) : Optional.empty();
    }

    RaftNode awaitLeader(Duration atMost) {
        return Awaitility.await()
                .atMost(atMost)
                .pollInterval(Duration.ofMillis(10))
                .until(this::readyLeader, Optional::isPresent)
                .orElseThrow();
    }

    List<RaftNode> followers(RaftNode leader) {
        List<RaftNode> out = new ArrayList<>(nodes.values());
        out.remove(leader);
        return out;
    }

    @Override
    public void close() {
        for (String id : new ArrayList<>(nodes.keySet())) {
            kill(id);
        }
    }
}
