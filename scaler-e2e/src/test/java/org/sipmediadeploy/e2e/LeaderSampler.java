package org.sipmediadeploy.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.sipmediadeploy.core.model.Secret;
import org.sipmediadeploy.daemon.admin.AdminClient;

/**
 * Asks every running scaler node for its status every 200 ms (1 s timeout each) and records whether some node
 * reported itself the ready LEADER, and which: the evidence that a leader was available throughout a rolling
 * restart. Bounded: it stops by itself after {@code maxRun}.
 */
final class LeaderSampler implements AutoCloseable {
    static final long PERIOD_MS = 200;

    /** One round over the nodes: when it started and the leader found (null when none answered as leader). */
    record Sample(Instant at, String leader) {}

    private final List<Sample> samples = new ArrayList<>();
    private final ExecutorService pool = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "e2e-leader-sampler");
        t.setDaemon(true);
        return t;
    });
    private final Future<?> running;
    private volatile boolean stop;

    /** {@code admin}: node id to admin base URL; {@code alive}: the nodes whose process runs now. */
    LeaderSampler(Map<String, URI> admin, Path tokenFile, Supplier<List<String>> alive, Duration maxRun)
            throws java.io.IOException {
        Secret token =
                Secret.of(Files.readString(tokenFile, StandardCharsets.UTF_8).strip());
        long end = System.nanoTime() + maxRun.toNanos();
        running = pool.submit(() -> {
            long next = System.nanoTime();
            while (!stop && System.nanoTime() < end) {
                Instant at = Instant.now();
                String leader = null;
                for (String node : alive.get()) {
                    try {
                        JsonNode n = new AdminClient(admin.get(node), token, Duration.ofSeconds(1))
                                .status()
                                .path("node");
                        if ("LEADER".equals(n.path("role").asText())) {
                            leader = node;
                            break;
                        }
                    } catch (RuntimeException e) {
                        // stopping, starting or slow: this node is not the answer this round
                    }
                }
                synchronized (samples) {
                    samples.add(new Sample(at, leader));
                }
                next += TimeUnit.MILLISECONDS.toNanos(PERIOD_MS);
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    // a paced sampler, not a test wait
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                } else {
                    next = System.nanoTime();
                }
            }
        });
    }

    List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    /**
     * The longest time without a leader: from the last sample that saw one to the next that did (or to the end).
     * A round that took long (a node's status timing out) counts fully: the gap is measured between round starts.
     */
    Duration longestGap() {
        List<Sample> l = samples();
        Instant lastSeen = l.isEmpty() ? null : l.get(0).at();
        Duration worst = Duration.ZERO;
        for (Sample s : l) {
            if (s.leader() != null) {
                Duration gap = Duration.between(lastSeen, s.at());
                worst = gap.compareTo(worst) > 0 ? gap : worst;
                lastSeen = s.at();
            }
        }
        if (!l.isEmpty()) {
            Duration tail = Duration.between(lastSeen, l.get(l.size() - 1).at());
            worst = tail.compareTo(worst) > 0 ? tail : worst;
        }
        return worst;
    }

    /** The leaders in the order they were seen (consecutive duplicates folded). */
    List<String> leaders() {
        List<String> out = new ArrayList<>();
        for (Sample s : samples()) {
            if (s.leader() != null && (out.isEmpty() || !out.get(out.size() - 1).equals(s.leader()))) {
                out.add(s.leader());
            }
        }
        return out;
    }

    @Override
    public void close() {
        stop = true;
        try {
            running.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            running.cancel(true);
        }
        pool.shutdownNow();
    }
}
