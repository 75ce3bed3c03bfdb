package org.sipmediadeploy.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sipmediadeploy.raft.Fixtures.T0;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.sipmediadeploy.core.command.Command;
import org.sipmediadeploy.core.model.ReplaceStep;
import org.sipmediadeploy.core.model.ScalerMember;

/**
 * The term fence of the state machine: leader work must be committed in the term that decided it. It covered
 * Propose, RecordOutcome and SetAlarms only: a deposed leader's RecordStep (a scaler replacement's step),
 * SyncScalers (the scaler record), InitPair or InitPool reaching the log through the next leader was applied.
 */
class TermFenceTest {
    static final List<Command> LEADER_WORK = List.of(
            new Command.RecordStep("d2-1-n1", ReplaceStep.CREATE_VM, "vm made", Map.of(), 2, T0),
            new Command.SyncScalers(List.of(new ScalerMember("n1", "127.0.0.1:9000", null, null, null)), 2, T0),
            new Command.InitPair(Fixtures.kamailio(), 2, T0),
            new Command.InitPool("gw", 2, T0),
            Fixtures.failover("d2-2-n1", "srv-a", "srv-b", 2));

    @Test
    void leaderWorkOfAnEarlierTermIsRefusedInALaterTermsEntry() {
        for (Command c : LEADER_WORK) {
            Optional<String> refusal = ScalerStateMachine.termRefusal(c, 3);
            assertTrue(refusal.isPresent(), c.getClass().getSimpleName() + " of term 2 in an entry of term 3");
            assertEquals("stale term 2: the current term is 3", refusal.get());
        }
    }

    @Test
    void leaderWorkInItsOwnTermPasses() {
        for (Command c : LEADER_WORK) {
            assertEquals(
                    Optional.empty(),
                    ScalerStateMachine.termRefusal(c, 2),
                    c.getClass().getSimpleName());
        }
    }
}
