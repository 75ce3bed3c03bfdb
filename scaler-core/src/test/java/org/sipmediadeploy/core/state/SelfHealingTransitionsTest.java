package org.sipmediadeploy.core.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sipmediadeploy.core.command.Command;
import org.sipmediadeploy.core.command.Facts;
import org.sipmediadeploy.core.decision.Decision;
import org.sipmediadeploy.core.decision.Outcome;
import org.sipmediadeploy.core.model.ReplaceStep;
import org.sipmediadeploy.core.model.ScalerIds;
import org.sipmediadeploy.core.model.ScalerMember;

/** One test per arrow of the replacement's table, and each refusal that keeps it to one at a time. */
class SelfHealingTransitionsTest {
    private static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");
    private static final List<ScalerMember> THREE = List.of(
            new ScalerMember("scaler-1", "10.0.0.1:9870", "s1", "p1", null),
            new ScalerMember("scaler-2", "10.0.0.2:9870", "s2", "p2", null),
            new ScalerMember("scaler-3", "10.0.0.3:9870", "s3", "p3", null));

    private static ClusterState apply(ClusterState s, Command c) {
        Applied a = Transitions.apply(s, c, 1);
        assertNull(a.refusal(), () -> "refused: " + a.refusal());
        return a.state();
    }

    private static String refusal(ClusterState s, Command c) {
        Applied a = Transitions.apply(s, c, 1);
        assertEquals(s, a.state(), "a refused command changes nothing");
        return a.refusal();
    }

    private static ClusterState synced() {
        return apply(ClusterState.empty(), new Command.SyncScalers(THREE, 1, T0));
    }

    private static Command propose(String id, String dead, String fresh) {
        return new Command.Propose(new Decision.ReplaceScaler(id, dead, fresh, "unreachable"), 1, T0);
    }

    private static Command step(String id, ReplaceStep step, Map<String, String> facts) {
        return new Command.RecordStep(id, step, "ok", facts, 1, T0);
    }

    private static final Map<String, String> CREATED =
            Map.of(Facts.SERVER_ID, "s4", Facts.PORT_ID, "p4", Facts.ADDRESS, "10.0.0.4:9870");

    @Test
    void syncRecordsTheMembersAndTheirHighestOrdinal() {
        ClusterState s = synced();
        assertEquals(3, s.scalers().members().size());
        assertEquals(3, s.scalers().highestOrdinal());
    }

    @Test
    void proposingAReplacementStartsItAtCreateVm() {
        ClusterState s = apply(synced(), propose("d1", "scaler-2", "scaler-4"));
        assertEquals(ReplaceStep.CREATE_VM, s.scalers().replacement().step());
        assertEquals("scaler-2", s.scalers().replacement().dead().id());
        assertEquals(4, s.scalers().highestOrdinal());
        assertTrue(s.open().containsKey("d1"));
    }

    @Test
    void eachStepAdvancesInOrderAndTheSwitchMovesTheMembers() {
        ClusterState s = apply(synced(), propose("d1", "scaler-2", "scaler-4"));
        s = apply(s, step("d1", ReplaceStep.CREATE_VM, CREATED));
        assertEquals(ReplaceStep.AWAIT_CATCH_UP, s.scalers().replacement().step());
        assertEquals("10.0.0.4:9870", s.scalers().replacement().newAddress());
        s = apply(s, step("d1", ReplaceStep.AWAIT_CATCH_UP, Map.of()));
        assertEquals(ReplaceStep.SWITCH_CONFIGURATION, s.scalers().replacement().step());
        assertTrue(s.scalers().members().containsKey("scaler-2"), "the dead member stays until the switch");
        s = apply(s, step("d1", ReplaceStep.SWITCH_CONFIGURATION, Map.of()));
        assertEquals(ReplaceStep.DELETE_OLD_VM, s.scalers().replacement().step());
        assertEquals(
                List.of("scaler-1", "scaler-3", "scaler-4"),
                List.copyOf(s.scalers().members().keySet()));
        assertEquals("d1", s.scalers().members().get("scaler-4").createdBy());
        s = apply(s, new Command.RecordOutcome("d1", Outcome.DONE, "replaced", Map.of(), 1, T0));
        assertNull(s.scalers().replacement());
        assertEquals(Outcome.DONE, s.decision("d1").orElseThrow().outcome());
    }

