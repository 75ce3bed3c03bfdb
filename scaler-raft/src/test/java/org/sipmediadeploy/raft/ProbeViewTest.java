package org.sipmediadeploy.raft;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.sipmediadeploy.core.model.ProbeStatus;

/** A peer's answer to "do you see X?": at once when settled, after its next verdict while failing below threshold. */
class ProbeViewTest {
    @Test
    void aSettledOrMissingVerdictIsAnsweredAtOnce() {
        ProbeView v = new ProbeView();
        assertNull(v.settled("sip:a", Duration.ofSeconds(5)).getNow(ProbeStatus.UNKNOWN));
        v.update("sip:a", ProbeStatus.UP);
        assertEquals(ProbeStatus.UP, v.settled("sip:a", Duration.ofSeconds(5)).getNow(null));
        v.update("sip:a", ProbeStatus.DOWN);
        assertEquals(ProbeStatus.DOWN, v.settled("sip:a", Duration.ofSeconds(5)).getNow(null));
    }

    @Test
    void aVerdictFailingBelowTheThresholdIsAnsweredWhenItSettles() {
        ProbeView v = new ProbeView();
        v.update("sip:a", ProbeStatus.UNKNOWN);
        CompletableFuture<ProbeStatus> answer = v.settled("sip:a", Duration.ofSeconds(30));
        assertFalse(answer.isDone());
        v.update("sip:a", ProbeStatus.UNKNOWN); // a second failure: still below the threshold
        assertFalse(answer.isDone());
        v.update("sip:a", ProbeStatus.DOWN); // the third: past it
        assertEquals(ProbeStatus.DOWN, answer.getNow(null));
    }

    @Test
    void aVerdictThatDoesNotSettleInTimeIsAnsweredUnknown() {
        ProbeView v = new ProbeView();
        v.update("sip:a", ProbeStatus.UNKNOWN);
        CompletableFuture<ProbeStatus> answer = v.settled("sip:a", Duration.ofMillis(100));
        await().atMost(Duration.ofSeconds(10)).until(answer::isDone);
        assertEquals(ProbeStatus.UNKNOWN, answer.getNow(null));
        v.update("sip:a", ProbeStatus.UP);
        assertEquals(ProbeStatus.UNKNOWN, answer.getNow(null), "answered once");
    }

    /**
     * Verdicts carried no age: a node whose prober stalled kept answering its last verdict (DOWN or UP) for ever
     * and kept voting in failover confirmations. A verdict not refreshed within its validity is answered UNKNOWN.
     */
    @Test
    void aVerdictNotRefreshedWithinItsValidityIsAnsweredUnknown() {
        long[] nanos = {0};
        ProbeView v = new ProbeView(() -> nanos[0]);
        v.update("sip:a", ProbeStatus.DOWN, Duration.ofSeconds(2));
        nanos[0] = Duration.ofMillis(1900).toNanos();
        assertEquals(ProbeStatus.DOWN, v.settled("sip:a", Duration.ZERO).getNow(null), "still fresh");
        nanos[0] = Duration.ofMillis(2100).toNanos();
        assertEquals(ProbeStatus.UNKNOWN, v.get("sip:a").orElseThrow(), "stale: no vote");
        assertEquals(ProbeStatus.UNKNOWN, v.settled("sip:a", Duration.ZERO).join());
        v.update("sip:a", ProbeStatus.UP, Duration.ofSeconds(2));
        assertEquals(ProbeStatus.UP, v.settled("sip:a", Duration.ZERO).getNow(null), "refreshed");
    }
}
