package org.sipmediadeploy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fencing rule the randomized run relies on for a node whose cloud calls were held (an API timeout): a call
 * its Keystone user makes after a newer leader became ready (plus the grace for a call on the wire) is a deposed
 * leader's act, whatever decision it carries out. No cluster: the rule on leader-ready lines alone.
 */
class InvariantCheckerTest {
    private static final Instant T0 = Instant.parse("2026-12-07T18:00:00Z");
    private static final List<InvariantChecker.LeaderTerm> TERMS = List.of(
            new InvariantChecker.LeaderTerm("scaler-1", 2, T0),
            new InvariantChecker.LeaderTerm("scaler-2", 3, T0.plusSeconds(10)));

    @Test
    void aCallByALeaderAfterANewerLeaderWasReadyIsADeposedLeadersAct() {
        Instant lateRetry =
                T0.plusSeconds(10).plus(InvariantChecker.FENCING_GRACE).plusMillis(1);
        assertFalse(InvariantChecker.leadingAt(TERMS, "scaler-1", lateRetry));
    }

    @Test
    void aCallOnTheWireWhenTheNewLeaderBecameReadyIsWithinTheGrace() {
        assertTrue(
                InvariantChecker.leadingAt(TERMS, "scaler-1", T0.plusSeconds(10).plusMillis(500)));
    }

    @Test
    void aNodeThatNeverLedIsNotLeadingAndTheNewLeaderIsFromItsReadyLine() {
        assertFalse(InvariantChecker.leadingAt(TERMS, "scaler-3", T0.plusSeconds(5)));
        assertFalse(InvariantChecker.leadingAt(TERMS, "scaler-2", T0.plusSeconds(9)));
        assertTrue(InvariantChecker.leadingAt(TERMS, "scaler-2", T0.plusSeconds(11)));
        assertEquals(3, InvariantChecker.termLedAt(TERMS, "scaler-2", T0.plusSeconds(11)));
    }
}
