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
}
