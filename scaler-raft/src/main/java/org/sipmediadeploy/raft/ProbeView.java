package org.sipmediadeploy.raft;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.sipmediadeploy.core.model.ProbeStatus;

/**
 * This node's own verdict per target key, as its control loop last concluded it (DOWN only past its own failure
 * threshold, UNKNOWN while failing below it). Peers read it through {@link org.sipmediadeploy.core.port.PeerProbes}
 * ("do you see X?"). Not replicated: each node answers for itself.
 */
public final class ProbeView {
    private final Map<String, ProbeStatus> latest = new ConcurrentHashMap<>();
    private final Map<String, List<CompletableFuture<ProbeStatus>>> waiting = new ConcurrentHashMap<>();

    /** Records this node's verdict on {@code targetKey}; a settled one (UP, DOWN) answers the peers waiting for it. */
    public void update(String targetKey, ProbeStatus status) {
        latest.put(Objects.requireNonNull(targetKey, "targetKey"), Objects.requireNonNull(status, "status"));
        if (status != ProbeStatus.UNKNOWN) {
            List<CompletableFuture<ProbeStatus>> w = waiting.remove(targetKey);
            if (w != null) {
                w.forEach(f -> f.complete(status));
            }
        }
    }

    public void forget(String targetKey) {
        latest.remove(targetKey);
    }

    public Optional<ProbeStatus> get(String targetKey) {
        return Optional.ofNullable(latest.get(targetKey));
    }

    /**
     * The verdict on {@code targetKey}, waiting up to {@code maxWait} while it is UNKNOWN (failing, not yet past
     * the threshold): when a member really died, every node crosses its threshold within a few milliseconds of the
     * others, and answering once this node's own next result is in spares the asker a whole pass. Completes with
     * null when this node has no verdict at all, and with UNKNOWN when nothing settled in time.
     */
    public CompletableFuture<ProbeStatus> settled(String targetKey, Duration maxWait) {
        ProbeStatus now = latest.get(targetKey);
        if (now != ProbeStatus.UNKNOWN) {
            return CompletableFuture.completedFuture(now);
        }
        CompletableFuture<ProbeStatus> f = new CompletableFuture<>();
        List<CompletableFuture<ProbeStatus>> w = waiting.computeIfAbsent(targetKey, k -> new CopyOnWriteArrayList<>());
        w.add(f);
        // an update may have landed between the read above and the registration
        ProbeStatus again = latest.get(targetKey);
        if (again != ProbeStatus.UNKNOWN) {
            f.complete(again);
        }
        f.completeOnTimeout(ProbeStatus.UNKNOWN, maxWait.toMillis(), TimeUnit.MILLISECONDS);
        f.whenComplete((s, e) -> w.remove(f));
        return f;
    }
}
