package org.sipmediadeploy.probes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sipmediadeploy.core.model.ProbeResult;
import org.sipmediadeploy.core.model.ProbeStatus;
import org.sipmediadeploy.core.model.ProbeTarget;
import org.sipmediadeploy.core.model.Transport;
import org.sipmediadeploy.core.port.Prober;

class ProbeSchedulerTest {
    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final ProbeTarget A = new ProbeTarget.SipOptions("127.0.1.1", 5060, Transport.UDP, null);
    private static final ProbeTarget B = new ProbeTarget.SipOptions("127.0.1.2", 5060, Transport.UDP, null);

    /** A prober whose probes finish only when the test says so, recording when each one started. */
    private static final class ControlledProber implements Prober {
        final Map<String, List<Long>> starts = new ConcurrentHashMap<>();
        final Map<String, List<CompletableFuture<ProbeResult>>> inFlight = new ConcurrentHashMap<>();
        volatile boolean completeAtOnce;
        volatile RuntimeException toThrow;

        @Override
        public CompletableFuture<ProbeResult> probe(ProbeTarget target, Duration timeout) {
            starts.computeIfAbsent(target.key(), k -> new CopyOnWriteArrayList<>())
                    .add(System.nanoTime());
            if (toThrow != null) {
                throw toThrow;
            }
            if (completeAtOnce) {
                return CompletableFuture.completedFuture(ProbeResult.up(Duration.ofMillis(1), "200 OK", NOW));
            }
            CompletableFuture<ProbeResult> f = new CompletableFuture<>();
            inFlight.computeIfAbsent(target.key(), k -> new CopyOnWriteArrayList<>())
                    .add(f);
            return f;
        }

        int started(ProbeTarget t) {
            return starts.getOrDefault(t.key(), List.of()).size();
        }

        @Override
        public void close() {}
    }

    private final ControlledProber prober = new ControlledProber();
    private final List<ProbeResult> delivered = new CopyOnWriteArrayList<>();
    private final ProbeScheduler scheduler = Probes.scheduler(prober, CLOCK, (t, r) -> delivered.add(r));

    @AfterEach
    void close() {
        scheduler.close();
    }

    @Test
    void slowProbeIsNeverStartedTwiceAndItsSkippedTicksAreCounted() {
        scheduler.schedule(A, Duration.ofMillis(20), Duration.ofSeconds(30));

        await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.stats(A).skipped() >= 5);
        assertEquals(1, prober.started(A), "one probe in flight, no pile-up");
        assertEquals(0, delivered.size());

        prober.inFlight.get(A.key()).get(0).complete(ProbeResult.up(Duration.ofMillis(1), "200 OK", NOW));
        await().atMost(Duration.ofSeconds(10)).until(() -> prober.started(A) >= 2);
        assertEquals(1, delivered.size());
        assertEquals(1, scheduler.stats(A).completed());
    }

    @Test
    void probesStartAtFixedRateFromSchedulingNeverEarlier() {
        Duration interval = Duration.ofMillis(50);
        prober.completeAtOnce = true;
        long scheduledAt = System.nanoTime();
        scheduler.schedule(A, interval, Duration.ofMillis(40));

        await().atMost(Duration.ofSeconds(10)).until(() -> prober.started(A) >= 6);

        List<Long> starts = prober.starts.get(A.key());
        for (int k = 1; k < 6; k++) {
            long sinceScheduled = starts.get(k) - scheduledAt;
            // Fixed rate from the moment of scheduling: the k-th start is never before k intervals; a late tick
            // shifts no later one (no drift), which an early start would reveal here.
            assertTrue(sinceScheduled >= interval.toNanos() * k, "start " + k + " at " + sinceScheduled);
        }
        assertEquals(0, scheduler.stats(A).skipped());
    }

    @Test
    void slowTargetDoesNotHoldUpAnotherTarget() {
        scheduler.schedule(A, Duration.ofMillis(20), Duration.ofSeconds(30));
        scheduler.schedule(B, Duration.ofMillis(20), Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(10)).until(() -> prober.started(A) == 1 && prober.started(B) == 1);

        // From now on probes complete at once; A's first probe stays in flight.
        prober.completeAtOnce = true;
        prober.inFlight.get(B.key()).get(0).complete(ProbeResult.up(Duration.ofMillis(1), "200 OK", NOW));

        await().atMost(Duration.ofSeconds(10)).until(() -> prober.started(B) >= 3);
        assertEquals(1, prober.started(A), "A is still on its first probe");
    }

    @Test
    void proberThatThrowsYieldsUnknownStampedWithTheInjectedClock() {
        prober.toThrow = new IllegalStateException("boom");
        scheduler.schedule(A, Duration.ofMillis(20), Duration.ofMillis(100));

        await().atMost(Duration.ofSeconds(10)).until(() -> delivered.size() >= 2);
        ProbeResult r = delivered.get(0);
        assertEquals(ProbeStatus.UNKNOWN, r.status());
        assertTrue(r.reason().startsWith("probe failed: "), r.reason());
        assertEquals(NOW, r.at());
    }

    @Test
    void probeThatNeverCompletesYieldsUnknownAndTheScheduleGoesOn() {
        scheduler.schedule(A, Duration.ofMillis(20), Duration.ofMillis(10));

        await().atMost(Duration.ofSeconds(10)).until(() -> delivered.size() >= 1 && prober.started(A) >= 2);
        assertEquals(ProbeStatus.UNKNOWN, delivered.get(0).status());
        assertEquals("probe did not complete within 510 ms", delivered.get(0).reason());
    }

    @Test
    void consumerThatThrowsDoesNotStopTheSchedule() {
        prober.completeAtOnce = true;
        List<ProbeResult> seen = new CopyOnWriteArrayList<>();
        try (ProbeScheduler s = Probes.scheduler(prober, CLOCK, (t, r) -> {
            seen.add(r);
            throw new IllegalStateException("consumer bug");
        })) {
            s.schedule(A, Duration.ofMillis(20), Duration.ofMillis(10));
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() >= 3);
        }
    }

    @Test
    void unscheduledTargetIsNoLongerProbed() {
        prober.completeAtOnce = true;
        scheduler.schedule(A, Duration.ofMillis(20), Duration.ofMillis(10));
        await().atMost(Duration.ofSeconds(10)).until(() -> prober.started(A) >= 2);

        scheduler.unschedule(A);
        int after = prober.started(A);
        // Another target's progress shows time passed without needing a sleep.
        scheduler.schedule(B, Duration.ofMillis(20), Duration.ofMillis(10));
        await().atMost(Duration.ofSeconds(10)).until(() -> prober.started(B) >= 5);

        assertTrue(prober.started(A) <= after + 1, "at most a tick already running when unscheduled");
        assertEquals(new ProbeScheduler.Stats(0, 0, 0), scheduler.stats(A));
    }
}
