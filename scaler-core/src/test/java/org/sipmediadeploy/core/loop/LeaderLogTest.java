package org.sipmediadeploy.core.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sipmediadeploy.core.command.Command;
import org.sipmediadeploy.core.decision.Decision;
import org.sipmediadeploy.core.decision.DecisionRecord;
import org.sipmediadeploy.core.decision.Outcome;
import org.sipmediadeploy.core.model.FloatingIpSource;
import org.sipmediadeploy.core.policy.TargetHealth;
import org.sipmediadeploy.core.port.Consensus;
import org.sipmediadeploy.core.port.ScalerEvents;
import org.sipmediadeploy.core.state.ClusterState;

class LeaderLogTest {
    static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    FakeCloud cloud;
    FakeConsensus consensus;
    LeaderLog log;
    final List<String> events = new ArrayList<>();

    @BeforeEach
    void world() {
        cloud = new FakeCloud();
        consensus = new FakeConsensus();
        LoopSpec spec = new LoopSpec("n1", 3, "tag", Map.of(), Map.of("gw", ControlLoopTest.pool(1, 10, 2)), List.of());
        ScalerEvents recording = recordingEvents();
        DecisionExecutor executor =
                new DecisionExecutor(spec, cloud, consensus::isLeaderIn, t -> TargetHealth.NEVER_PROBED);
        log = new LeaderLog(consensus, recording, executor, new Alarms(recording));
        log.term(1);
        consensus.propose(new Command.InitPool("gw", 1, T0)).join();
    }

    private ScalerEvents recordingEvents() {
        return new ScalerEvents() {
            @Override
            public void decisionCommitted(DecisionRecord record) {
                events.add("committed " + record.id());
            }

            @Override
            public void decisionRefused(String decisionId, String reason) {
                events.add("refused " + decisionId);
            }

            @Override
            public void outcomeRecorded(DecisionRecord record) {
                events.add("outcome " + record.id() + " " + record.outcome());
            }
        };
    }

    @Test
    void theFailoverDecisionsAreThePairLanesAndEveryOtherIsTheRestLanes() {
        FloatingIpSource none = null;
        assertTrue(LeaderLog.onPairLane(new Decision.HoldPair("d1-1-n1", "kamailio", "both down")));
        assertTrue(LeaderLog.onPairLane(new Decision.Reassociate("d1-2-n1", "kamailio", "srv-a", "wrong port", none)));
        assertFalse(LeaderLog.onPairLane(new Decision.ReplaceMember("d1-3-n1", "kamailio", "srv-b", "b2", "dead")));
        assertFalse(LeaderLog.onPairLane(new Decision.CreateHost("d1-4-n1", "gw", "gw-1", "spare")));
        assertFalse(LeaderLog.onPairLane(new Decision.DeleteOrphan("d1-5-n1", "gw", "srv-x", "orphan")));
    }

    @Test
    void aProposedDecisionIsCommittedUnderTheLeadersTermAndReported() {
        var rec = log.propose(new Decision.CreateHost("d1-1-n1", "gw", "gw-1", "spare"), T0);
        assertTrue(rec.isPresent());
        assertEquals(1, consensus.log.get(consensus.log.size() - 1).term());
        assertEquals(List.of("committed d1-1-n1"), events);
    }

    @Test
    void aRefusedDecisionIsReportedAndNotReturned() {
        log.propose(new Decision.CreateHost("d1-1-n1", "gw", "gw-1", "spare"), T0);
        var again = log.propose(new Decision.CreateHost("d1-1-n1", "gw", "gw-1", "spare"), T0);
        assertTrue(again.isEmpty());
        assertEquals(List.of("committed d1-1-n1", "refused d1-1-n1"), events);
    }

