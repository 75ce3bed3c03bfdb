package org.sipmediadeploy.e2e;

import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The real session of {@link E2eCluster}: a demo {@link Cluster}, its {@link InvariantChecker} and, per test when
 * asked for, a {@link TrafficRecorder} through both floating IPs.
 */
final class DemoSession implements E2eCluster.Session {
    /** How long a restored cluster may take to look clean (a rejoining node catching up, a decision finishing). */
    static final Duration CLEAN_WITHIN = Duration.ofSeconds(60);

    private final Path dir;
    private final Cluster cluster;
    private final InvariantChecker checker;
    private final boolean withTraffic;
    private TrafficRecorder traffic;

    private DemoSession(Path dir, Cluster cluster, boolean withTraffic) {
        this.dir = dir;
        this.cluster = cluster;
        this.checker = new InvariantChecker(cluster, 1, 6);
        this.withTraffic = withTraffic;
    }

    static DemoSession start(
            Path dir, int block, String failover, String nodeHost, boolean withTraffic, Duration healthyWithin)
            throws Exception {
        Cluster c = Cluster.start(dir, block, failover, nodeHost);
        try {
            c.awaitHealthy(healthyWithin);
            return new DemoSession(dir, c, withTraffic);
        } catch (RuntimeException | Error e) {
            c.close();
            throw e;
        }
    }

    Path dir() {
        return dir;
    }

    Cluster cluster() {
        return cluster;
    }

    InvariantChecker checker() {
        return checker;
    }

    TrafficRecorder traffic() {
        if (traffic == null) {
            throw new IllegalStateException("no client traffic: build the E2eCluster with traffic()");
        }
        return traffic;
    }

    @Override
    public List<String> awaitClean() {
        AtomicReference<List<String>> last = new AtomicReference<>(List.of("not observed yet"));
        AtomicReference<List<String>> first = new AtomicReference<>();
        long t0 = System.nanoTime();
        try {
            await().atMost(CLEAN_WITHIN).pollInterval(Duration.ofMillis(500)).until(() -> {
                List<String> dirt = set(last, observeDirt());
                first.compareAndSet(null, dirt);
                return dirt.isEmpty();
            });
            if (!first.get().isEmpty()) {
                // evidence of what a restored cluster still needed time for (a node catching up, a decision ending)
                System.out.printf(
                        "%s clean after %d ms, first seen: %s%n",
                        dir.getFileName(), (System.nanoTime() - t0) / 1_000_000, first.get());
            }
            return List.of();
        } catch (ConditionTimeoutException e) {
            cluster.dumpThreads("not-clean");
            return last.get();
        }
    }

    private List<String> observeDirt() {
        try {
            return CleanStateReader.read(cluster).dirt();
        } catch (RuntimeException e) {
            return List.of("cannot observe the cluster: " + e);
        }
    }

    @Override
    public void beforeTest() {
        if (!withTraffic) {
            return;
        }
        traffic = new TrafficRecorder(cluster.floating("kamailio"), cluster.floating("coturn"), Duration.ofMinutes(5));
        TrafficRecorder t = traffic;
        await().atMost(Duration.ofSeconds(10))
                .until(() -> t.lastOk(Probe.Kind.SIP) != null && t.lastOk(Probe.Kind.STUN) != null);
    }

    @Override
    public List<String> restoreAndCheck() throws Exception {
        if (traffic != null) {
            traffic.close();
            traffic = null;
        }
        cluster.restoreWorld();
        // the history has converged (healthy, nothing in flight): every invariant must hold over all of it
        AtomicReference<List<String>> last = new AtomicReference<>(List.of());
        try {
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofSeconds(1))
                    .ignoreExceptions()
                    .until(() -> set(last, checker.check(true)).isEmpty());
        } catch (ConditionTimeoutException e) {
            return last.get().isEmpty()
                    ? List.of("the invariant check did not complete: " + e.getMessage())
                    : last.get();
        }
        return List.of();
    }

    private static List<String> set(AtomicReference<List<String>> ref, List<String> v) {
        ref.set(v);
        return v;
    }

    @Override
    public void close() {
        if (traffic != null) {
            traffic.close();
            traffic = null;
        }
        cluster.close();
    }
}
