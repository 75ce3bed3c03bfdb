package org.sipmediadeploy.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sipmediadeploy.core.model.PairMode.AUTO;
import static org.sipmediadeploy.core.model.PairMode.MANUAL;
import static org.sipmediadeploy.core.model.PairMode.PAUSED;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** One test per arrow of the table in {@link PairMode}'s Javadoc; the missing arrows are the self-loops. */
class PairModeTest {
    @Test
    void operatorPausesAnAutoPair() {
        assertTrue(AUTO.canMoveTo(PAUSED));
    }

    @Test
    void antiFlapLimitOrOperatorPutsAnAutoPairInManual() {
        assertTrue(AUTO.canMoveTo(MANUAL));
    }

    @Test
    void operatorResumesAPausedPair() {
        assertTrue(PAUSED.canMoveTo(AUTO));
    }

    @Test
    void operatorPutsAPausedPairInManual() {
        assertTrue(PAUSED.canMoveTo(MANUAL));
    }

    @Test
    void operatorResumesAManualPair() {
        assertTrue(MANUAL.canMoveTo(AUTO));
    }

    @Test
    void operatorPausesAManualPair() {
        assertTrue(MANUAL.canMoveTo(PAUSED));
    }

    @Test
    void noModeMovesToItself() {
        for (PairMode m : PairMode.values()) {
            assertFalse(m.canMoveTo(m), m + " -> " + m);
            assertEquals(EnumSet.complementOf(EnumSet.of(m)), m.successors());
        }
    }
}
