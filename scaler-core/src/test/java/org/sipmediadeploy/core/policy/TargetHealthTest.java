package org.sipmediadeploy.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sipmediadeploy.core.Fixtures.MS;
import static org.sipmediadeploy.core.Fixtures.T0;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sipmediadeploy.core.model.ProbeResult;
import org.sipmediadeploy.core.model.ProbeStatus;

/** The running verdict on a probe target, the cluster confirmation, and decision ids. */
class TargetHealthTest {
    @Test
    void failuresCountUntilASuccessAndRememberWhenTheyStarted() {
        TargetHealth h = TargetHealth.NEVER_PROBED;
        assertFalse(h.isUp());
        assertEquals("never probed", h.lastReason());
        h = h.next(ProbeResult.down(MS, "503 Service Unavailable", T0));
        h = h.next(ProbeResult.down(MS, "timeout after 400 ms", T0.plusSeconds(1)));
        h = h.next(ProbeResult.unknown(MS, "our socket failed", T0.plusSeconds(2)));
        assertEquals(3, h.consecutiveFailures(), "UNKNOWN counts as a failure");
        assertEquals(T0, h.failingSince());
        assertEquals("our socket failed", h.lastReason());
        assertTrue(h.failedAtLeast(3));
        assertFalse(h.failedAtLeast(4));
        assertFalse(h.isUp());
        h = h.next(ProbeResult.up(MS, "200 OK", T0.plusSeconds(3)));
        assertEquals(0, h.consecutiveFailures());
        assertEquals(1, h.consecutiveSuccesses());
        assertNull(h.failingSince());
        assertTrue(h.isUp());
        h = h.next(ProbeResult.down(MS, "timeout", T0.plusSeconds(4)));
        assertEquals(T0.plusSeconds(4), h.failingSince(), "a new failure run starts its own clock");
        assertEquals(0, h.consecutiveSuccesses());
    }

    @Test
    void aPeerVotesDownOnlyPastItsOwnThreshold() {
        TargetHealth h = TargetHealth.NEVER_PROBED;
        assertEquals(ProbeStatus.UNKNOWN, h.peerVerdict(3));
        h = h.next(ProbeResult.up(MS, "200 OK", T0));
        assertEquals(ProbeStatus.UP, h.peerVerdict(3));
        h = h.next(ProbeResult.down(MS, "timeout", T0.plusSeconds(1)));
        assertEquals(ProbeStatus.UNKNOWN, h.peerVerdict(3), "one lost packet");
        h = h.next(ProbeResult.down(MS, "timeout", T0.plusSeconds(2)));
        assertEquals(ProbeStatus.UNKNOWN, h.peerVerdict(3));
        assertEquals(ProbeStatus.DOWN, h.peerVerdict(2));
        h = h.next(ProbeResult.unknown(MS, "our socket failed", T0.plusSeconds(3)));
        assertEquals(ProbeStatus.DOWN, h.peerVerdict(3));
    }

    @Test
    void majorityIsMoreThanHalfOfTheCluster() {
        assertFalse(new Confirmation(1, 3).isMajority());
        assertTrue(new Confirmation(2, 3).isMajority());
        assertFalse(new Confirmation(2, 4).isMajority());
        assertTrue(new Confirmation(3, 4).isMajority());
        assertTrue(new Confirmation(1, 1).isMajority());
        assertFalse(new Confirmation(0, 1).isMajority());
        assertEquals("2/3 nodes", new Confirmation(2, 3).toString());
    }

    @Test
    void impossibleConfirmationsAreRejected() {
        for (int[] bad : List.of(new int[] {4, 3}, new int[] {-1, 3}, new int[] {0, 0})) {
            assertThrows(IllegalArgumentException.class, () -> new Confirmation(bad[0], bad[1]));
        }
    }

    @Test
    void decisionIdsCarryTheTermAndCountUp() {
        DecisionIds ids = DecisionIds.forTerm(7, 41);
        assertEquals("d7-41", ids.next());
        assertEquals("d7-42", ids.next());
    }
}
