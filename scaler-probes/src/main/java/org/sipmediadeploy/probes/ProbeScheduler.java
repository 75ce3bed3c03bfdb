package org.sipmediadeploy.probes;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.sipmediadeploy.core.model.ProbeResult;
import org.sipmediadeploy.core.model.ProbeTarget;
import org.sipmediadeploy.core.port.Prober;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes each scheduled target at its own interval and delivers every result to a consumer (the control loop).
 * <ul>
 * <li>No drift: ticks are at fixed rate from the moment a target is scheduled, whatever a probe takes.</li>
 * <li>No pile-up: a tick that finds the previous probe of the same target still running is skipped and
 * counted, never queued.</li>
 * <li>Isolation: probes only start on the tick thread; they complete on the prober's threads, so a slow target
 * never delays another's tick.</li>
 * <li>Every probe yields a result: a prober that throws, or whose future never completes within
 * {@code timeout + grace}, yields UNKNOWN, stamped with the injected clock.</li>
 * </ul>
 * The consumer must be quick; an exception from it is logged and the schedule goes on.
 */
public final class ProbeScheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProbeScheduler.class);
    private static final Duration GRACE = Duration.ofMillis(500);

    private final Prober prober;
    private final Clock clock;
    private final BiConsumer<ProbeTarget, ProbeResult> consumer;
    private final ScheduledExecutorService ticks;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    /** Counters of one target's schedule. */
    public record Stats(long started, long completed, long skipped) {}

    private final class Entry {
        final ProbeTarget target;
        final Duration timeout;
        final AtomicBoolean running = new AtomicBoolean();
        final AtomicLong started = new AtomicLong();
        final AtomicLong completed = new AtomicLong();
        final AtomicLong skipped = new AtomicLong();
        volatile ScheduledFuture<?> future;
        volatile boolean cancelled;

        Entry(ProbeTarget target, Duration timeout) {
            this.target = target;
            this.timeout = timeout;
        }

        void tick() {
            if (cancelled) {
                return;
            }
            if (!running.compareAndSet(false, true)) {
                skipped.incrementAndGet();
                return;
            }
            started.incrementAndGet();
            CompletableFuture<ProbeResult> f;
            try {
                f = Objects.requireNonNull(prober.probe(target, timeout), "prober returned no future");
            } catch (RuntimeException e) {
                f = CompletableFuture.completedFuture(
                        ProbeResult.unknown(Duration.ZERO, "probe failed: " + Reasons.of(e, timeout), clock.instant()));
            }
            var unused = f.completeOnTimeout(null, timeout.plus(GRACE).toNanos(), TimeUnit.NANOSECONDS)
                    .whenComplete((r, e) -> finish(r, e));
        }

        private void finish(ProbeResult r, Throwable e) {
            ProbeResult result = r;
            if (e != null) {
                result = ProbeResult.unknown(Duration.ZERO, "probe failed: " + Reasons.of(e, timeout), clock.instant());
            } else if (r == null) {
                result = ProbeResult.unknown(
                        timeout.plus(GRACE),
                        "probe did not complete within " + timeout.plus(GRACE).toMillis() + " ms",
                        clock.instant());
            }
            completed.incrementAndGet();
            try {
                if (!cancelled) {
                    consumer.accept(target, result);
                }
            } catch (RuntimeException ex) {
                LOG.warn("probe result consumer failed for {}", target.key(), ex);
            } finally {
                running.set(false);
            }
        }
    }

    ProbeScheduler(Prober prober, Clock clock, BiConsumer<ProbeTarget, ProbeResult> consumer) {
        this.prober = Objects.requireNonNull(prober, "prober");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.ticks = Executors.newSingleThreadScheduledExecutor(ProbeRuntime.daemon("probe-scheduler"));
    }

    /**
     * Probes {@code target} every {@code interval} with {@code timeout}, starting now; replaces an earlier
     * schedule of the same target (same {@link ProbeTarget#key()}).
     */
    public void schedule(ProbeTarget target, Duration interval, Duration timeout) {
        Objects.requireNonNull(target, "target");
        if (interval.isNegative() || interval.isZero() || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("interval and timeout must be positive");
        }
        Entry entry = new Entry(target, timeout);
        Entry old = entries.put(target.key(), entry);
        if (old != null) {
            cancel(old);
        }
        entry.future = ticks.scheduleAtFixedRate(entry::tick, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Stops probing the target; a probe in flight still completes but its result is no longer delivered. */
    public void unschedule(ProbeTarget target) {
        Entry e = entries.remove(target.key());
        if (e != null) {
            cancel(e);
        }
    }

    private static void cancel(Entry e) {
        e.cancelled = true;
        ScheduledFuture<?> f = e.future;
        if (f != null) {
            f.cancel(false);
        }
    }

    /** Counters for a scheduled target, or zeros when it is not scheduled. */
    public Stats stats(ProbeTarget target) {
        Entry e = entries.get(target.key());
        return e == null ? new Stats(0, 0, 0) : new Stats(e.started.get(), e.completed.get(), e.skipped.get());
    }

    @Override
    public void close() {
        entries.values().forEach(ProbeScheduler::cancel);
        entries.clear();
        ticks.shutdownNow();
    }
}
