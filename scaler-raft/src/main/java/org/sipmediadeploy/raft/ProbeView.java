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
import java.util.function.LongSupplier;
import org.sipmediadeploy.core.model.ProbeStatus;

/**
 * This node's own verdict per target key, as its control loop last concluded it (DOWN only past its own failure
 * threshold, UNKNOWN while failing below it). Peers read it through {@link org.sipmediadeploy.core.port.PeerProbes}
 * ("do you see X?"). Not replicated: each node answers for itself. Each verdict is valid for a while after it was
 * recorded (a few probe intervals); past that it is answered UNKNOWN, so a node whose prober stalled stops voting.
 */
public final class ProbeView {
    /** Validity of a verdict recorded without one. */
    static final Duration DEFAULT_VALIDITY = Duration.ofSeconds(5);

    /** A verdict and the monotonic time (nanoseconds) until which it holds. */
    private record Verdict(ProbeStatus status, long validUntil) {}

    private final LongSupplier nanos;
    private final Map<String, Verdict> latest = new ConcurrentHashMap<>();
    private final Map<String, List<CompletableFuture<ProbeStatus>>> waiting = new ConcurrentHashMap<>();

    public ProbeView() {
        this(System::nanoTime);
    }

    /** With a monotonic clock in nanoseconds (a test's own). */
    ProbeView(LongSupplier nanos) {
        this.nanos = nanos;
    }

    /** As {@link #update(String, ProbeStatus, Duration)} with {@link #DEFAULT_VALIDITY}. */
    public void update(String targetKey, ProbeStatus status) {
        update(targetKey, status, DEFAULT_VALIDITY);
    }

    /**
     * Records this node's verdict on {@code targetKey}, answered for {@code validFor} unless refreshed; a settled
     * one (UP, DOWN) answers the peers waiting for it.
     */
    public void update(String targetKey, ProbeStatus status, Duration validFor) {
        latest.put(
                Objects.requireNonNull(targetKey, "targetKey"),
                new Verdict(Objects.requireNonNull(status, "status"), nanos.getAsLong() + validFor.toNanos()));
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
        return Optional.ofNullable(current(targetKey));
    }

    /** The verdict on {@code targetKey}, UNKNOWN once stale, null when there is none. */
    private ProbeStatus current(String targetKey) {
        Verdict v = latest.get(targetKey);
        if (v == null) {
            return null;
        }
        return nanos.getAsLong() - v.validUntil() > 0 ? ProbeStatus.UNKNOWN : v.status();
    }

    /**
     * The verdict on {@code targetKey}, waiting up to {@code maxWait} while it is UNKNOWN (failing, not yet past
     * the threshold): when a member really died, every node crosses its threshold within a few milliseconds of the
     * others, and answering once this node's own next result is in spares the asker a whole pass. Completes with
     * null when this node has no verdict at all, and with UNKNOWN when nothing settled in time.
     */
    // Removing a waiter by equals is removing that very future: CompletableFuture's equals is identity.
    @SuppressWarnings("CollectionUndefinedEquality")
    public CompletableFuture<ProbeStatus> settled(String targetKey, Duration maxWait) {
        ProbeStatus now = current(targetKey);
        if (now != ProbeStatus.UNKNOWN) {
            return CompletableFuture.completedFuture(now);
        }
        CompletableFuture<ProbeStatus> f = new CompletableFuture<>();
        List<CompletableFuture<ProbeStatus>> w = waiting.computeIfAbsent(targetKey, k -> new CopyOnWriteArrayList<>());
        w.add(f);
        // an update may have landed between the read above and the registration
        ProbeStatus again = current(targetKey);
        if (again != ProbeStatus.UNKNOWN) {
            f.complete(again);
        }
        f.completeOnTimeout(ProbeStatus.UNKNOWN, maxWait.toMillis(), TimeUnit.MILLISECONDS);
        var unused = f.whenComplete((s, e) -> w.remove(f));
        return f;
    }
}
