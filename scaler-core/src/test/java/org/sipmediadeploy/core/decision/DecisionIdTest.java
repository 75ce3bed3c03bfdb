package org.sipmediadeploy.core.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class DecisionIdTest {
    @Test
    void formatsTermSeqAndNode() {
        assertEquals("d7-12-scaler-1", new DecisionId(7, 12, "scaler-1").format());
    }

    @Test
    void anIdWithoutNodeHasNoTrailingDash() {
        assertEquals("d3-1", new DecisionId(3, 1, "").format());
    }

    @Test
    void parseReadsBackWhatFormatWrote() {
        for (DecisionId id : new DecisionId[] {
            new DecisionId(7, 12, "scaler-1"), new DecisionId(3, 1, ""), new DecisionId(0, 0, "n1")
        }) {
            assertEquals(Optional.of(id), DecisionId.parse(id.format()));
        }
    }

    @Test
    void aNodeIdMayContainDashes() {
        DecisionId id = DecisionId.parse("d2-5-scaler-b-3").orElseThrow();
        assertEquals(2, id.term());
        assertEquals(5, id.seq());
        assertEquals("scaler-b-3", id.node());
        assertTrue(id.hasNode());
    }

    @Test
    void textThatIsNotADecisionIdParsesToEmpty() {
        for (String s : new String[] {
            "", "op3-n1-17-1", "d-1-n", "dx-1", "d1", "d1-", "d1-2-", "D1-2-n", "d99999999999999999999-1-n"
        }) {
            assertEquals(Optional.empty(), DecisionId.parse(s), s);
        }
        assertEquals(Optional.empty(), DecisionId.parse(null));
    }

    @Test
    void negativeTermOrSeqIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new DecisionId(-1, 1, "n"));
        assertThrows(IllegalArgumentException.class, () -> new DecisionId(1, -1, "n"));
    }
}
