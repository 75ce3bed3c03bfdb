package org.sipmediadeploy.e2e;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of the data plane: SIP OPTIONS to the Kamailio floating IP and STUN Binding to the Coturn
 * floating IP every 50 ms, each with a short timeout, every reply (or its absence) logged with its send time.
 * Bounded: it stops by itself after {@code maxRun} even if nobody calls {@link #close()}.
 */
final class TrafficRecorder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TrafficRecorder.class);
    static final long PERIOD_MS = 50;
    static final int TIMEOUT_MS = 200;

    record Sample(Instant sent, Probe.Kind kind, boolean ok, String server, long rttMicros) {}

    private final List<Sample> samples = new ArrayList<>();
    private final ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "e2e-traffic");
        t.setDaemon(true);
        return t;
    });
    private final List<Future<?>> running = new ArrayList<>();
    private volatile boolean stop;

    TrafficRecorder(String sipFloating, String stunFloating, Duration maxRun) {
        long end = System.nanoTime() + maxRun.toNanos();
        running.add(pool.submit(() -> loop(Probe.Kind.SIP, sipFloating, 5060, end)));
        running.add(pool.submit(() -> loop(Probe.Kind.STUN, stunFloating, 3478, end)));
    }

    private void loop(Probe.Kind kind, String address, int port, long end) {
        long next = System.nanoTime();
        while (!stop && System.nanoTime() < end) {
            Instant sent = Instant.now();
            long t0 = System.nanoTime();
            Probe.Answer a = Probe.once(kind, address, port, TIMEOUT_MS);
            long rtt = (System.nanoTime() - t0) / 1000;
            synchronized (samples) {
                samples.add(new Sample(sent, kind, a.ok(), a.server(), rtt));
            }
            if (LOG.isDebugEnabled()) {
                LOG.debug("{} {} {} {} {}us", sent, kind, a.ok() ? "OK" : "NO-REPLY", a.server(), rtt);
            }
            next += TimeUnit.MILLISECONDS.toNanos(PERIOD_MS);
            long wait = next - System.nanoTime();
            if (wait > 0) {
                // a paced client, not a test wait: parkNanos keeps the 50 ms cadence
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            } else {
                next = System.nanoTime();
            }
        }
    }

    List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    List<Sample> samples(Probe.Kind kind) {
        return samples().stream().filter(s -> s.kind() == kind).toList();
    }

    /** The first successful reply to a request sent at or after {@code from}, or null. */
    Sample firstOkAfter(Probe.Kind kind, Instant from) {
        for (Sample s : samples(kind)) {
            if (s.ok() && !s.sent().isBefore(from)) {
                return s;
            }
        }
        return null;
    }

    /** The last successful reply, or null. */
    Sample lastOk(Probe.Kind kind) {
        List<Sample> l = samples(kind);
        for (int i = l.size() - 1; i >= 0; i--) {
            if (l.get(i).ok()) {
                return l.get(i);
            }
        }
        return null;
    }

    @Override
    public void close() {
        stop = true;
        pool.shutdown();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pool.shutdownNow();
    }
}
