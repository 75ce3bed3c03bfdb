package org.sipmediadeploy.raft;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.sipmediadeploy.core.model.ProbeStatus;

/**
 * This node's own latest probe verdict per target key, as its prober last saw it. Peers read it through
 * {@link org.sipmediadeploy.core.port.PeerProbes} ("do you see X?"). Not replicated: each node answers for itself.
 */
public final class ProbeView {
    private final Map<String, ProbeStatus> latest = new ConcurrentHashMap<>();

    /** Records what this node's prober just saw for {@code targetKey}. */
    public void update(String targetKey, ProbeStatus status) {
        latest.put(Objects.requireNonNull(targetKey, "targetKey"), Objects.requireNonNull(status, "status"));
    }

    public void forget(String targetKey) {
        latest.remove(targetKey);
    }

    public Optional<ProbeStatus> get(String targetKey) {
        return Optional.ofNullable(latest.get(targetKey));
    }
}