    @Test
    void aFailedReplacementLeavesTheMembersAsTheyWere() {
        ClusterState s = apply(synced(), propose("d1", "scaler-2", "scaler-4"));
        s = apply(s, step("d1", ReplaceStep.CREATE_VM, CREATED));
        s = apply(s, new Command.RecordOutcome("d1", Outcome.FAILED, "gave up", Map.of(), 1, T0));
        assertNull(s.scalers().replacement());
        assertEquals(
                List.of("scaler-1", "scaler-2", "scaler-3"),
                List.copyOf(s.scalers().members().keySet()));
    }

    @Test
    void aSecondReplacementIsRefusedWhileOneIsUnderWay() {
        ClusterState s = apply(synced(), propose("d1", "scaler-2", "scaler-4"));
        assertTrue(refusal(s, propose("d2", "scaler-3", "scaler-5")).contains("already under way"));
    }

    @Test
    void aStepOutOfOrderOrRecordedTwiceIsRefused() {
        ClusterState s = apply(synced(), propose("d1", "scaler-2", "scaler-4"));
        assertTrue(refusal(s, step("d1", ReplaceStep.AWAIT_CATCH_UP, Map.of())).contains("is at CREATE_VM"));
        s = apply(s, step("d1", ReplaceStep.CREATE_VM, CREATED));
        assertTrue(refusal(s, step("d1", ReplaceStep.CREATE_VM, CREATED)).contains("is at AWAIT_CATCH_UP"));
        assertTrue(refusal(s, step("d9", ReplaceStep.AWAIT_CATCH_UP, Map.of())).contains("no scaler replacement d9"));
    }

    @Test
    void createVmMustNameTheServerAndAddress() {
        ClusterState s = apply(synced(), propose("d1", "scaler-2", "scaler-4"));
        assertTrue(refusal(s, step("d1", ReplaceStep.CREATE_VM, Map.of())).contains("must name"));
    }

    @Test
    void theLastStepIsTheOutcomeNotAStep() {
        ClusterState s = apply(synced(), propose("d1", "scaler-2", "scaler-4"));
        s = apply(s, step("d1", ReplaceStep.CREATE_VM, CREATED));
        s = apply(s, step("d1", ReplaceStep.AWAIT_CATCH_UP, Map.of()));
        s = apply(s, step("d1", ReplaceStep.SWITCH_CONFIGURATION, Map.of()));
        assertTrue(refusal(s, step("d1", ReplaceStep.DELETE_OLD_VM, Map.of())).contains("outcome"));
    }

    @Test
    void anIdGivenOutBeforeIsNeverReused() {
        ClusterState s = apply(synced(), propose("d1", "scaler-2", "scaler-4"));
        s = apply(s, new Command.RecordOutcome("d1", Outcome.FAILED, "gave up", Map.of(), 1, T0));
        assertTrue(refusal(s, propose("d2", "scaler-2", "scaler-4")).contains("used before"));
        assertEquals("scaler-5", ScalerIds.next("scaler-2", s.scalers().highestOrdinal()));
    }

    @Test
    void unknownDeadMemberIsRefused() {
        assertTrue(refusal(synced(), propose("d1", "scaler-9", "scaler-10")).contains("not a scaler member"));
    }

    @Test
    void syncIsRefusedWhileAReplacementOwnsTheMembers() {
        ClusterState s = apply(synced(), propose("d1", "scaler-2", "scaler-4"));
        assertTrue(refusal(s, new Command.SyncScalers(THREE, 1, T0)).contains("under way"));
    }

    @Test
    void idsFollowTheDeadNodesPrefix() {
        assertEquals("scaler-4", ScalerIds.next("scaler-2", 3));
        assertEquals("node7", ScalerIds.next("node3", 6));
        assertEquals("alpha-1", ScalerIds.next("alpha", 0));
        assertEquals(12, ScalerIds.ordinal("scaler-12"));
    }
}
