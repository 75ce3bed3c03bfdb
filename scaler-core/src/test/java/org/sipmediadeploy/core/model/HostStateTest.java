package org.sipmediadeploy.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sipmediadeploy.core.model.HostState.CREATING;
import static org.sipmediadeploy.core.model.HostState.DELETING;
import static org.sipmediadeploy.core.model.HostState.DRAINING;
import static org.sipmediadeploy.core.model.HostState.FAILED;
import static org.sipmediadeploy.core.model.HostState.READY;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** One test per arrow of the table in {@link HostState}'s Javadoc, and one per family of missing arrows. */
class HostStateTest {
    private static final List<List<HostState>> TABLE = List.of(
            List.of(CREATING, READY),
            List.of(CREATING, FAILED),
            List.of(CREATING, DELETING),
            List.of(READY, DRAINING),
            List.of(READY, DELETING),
            List.of(DRAINING, DELETING),
            List.of(DRAINING, READY),
            List.of(FAILED, DELETING));

    @Test
    void creatingHostBecomesReadyWhenItAnswers() {
        assertTrue(CREATING.canMoveTo(READY));
    }

    @Test
    void creatingHostFailsWhenTheCreateFails() {
        assertTrue(CREATING.canMoveTo(FAILED));
    }

    @Test
    void creatingHostIsDeletedAfterBootTimeout() {
        assertTrue(CREATING.canMoveTo(DELETING));
    }

    @Test
    void readyHostIsDrainedOnScaleIn() {
        assertTrue(READY.canMoveTo(DRAINING));
    }

    @Test
    void readyHostIsDeletedWhenTerminableOrLost() {
        assertTrue(READY.canMoveTo(DELETING));
    }

    @Test
    void drainingHostIsDeletedOnceIdle() {
        assertTrue(DRAINING.canMoveTo(DELETING));
    }

    @Test
    void drainingHostReturnsToReadyWhenDemandComesBack() {
        assertTrue(DRAINING.canMoveTo(READY));
    }

    @Test
    void failedHostIsCleanedUpByDeleting() {
        assertTrue(FAILED.canMoveTo(DELETING));
    }

    @Test
    void deletingIsTerminal() {
        assertEquals(Set.of(), DELETING.successors());
    }

    @Test
    void nothingGoesBackToCreating() {
        for (HostState s : HostState.values()) {
            assertFalse(s.canMoveTo(CREATING), s + " -> CREATING");
        }
    }

    @Test
    void noStateMovesToItself() {
        for (HostState s : HostState.values()) {
            assertFalse(s.canMoveTo(s), s + " -> " + s);
        }
    }

    @Test
    void onlyACreatingHostCanFail() {
        for (HostState s : EnumSet.complementOf(EnumSet.of(CREATING))) {
            assertFalse(s.canMoveTo(FAILED), s + " -> FAILED");
        }
    }

    @Test
    void failedHostNeverServesCalls() {
        assertFalse(FAILED.canMoveTo(READY));
        assertFalse(FAILED.canMoveTo(DRAINING));
    }

    @Test
    void onlyReadyHostsAreDrained() {
        for (HostState s : EnumSet.complementOf(EnumSet.of(READY))) {
            assertFalse(s.canMoveTo(DRAINING), s + " -> DRAINING");
        }
    }

    @Test
    void theLifecycleHasExactlyTheArrowsOfTheJavadocTable() {
        Set<List<HostState>> actual = new HashSet<>();
        for (HostState from : HostState.values()) {
            for (HostState to : HostState.values()) {
                if (from.canMoveTo(to)) {
                    actual.add(List.of(from, to));
                }
            }
        }
        assertEquals(new HashSet<>(TABLE), actual);
    }
}