    @Test
    void aCommitThatFailsStopsThePassWithNotCommitted() {
        Consensus failing = new Consensus() {
            @Override
            public CompletableFuture<CommitResult> propose(Command command) {
                return CompletableFuture.failedFuture(new IllegalStateException("no quorum"));
            }

            @Override
            public ClusterState state() {
                return consensus.state();
            }

            @Override
            public OptionalLong leaderTerm() {
                return OptionalLong.of(1);
            }
        };
        LeaderLog broken = new LeaderLog(
                failing,
                ScalerEvents.NONE,
                new DecisionExecutor(
                        new LoopSpec("n1", 3, "tag", Map.of(), Map.of(), List.of()),
                        cloud,
                        failing::isLeaderIn,
                        t -> TargetHealth.NEVER_PROBED),
                new Alarms(ScalerEvents.NONE));
        var e = assertThrows(LeaderLog.NotCommitted.class, () -> broken.commit(new Command.InitPool("gw", 1, T0)));
        assertTrue(e.getMessage().contains("no quorum"), e.getMessage());
    }

    @Test
    void thePairLaneLeavesTheRestLanesDecisionsOpenAndTheRestLaneCarriesThemOut() {
        log.propose(new Decision.CreateHost("d1-1-n1", "gw", "gw-1", "spare"), T0);
        log.advanceOpen(T0, true);
        assertTrue(consensus.state().open().containsKey("d1-1-n1"), "the pair lane does not advance a create");
        assertEquals(List.of(), cloud.actions);
        log.advanceOpen(T0, false);
        assertTrue(cloud.actions.stream().anyMatch(x -> x.startsWith("create")), cloud.actions.toString());
    }

    @Test
    void anAdvancedDecisionHasItsOutcomeCommitted() {
        String orphan = cloud.addServer("gw-x", Map.of("tag", "tag")).id();
        log.propose(new Decision.DeleteOrphan("d1-1-n1", "gw", orphan, "no decision made it"), T0);
        log.advanceOne("d1-1-n1", T0);
        assertFalse(cloud.servers.containsKey(orphan));
        var rec = consensus.state().decision("d1-1-n1").orElseThrow();
        assertEquals(Outcome.DONE, rec.outcome(), rec.toString());
        assertTrue(events.contains("outcome d1-1-n1 DONE"), events.toString());
    }

    /**
     * An outcome whose commit reply is lost (the proposing client's connection closed, the retry timed out) can
     * still have been committed. The defect: the outcome was then never reported, so the decision log never said
     * that the floating IP move of a committed failover had landed. Now the next pass reports it from the state.
     */
    @Test
    void anOutcomeCommittedWhoseReplyWasLostIsReportedOnTheNextPass() {
        String orphan = cloud.addServer("gw-x", Map.of("tag", "tag")).id();
        log.propose(new Decision.DeleteOrphan("d1-1-n1", "gw", orphan, "no decision made it"), T0);
        Consensus replyLost = new Consensus() {
            @Override
            public CompletableFuture<CommitResult> propose(Command command) {
                CompletableFuture<CommitResult> applied = consensus.propose(command);
                return command instanceof Command.RecordOutcome
                        ? CompletableFuture.failedFuture(new IllegalStateException("client closed"))
                        : applied;
            }

            @Override
            public ClusterState state() {
                return consensus.state();
            }

            @Override
            public OptionalLong leaderTerm() {
                return consensus.leaderTerm();
            }
        };
        LeaderLog lossy = new LeaderLog(
                replyLost,
                recordingEvents(),
                new DecisionExecutor(
                        new LoopSpec("n1", 3, "tag", Map.of(), Map.of(), List.of()),
                        cloud,
                        replyLost::isLeaderIn,
                        t -> TargetHealth.NEVER_PROBED),
                new Alarms(ScalerEvents.NONE));
        lossy.term(1);

        assertThrows(LeaderLog.NotCommitted.class, () -> lossy.advanceOne("d1-1-n1", T0));
        assertEquals(
                Outcome.DONE,
                consensus.state().decision("d1-1-n1").orElseThrow().outcome());
        assertFalse(events.contains("outcome d1-1-n1 DONE"), events.toString());

        lossy.advanceOpen(T0, false);
        assertTrue(events.contains("outcome d1-1-n1 DONE"), events.toString());
        lossy.advanceOpen(T0, false);
        assertEquals(1, events.stream().filter("outcome d1-1-n1 DONE"::equals).count(), "reported once: " + events);
    }
}
