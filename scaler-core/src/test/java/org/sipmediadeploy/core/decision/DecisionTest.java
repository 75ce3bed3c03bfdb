package org.sipmediadeploy.core.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DecisionTest {
    @Test
    void failoverToTheSameMemberIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Decision.Failover("d1-1", "sip", "a", "a", "r"));
    }

    @Test
    void blankOrMissingIdIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Decision.HoldPair(" ", "sip", "r"));
        assertThrows(NullPointerException.class, () -> new Decision.HoldPair(null, "sip", "r"));
        assertThrows(NullPointerException.class, () -> new Decision.CreateHost("d1-1", "gw", "h", null));
    }

    @Test
    void scopeIsThePairOrPoolTheDecisionIsAbout() {
        assertEquals("sip", new Decision.Reassociate("d1-1", "sip", "a", "r").scope());
        assertEquals("gw", new Decision.DrainHost("d1-1", "gw", "h", "r").scope());
        assertEquals("gw", new Decision.DeleteOrphan("d1-1", "gw", "srv", "r").scope());
    }

    @Test
    void recordKeepsFactsImmutableAndDetailNeverNull() {
        DecisionRecord r = new DecisionRecord(
                new Decision.HoldPair("d1-1", "sip", "r"),
                1,
                2,
                Instant.parse("2026-01-05T10:00:00Z"),
                Outcome.PENDING,
                null,
                null,
                null);
        assertEquals("", r.outcomeDetail());
        assertEquals(Map.of(), r.facts());
        assertEquals("d1-1", r.id());
        assertThrows(UnsupportedOperationException.class, () -> r.facts().put("k", "v"));
    }
}
