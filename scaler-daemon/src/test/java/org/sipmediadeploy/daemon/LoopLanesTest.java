package org.sipmediadeploy.daemon;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The daemon's two loop lanes. Before, one thread ran inventory, host creation and failover in turn, a lost
 * leadership left a retrying cloud call running, and a stopping leader handed leadership over after 5 s whether or
 * not a cloud call was still in flight.
 */
class LoopLanesTest {
    private static final Duration TICK = Duration.ofMillis(10);

    @Test
    void thePairLaneKeepsPassingWhileTheRestLaneHangsInACloudCall() throws Exception {
        LoopLanes lanes = new LoopLanes("n1");
        CountDownLatch nova = new CountDownLatch(1);
        AtomicInteger pairPasses = new AtomicInteger();
        lanes.start(pairPasses::incrementAndGet, () -> block(nova), TICK);
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> pairPasses.get() >= 5);
        } finally {
            nova.countDown();
            lanes.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void losingLeadershipCancelsTheCallInFlightAndTheNextPassRunsNormally() throws Exception {
        LoopLanes lanes = new LoopLanes("n1");
        CountDownLatch never = new CountDownLatch(1);
        AtomicBoolean cancelled = new AtomicBoolean();
        AtomicBoolean inCall = new AtomicBoolean();
        AtomicInteger later = new AtomicInteger();
        AtomicBoolean laterInterrupted = new AtomicBoolean();
        lanes.start(
                () -> {},
                () -> {
                    if (!cancelled.get()) {
                        inCall.set(true);
                        try {
                            never.await(); // a retry's backoff, an answer that does not come
                        } catch (InterruptedException e) {
                            cancelled.set(true);
                        }
                    } else {
                        later.incrementAndGet();
                        laterInterrupted.compareAndSet(
                                false, Thread.currentThread().isInterrupted());
                    }
                },
                TICK);
        try {
            await().atMost(Duration.ofSeconds(10)).untilTrue(inCall);
            lanes.cancelInFlight();
            await().atMost(Duration.ofSeconds(10)).untilTrue(cancelled);
            await().atMost(Duration.ofSeconds(10)).until(() -> later.get() >= 3);
            assertFalse(laterInterrupted.get(), "the cancel hit only the pass it was meant for");
        } finally {
            assertTrue(lanes.stop(Duration.ofSeconds(5)));
        }
    }

    @Test
    void stoppingCancelsAPassThatOutlastsTheGraceAndReportsTheLanesIdle() throws Exception {
        LoopLanes lanes = new LoopLanes("n1");
        AtomicBoolean inCall = new AtomicBoolean();
        lanes.start(
                () -> {
                    inCall.set(true);
                    try {
                        new CountDownLatch(1).await();
                    } catch (InterruptedException e) {
                        // cancelled
                    }
                },
                () -> {},
                TICK);
        await().atMost(Duration.ofSeconds(10)).untilTrue(inCall);
        assertTrue(lanes.stop(Duration.ofMillis(200)), "cancelled, then idle");
    }

    @Test
    void stoppingReportsACallThatIgnoresCancellationAsStillInFlight() throws Exception {
        LoopLanes lanes = new LoopLanes("n1");
        AtomicBoolean inCall = new AtomicBoolean();
        CountDownLatch answer = new CountDownLatch(1);
        lanes.start(
                () -> {
                    inCall.set(true);
                    // A blocking socket read: interrupts do not end it, only the answer (or its timeout) does.
                    boolean done = false;
                    while (!done) {
                        try {
                            done = answer.await(5, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            // ignored, like a socket read
                        }
                    }
                },
                () -> {},
                TICK);
        await().atMost(Duration.ofSeconds(10)).untilTrue(inCall);
        try {
            assertFalse(lanes.stop(Duration.ofMillis(200)), "a call still in flight: the caller must not hand over");
        } finally {
            answer.countDown();
        }
    }

    private static void block(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
