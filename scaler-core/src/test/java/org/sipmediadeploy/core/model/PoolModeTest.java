package org.sipmediadeploy.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sipmediadeploy.core.model.PoolMode.AUTO;
import static org.sipmediadeploy.core.model.PoolMode.DRY_RUN;
import static org.sipmediadeploy.core.model.PoolMode.PAUSED;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** One test per arrow of the table in {@link PoolMode}'s Javadoc; the missing arrows are the self-loops. */
class PoolModeTest {
    @Test
    void operatorPausesAnAutoPool() {
        assertTrue(AUTO.canMoveTo(PAUSED));
    }

    @Test
    void operatorPutsAnAutoPoolInDryRun() {
        assertTrue(AUTO.canMoveTo(DRY_RUN));
    }

    @Test
    void operatorResumesAPausedPool() {
        assertTrue(PAUSED.canMoveTo(AUTO));
    }

    @Test
    void operatorPutsAPausedPoolInDryRun() {
        assertTrue(PAUSED.canMoveTo(DRY_RUN));
    }

    @Test
    void operatorResumesADryRunPool() {
        assertTrue(DRY_RUN.canMoveTo(AUTO));
    }

    @Test
    void operatorPausesADryRunPool() {
        assertTrue(DRY_RUN.canMoveTo(PAUSED));
    }

    @Test
    void noModeMovesToItself() {
        for (PoolMode m : PoolMode.values()) {
            assertFalse(m.canMoveTo(m), m + " -> " + m);
            assertEquals(EnumSet.complementOf(EnumSet.of(m)), m.successors());
        }
    }
}
