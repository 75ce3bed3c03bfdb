package org.sipmediadeploy.probes;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.sipmediadeploy.core.model.ProbeResult;

/**
 * Threads and time shared by the probers of one node. Deadlines use the monotonic clock; the wall clock only
 * stamps results. Blocking work (a TCP connect, a TLS handshake) runs on the cached {@code io} pool so that one
 * slow target never holds up another; the {@code timer} only completes futures.
 */
final class ProbeRuntime implements AutoCloseable {
    final ScheduledExecutorService timer;
    final ExecutorService io;
    final Clock clock;

    ProbeRuntime(Clock clock) {
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon("probe-timer"));
        this.io = Executors.newCachedThreadPool(daemon("probe-io"));
    }

    Instant now() {
        return clock.instant();
    }

    static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** Completes {@code result} with {@code onTimeout} unless it completes first; runs {@code cleanup} then. */
    ScheduledFuture<?> deadline(CompletableFuture<ProbeResult> result, Duration timeout, Runnable onTimeout) {
        ScheduledFuture<?> f = timer.schedule(onTimeout, Math.max(1, timeout.toNanos()), TimeUnit.NANOSECONDS);
        var unused = result.whenComplete((r, e) -> f.cancel(false));
        return f;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        io.shutdownNow();
    }

    static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
