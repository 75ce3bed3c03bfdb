package org.sipmediadeploy.core.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;

import org.junit.jupiter.api.Test;

class OutcomeTest {
    @Test
    void onlyPendingIsNotFinal() {
        assertFalse(Outcome.PENDING.isFinal());
        for (Outcome o : EnumSet.complementOf(EnumSet.of(Outcome.PENDING))) {
            assertTrue(o.isFinal(), o + " must be final");
        }
        assertEquals(5, Outcome.values().length, "the table in Outcome's Javadoc has PENDING and four ends");
    }
}
