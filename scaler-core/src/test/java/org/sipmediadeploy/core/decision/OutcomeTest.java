package org.sipmediadeploy.core.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sipmediadeploy.core.command.Command;
import org.sipmediadeploy.core.state.Applied;
import org.sipmediadeploy.core.state.ClusterState;
import org.sipmediadeploy.core.state.Transitions;

/** The table in {@link Outcome}'s Javadoc: PENDING goes to each final outcome once, and nothing leaves a final one. */
class OutcomeTest {
    private static final Instant AT = Instant.parse("2026-01-05T10:00:00Z");

    @Test
    void onlyPendingIsNotFinal() {
        assertFalse(Outcome.PENDING.isFinal());
        for (Outcome o : EnumSet.complementOf(EnumSet.of(Outcome.PENDING))) {
            assertTrue(o.isFinal(), o + " must be final");
        }
        assertEquals(5, Outcome.values().length, "the table in Outcome's Javadoc has PENDING and four ends");
    }

    @ParameterizedTest
    @EnumSource(value = Outcome.class, names = "PENDING", mode = EnumSource.Mode.EXCLUDE)
    void pendingDecisionReachesEachFinalOutcomeOnceAndNeverLeavesIt(Outcome end) {
        ClusterState s = Transitions.apply(
                        ClusterState.empty(),
                        new Command.Propose(new Decision.DeleteOrphan("d1-1", "gw", "srv-z", "tagged, unknown"), 1, AT),
                        1)
                .state();
        assertEquals(Outcome.PENDING, s.open().get("d1-1").outcome());
        s = Transitions.apply(s, new Command.RecordOutcome("d1-1", end, "", Map.of(), 1, AT), 2)
                .state();
        assertEquals(end, s.decision("d1-1").orElseThrow().outcome());
        for (Outcome again : Outcome.values()) {
            if (again == Outcome.PENDING) {
                continue;
            }
            Applied a = Transitions.apply(s, new Command.RecordOutcome("d1-1", again, "", Map.of(), 1, AT), 3);
            assertFalse(a.isAccepted(), end + " -> " + again);
            assertEquals(end, a.state().decision("d1-1").orElseThrow().outcome());
        }
    }
}
