package org.sipmediadeploy.core.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sipmediadeploy.core.Fixtures.A;
import static org.sipmediadeploy.core.Fixtures.B;
import static org.sipmediadeploy.core.Fixtures.PAIR;
import static org.sipmediadeploy.core.Fixtures.POOL;
import static org.sipmediadeploy.core.Fixtures.T0;
import static org.sipmediadeploy.core.Fixtures.facts;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.sipmediadeploy.core.Fixtures;
import org.sipmediadeploy.core.command.Command;
import org.sipmediadeploy.core.command.Facts;
import org.sipmediadeploy.core.decision.Decision;
import org.sipmediadeploy.core.decision.DecisionRecord;
import org.sipmediadeploy.core.decision.Outcome;
import org.sipmediadeploy.core.model.Host;
import org.sipmediadeploy.core.model.HostState;
import org.sipmediadeploy.core.model.Member;
import org.sipmediadeploy.core.model.PairMode;
import org.sipmediadeploy.core.model.PairState;
import org.sipmediadeploy.core.model.PoolMode;
import org.sipmediadeploy.core.model.PoolState;

class TransitionsTest {
    private static final Instant T1 = T0.plusSeconds(5);
    private long index;

    // ---- helpers -------------------------------------------------------------------------------------------

    /** Applies {@code c} and requires it to be accepted (validate agrees). */
    private ClusterState ok(ClusterState s, Command c) {
        assertEquals(Optional.empty(), Transitions.validate(s, c), "validate must accept " + c);
        Applied a = Transitions.apply(s, c, ++index);
        assertTrue(a.isAccepted(), () -> "refused: " + a.refusal());
        return a.state();
    }

    /** Applies {@code c}, requires a refusal that leaves the state untouched, and returns the reason. */
    private String refused(ClusterState s, Command c) {
        Applied a = Transitions.apply(s, c, ++index);
        assertFalse(a.isAccepted(), () -> "accepted: " + c);
        assertSame(s, a.state(), "a refused command changes nothing");
        assertEquals(a.refusalReason(), Transitions.validate(s, c), "validate gives the same reason");
        return a.refusal();
    }

    private static Command.Propose propose(Decision d) {
        return new Command.Propose(d, 1, T1);
    }

    private static Command.RecordOutcome outcome(String id, Outcome o, Map<String, String> facts) {
        return new Command.RecordOutcome(id, o, "detail of " + o, facts, 1, T1.plusSeconds(1));
    }

    private ClusterState base() {
        ClusterState s = ok(ClusterState.empty(), new Command.InitPair(Fixtures.pair(), 1, T0));
        return ok(s, new Command.InitPool(POOL, 1, T0));
    }

    private static Decision.Failover failover(String id, Member from, Member to) {
        return new Decision.Failover(id, PAIR, from.serverId(), to.serverId(), "test");
    }

    private static Decision.ReplaceMember replace(String id, Member m) {
        return new Decision.ReplaceMember(id, PAIR, m.serverId(), PAIR + "-" + id, "test");
    }

    private static Decision.CreateHost create(String id, String host) {
        return new Decision.CreateHost(id, POOL, host, "test");
    }

    private static Decision.DeleteHost delete(String id, String host) {
        return new Decision.DeleteHost(id, POOL, host, "test");
    }

    private static PairState pairOf(ClusterState s) {
        return s.pair(PAIR).orElseThrow();
    }

    private static PoolState poolOf(ClusterState s) {
        return s.pool(POOL).orElseThrow();
    }

    private static Host hostOf(ClusterState s, String name) {
        return poolOf(s).host(name).orElseThrow();
    }

    private static DecisionRecord lastClosed(ClusterState s) {
        return s.history().get(s.history().size() - 1);
    }

    /** Pool with host gw-1 created (server known) and moved to {@code state} through the real transitions. */
    private ClusterState withHost(HostState state) {
        ClusterState s = ok(base(), propose(create("d1-100", "gw-1")));
        s = ok(s, outcome("d1-100", Outcome.DONE, facts(Facts.SERVER_ID, "srv-gw-1", Facts.ADDRESS, "10.1.0.1")));
        if (state == HostState.CREATING) {
            return s;
        }
        s = ok(s, propose(new Decision.HostReady("d1-101", POOL, "gw-1", "answers")));
        if (state == HostState.READY) {
            return s;
        }
        s = ok(s, propose(new Decision.DrainHost("d1-102", POOL, "gw-1", "surplus")));
        assertEquals(state, HostState.DRAINING);
        return s;
    }

    // ---- seeding ---------------------------------------------------------------------------------------------

    @Test
    void initPairSeedsThePairAndInitPoolAnEmptyAutoPool() {
        ClusterState s = base();
        assertEquals(Fixtures.pair(), pairOf(s));
        assertEquals(PoolState.empty(POOL), poolOf(s));
        assertEquals(PoolMode.AUTO, poolOf(s).mode());
        assertEquals(1, s.highestTerm());
    }

    @Test
    void initPairIsRefusedWhenThePairExists() {
        assertEquals("pair sip exists", refused(base(), new Command.InitPair(Fixtures.pair(), 1, T1)));
    }

    @Test
    void initPoolIsRefusedWhenThePoolExists() {
        assertEquals("pool gw exists", refused(base(), new Command.InitPool(POOL, 1, T1)));
    }

    // ---- fencing and ids ---------------------------------------------------------------------------------------

    @Test
    void commandOfAStaleTermIsRefused() {
        ClusterState s = ok(base(), new Command.SetPairMode(PAIR, PairMode.PAUSED, "op", 3, T1));
        assertEquals(3, s.highestTerm());
        assertEquals("stale term 2 < 3", refused(s, new Command.SetPairMode(PAIR, PairMode.AUTO, "op", 2, T1)));
        assertEquals("stale term 1 < 3", refused(s, new Command.Propose(failover("d1-1", A, B), 1, T1)));
    }

    @Test
    void outcomeFromADeposedLeadersTermIsRefused() {
        ClusterState s = ok(base(), propose(failover("d1-1", A, B)));
        s = ok(s, new Command.SetPoolMode(POOL, PoolMode.PAUSED, "op", 2, T1));
        assertEquals("stale term 1 < 2", refused(s, outcome("d1-1", Outcome.DONE, Map.of())));
        assertTrue(s.open().containsKey("d1-1"), "the decision stays open for the new leader");
    }

    @Test
    void commandOfTheCurrentTermIsAcceptedAndAHigherTermRaisesTheFence() {
        ClusterState s = ok(base(), new Command.SetPairMode(PAIR, PairMode.PAUSED, "op", 1, T1));
        assertEquals(1, s.highestTerm());
        s = ok(s, new Command.SetPairMode(PAIR, PairMode.AUTO, "op", 7, T1));
        assertEquals(7, s.highestTerm());
    }

    @Test
    void duplicateDecisionIdIsRefusedWhileOpenAndAfterItClosed() {
        ClusterState s = ok(base(), propose(failover("d1-1", A, B)));
        assertEquals("duplicate decision d1-1", refused(s, propose(create("d1-1", "gw-1"))));
        s = ok(s, outcome("d1-1", Outcome.DONE, Map.of()));
        assertEquals("duplicate decision d1-1", refused(s, propose(create("d1-1", "gw-1"))));
    }

    // ---- failover ----------------------------------------------------------------------------------------------

    @Test
    void failoverMovesTheIntentToTheStandbyAndRemembersWhen() {
        ClusterState s = ok(base(), propose(failover("d1-1", A, B)));
        assertEquals(B.serverId(), pairOf(s).activeServerId());
        assertEquals(List.of(T1), pairOf(s).failovers());
        DecisionRecord r = s.open().get("d1-1");
        assertEquals(Outcome.PENDING, r.outcome());
        assertEquals(1, r.term());
        assertEquals(T1, r.proposedAt());
    }

    @Test
    void failoverNamingAMemberThatIsNotTheActiveIsRefused() {
        assertEquals(
                "failover of sip names srv-b but the active member is srv-a",
                refused(base(), propose(failover("d1-1", B, A))));
    }

    @Test
    void failoverToAServerOutsideThePairIsRefused() {
        assertEquals(
                "failover target srv-x is not a member of sip",
                refused(base(), propose(new Decision.Failover("d1-1", PAIR, A.serverId(), "srv-x", "t"))));
    }

    @Test
    void failoverOfAnUnknownPairIsRefused() {
        assertEquals(
                "unknown pair nope", refused(base(), propose(new Decision.Failover("d1-1", "nope", "x", "y", "t"))));
    }

    @Test
    void secondIdenticalFailoverIsRefusedOnceTheFirstIsApplied() {
        ClusterState s = ok(base(), propose(failover("d1-1", A, B)));
        assertEquals(
                "failover of sip names srv-a but the active member is srv-b",
                refused(s, propose(failover("d1-2", A, B))));
        s = ok(s, outcome("d1-1", Outcome.DONE, Map.of()));
        assertEquals(
                "failover of sip names srv-a but the active member is srv-b",
                refused(s, propose(failover("d1-2", A, B))));
        assertEquals(B.serverId(), pairOf(s).activeServerId());
        assertEquals(1, pairOf(s).failovers().size());
    }

    @Test
    void failoverIsRefusedWhileAnotherFloatingIpMoveIsOpen() {
        ClusterState s = ok(base(), propose(new Decision.Reassociate("d1-1", PAIR, A.serverId(), "t")));
        assertEquals("a floating-IP move of sip is already under way", refused(s, propose(failover("d1-2", A, B))));
    }

    @Test
    void failoverToAMemberBeingReplacedIsRefused() {
        ClusterState s = ok(base(), propose(replace("d1-1", B)));
        assertEquals("failover target srv-b is being replaced", refused(s, propose(failover("d1-2", A, B))));
    }

    @Test
    void operatorFailoverIsAcceptedInManualMode() {
        ClusterState s = ok(base(), new Command.SetPairMode(PAIR, PairMode.MANUAL, "op", 1, T0));
        s = ok(s, propose(failover("d1-1", A, B)));
        assertEquals(B.serverId(), pairOf(s).activeServerId());
    }

    @Test
    void failoverDoneKeepsTheNewActive() {
        ClusterState s = ok(base(), propose(failover("d1-1", A, B)));
        s = ok(s, outcome("d1-1", Outcome.DONE, Map.of()));
        assertEquals(B.serverId(), pairOf(s).activeServerId());
        assertEquals(Outcome.DONE, lastClosed(s).outcome());
        assertTrue(s.open().isEmpty());
    }

    @Test
    void failoverSkippedInDryRunRevertsTheActive() {
        ClusterState s = ok(base(), propose(failover("d1-1", A, B)));
        s = ok(s, outcome("d1-1", Outcome.SKIPPED, Map.of()));
        assertEquals(A.serverId(), pairOf(s).activeServerId());
        assertEquals(Outcome.SKIPPED, lastClosed(s).outcome());
        assertEquals(List.of(), pairOf(s).failovers(), "a move that never happened does not count for anti-flap");
    }

    @Test
    void alarmsAreReplacedAsAWholeAndStaleLeadersRefused() {
        ClusterState s = ok(base(), new Command.SetAlarms(Map.of("sip", "both members down"), 2, T0));
        assertEquals(Map.of("sip", "both members down"), s.alarms());
        s = ok(s, new Command.SetAlarms(Map.of("gw", "at max-hosts"), 2, T0));
        assertEquals(Map.of("gw", "at max-hosts"), s.alarms());
        assertEquals("stale term 1 < 2", refused(s, new Command.SetAlarms(Map.of(), 1, T0)));
    }

    @Test
    void replacementRecordedDoneWithoutTheNewServerIsRefused() {
        ClusterState s = ok(base(), propose(replace("d1-1", B)));
        assertEquals(
                "replacement d1-1 recorded DONE without the new " + Facts.SERVER_ID,
                refused(s, outcome("d1-1", Outcome.DONE, Map.of())));
        s = ok(s, outcome("d1-1", Outcome.DONE, Map.of(Facts.SERVER_ID, "srv-new")));
        assertTrue(pairOf(s).member("srv-new").isPresent());
    }

    /**
     * A replacement recorded DONE with the server of the pair's other member made the pair hold one server twice:
     * every status read of the pair then failed (no standby), on every node. Refused before the log.
     */
    @Test
    void replacementRecordedDoneWithTheOtherMembersServerIsRefused() {
        ClusterState s = ok(base(), propose(replace("d1-1", B)));
        assertEquals(
                "replacement d1-1 names " + A.serverId() + ", already a member of " + PAIR,
                refused(s, outcome("d1-1", Outcome.DONE, Map.of(Facts.SERVER_ID, A.serverId()))));
        assertEquals(
                2, pairOf(s).members().stream().map(Member::serverId).distinct().count());
    }

    @Test
    void failoverMemoryKeepsOnlyTheNewestFailoverTimes() {
        ClusterState s = base();
        Member from = A;
        Member to = B;
        for (int i = 0; i < Transitions.FAILOVER_MEMORY + 5; i++) {
            s = ok(s, new Command.Propose(failover("d1-" + i, from, to), 1, T0.plusSeconds(i)));
            s = ok(s, outcome("d1-" + i, Outcome.DONE, Map.of()));
            Member t = from;
            from = to;
            to = t;
        }
        List<Instant> times = pairOf(s).failovers();
        assertEquals(Transitions.FAILOVER_MEMORY, times.size());
        assertEquals(T0.plusSeconds(Transitions.FAILOVER_MEMORY + 4), times.get(times.size() - 1));
    }

    // ---- reassociate, replace, hold -----------------------------------------------------------------------------

    @Test
    void reassociateOnlyToTheActiveMember() {
        assertEquals(
                "reassociation to srv-b which is not the active member",
                refused(base(), propose(new Decision.Reassociate("d1-1", PAIR, B.serverId(), "t"))));
        ClusterState s = ok(base(), propose(new Decision.Reassociate("d1-1", PAIR, A.serverId(), "t")));
        assertEquals(Outcome.PENDING, s.open().get("d1-1").outcome());
        assertEquals(A.serverId(), pairOf(s).activeServerId());
    }

    @Test
    void reassociateIsRefusedWhileAFailoverIsOpen() {
        ClusterState s = ok(base(), propose(failover("d1-1", A, B)));
        assertEquals(
                "a floating-IP move of sip is already under way",
                refused(s, propose(new Decision.Reassociate("d1-2", PAIR, B.serverId(), "t"))));
    }

    @Test
    void replacingTheActiveMemberIsRefused() {
        assertEquals("cannot replace the active member srv-a of sip", refused(base(), propose(replace("d1-1", A))));
    }

    @Test
    void replacingAServerOutsideThePairIsRefused() {
        assertEquals(
                "srv-x is not a member of sip",
                refused(base(), propose(new Decision.ReplaceMember("d1-1", PAIR, "srv-x", "n", "t"))));
    }

    @Test
    void oneReplacementAtATime() {
        ClusterState s = ok(base(), propose(replace("d1-1", B)));
        assertEquals(B.serverId(), pairOf(s).replacing());
        assertEquals("a replacement of srv-b is already under way", refused(s, propose(replace("d1-2", B))));
    }

    @Test
    void replacementDoneSwapsTheFailedMemberForTheNewServer() {
        ClusterState s = ok(base(), propose(replace("d1-1", B)));
        s = ok(
                s,
                outcome(
                        "d1-1",
                        Outcome.DONE,
                        facts(Facts.SERVER_ID, "srv-c", Facts.PORT_ID, "port-c", Facts.ADDRESS, "10.0.0.3")));
        PairState p = pairOf(s);
        assertEquals(List.of(A, new Member("srv-c", "sip-d1-1", "port-c", "10.0.0.3")), p.members());
        assertEquals(A.serverId(), p.activeServerId());
        assertEquals("srv-c", p.standby().serverId());
        assertNull(p.replacing());
        assertEquals("srv-c", lastClosed(s).facts().get(Facts.SERVER_ID));
    }

    @Test
    void replacementFailedKeepsTheMembersAndAllowsAnotherAttempt() {
        ClusterState s = ok(base(), propose(replace("d1-1", B)));
        s = ok(s, outcome("d1-1", Outcome.FAILED, Map.of()));
        assertEquals(List.of(A, B), pairOf(s).members());
        assertNull(pairOf(s).replacing());
        ok(s, propose(replace("d1-2", B)));
    }

    @Test
    void replacementIsRefusedWhileAFloatingIpMoveIsOpen() {
        // Else a dry-run failover (SKIPPED) would put the intent back on a member whose replacement then
        // removes it from the pair: the state machine would throw while applying a committed entry.
        ClusterState s = ok(base(), propose(failover("d1-1", A, B)));
        assertEquals("a floating-IP move of sip is already under way", refused(s, propose(replace("d1-2", A))));
    }

    @Test
    void skippedFailoverFollowedByReplacementNeverLeavesTheIntentOnARemovedMember() {
        ClusterState s = ok(base(), propose(failover("d1-1", A, B)));
        s = ok(s, outcome("d1-1", Outcome.SKIPPED, Map.of()));
        s = ok(s, propose(replace("d1-2", B)));
        s = ok(s, outcome("d1-2", Outcome.DONE, facts(Facts.SERVER_ID, "srv-c")));
        assertEquals(A.serverId(), pairOf(s).activeServerId());
        assertTrue(pairOf(s).member(pairOf(s).activeServerId()).isPresent());
    }

    @Test
    void holdPairPutsThePairInManualAndIsDoneAtOnce() {
        ClusterState s = ok(base(), propose(new Decision.HoldPair("d1-1", PAIR, "max-per-hour")));
        assertEquals(PairMode.MANUAL, pairOf(s).mode());
        assertTrue(s.open().isEmpty());
        assertEquals(Outcome.DONE, lastClosed(s).outcome());
        assertEquals("pair sip is already MANUAL", refused(s, propose(new Decision.HoldPair("d1-2", PAIR, "again"))));
    }

    // ---- modes -------------------------------------------------------------------------------------------------

    @Test
    void pairModeFollowsItsTableAndResumingClearsTheAntiFlapMemory() {
        ClusterState s = ok(base(), propose(failover("d1-1", A, B)));
        s = ok(s, new Command.SetPairMode(PAIR, PairMode.PAUSED, "op", 1, T1));
        assertEquals(PairMode.PAUSED, pairOf(s).mode());
        assertEquals(1, pairOf(s).failovers().size(), "pausing keeps the memory");
        assertEquals(
                "pair sip is already PAUSED", refused(s, new Command.SetPairMode(PAIR, PairMode.PAUSED, "op", 1, T1)));
        s = ok(s, new Command.SetPairMode(PAIR, PairMode.AUTO, "op", 1, T1));
        assertEquals(PairMode.AUTO, pairOf(s).mode());
        assertEquals(List.of(), pairOf(s).failovers());
        assertEquals("unknown pair x", refused(s, new Command.SetPairMode("x", PairMode.PAUSED, "op", 1, T1)));
    }

    @Test
    void poolModeFollowsItsTable() {
        ClusterState s = ok(base(), new Command.SetPoolMode(POOL, PoolMode.DRY_RUN, "op", 1, T1));
        assertEquals(PoolMode.DRY_RUN, poolOf(s).mode());
        assertEquals(
                "pool gw is already DRY_RUN", refused(s, new Command.SetPoolMode(POOL, PoolMode.DRY_RUN, "op", 1, T1)));
        s = ok(s, new Command.SetPoolMode(POOL, PoolMode.PAUSED, "op", 1, T1));
        assertEquals(PoolMode.PAUSED, poolOf(s).mode());
        assertEquals("unknown pool x", refused(s, new Command.SetPoolMode("x", PoolMode.AUTO, "op", 1, T1)));
    }

    // ---- hosts -------------------------------------------------------------------------------------------------

    @Test
    void createHostAddsACreatingHostAndStaysOpen() {
        ClusterState s = ok(base(), propose(create("d1-1", "gw-1")));
        Host h = hostOf(s, "gw-1");
        assertEquals(HostState.CREATING, h.state());
        assertEquals(T1, h.createdAt());
        assertEquals("d1-1", h.decisionId());
        assertNull(h.serverId());
        assertEquals(Outcome.PENDING, s.open().get("d1-1").outcome());
    }

    @Test
    void createHostForAnExistingHostIsRefused() {
        ClusterState s = ok(base(), propose(create("d1-1", "gw-1")));
        assertEquals("host gw-1 exists", refused(s, propose(create("d1-2", "gw-1"))));
    }

    @Test
    void createHostInAnUnknownPoolIsRefused() {
        assertEquals(
                "unknown pool nope", refused(base(), propose(new Decision.CreateHost("d1-1", "nope", "gw-1", "t"))));
    }

    @Test
    void createHostDoneRecordsServerAndAddressAndResetsTheBackoff() {
        ClusterState s = ok(base(), propose(create("d1-1", "gw-1")));
        Instant until = T1.plusSeconds(60);
        s = ok(s, outcome("d1-1", Outcome.FAILED, facts(Transitions.BACKOFF_UNTIL, until.toString())));
        assertEquals(1, poolOf(s).createFailures());
        s = ok(s, propose(create("d1-2", "gw-2")));
        s = ok(s, outcome("d1-2", Outcome.DONE, facts(Facts.SERVER_ID, "srv-2", Facts.ADDRESS, "10.1.0.2")));
        Host h = hostOf(s, "gw-2");
        assertEquals("srv-2", h.serverId());
        assertEquals("10.1.0.2", h.address());
        assertEquals(HostState.CREATING, h.state(), "it becomes READY when it answers, not when created");
        assertEquals(0, poolOf(s).createFailures());
        assertNull(poolOf(s).backoffUntil());
    }

    @Test
    void createHostFailedWithBackoffFactMarksTheHostFailedAndBacksOff() {
        ClusterState s = ok(base(), propose(create("d1-1", "gw-1")));
        Instant until = T1.plusSeconds(60);
        s = ok(
                s,
                outcome(
                        "d1-1",
                        Outcome.FAILED,
                        facts(Transitions.BACKOFF_UNTIL, until.toString(), Transitions.ERROR_CLASS, "quota")));
        assertEquals(HostState.FAILED, hostOf(s, "gw-1").state());
        assertEquals(1, poolOf(s).createFailures());
        assertEquals(until, poolOf(s).backoffUntil());
        s = ok(s, propose(create("d1-2", "gw-2")));
        s = ok(
                s,
                outcome(
                        "d1-2",
                        Outcome.FAILED,
                        facts(Transitions.BACKOFF_UNTIL, until.plusSeconds(60).toString())));
        assertEquals(2, poolOf(s).createFailures());
        assertEquals(until.plusSeconds(60), poolOf(s).backoffUntil());
    }

    @Test
    void createHostFailedWithoutBackoffFactMarksTheHostFailedOnly() {
        ClusterState s = ok(base(), propose(create("d1-1", "gw-1")));
        s = ok(s, outcome("d1-1", Outcome.FAILED, Map.of()));
        assertEquals(HostState.FAILED, hostOf(s, "gw-1").state());
        assertEquals(0, poolOf(s).createFailures());
        assertNull(poolOf(s).backoffUntil());
    }

    @Test
    void createHostOutcomeWithAMalformedBackoffIsRefusedInsteadOfBreakingTheStateMachine() {
        ClusterState s = ok(base(), propose(create("d1-1", "gw-1")));
        String why = refused(s, outcome("d1-1", Outcome.FAILED, facts(Transitions.BACKOFF_UNTIL, "soon")));
        assertTrue(why.contains("backoff_until"), why);
    }

    @Test
    void createHostSkippedInDryRunLeavesNoHost() {
        ClusterState s = ok(base(), propose(create("d1-1", "gw-1")));
        s = ok(s, outcome("d1-1", Outcome.SKIPPED, Map.of()));
        assertTrue(poolOf(s).hosts().isEmpty());
    }

    @Test
    void hostReadyMovesACreatingHostToReadyAndIsDoneAtOnce() {
        ClusterState s =
                ok(withHost(HostState.CREATING), propose(new Decision.HostReady("d1-1", POOL, "gw-1", "answers")));
        assertEquals(HostState.READY, hostOf(s, "gw-1").state());
        assertEquals(T1, hostOf(s, "gw-1").stateSince());
        assertEquals(Outcome.DONE, lastClosed(s).outcome());
        assertFalse(s.open().containsKey("d1-1"));
    }

    @Test
    void hostReadyOnAHostThatIsNotCreatingIsRefused() {
        assertEquals(
                "host gw-1 cannot go from READY to READY",
                refused(withHost(HostState.READY), propose(new Decision.HostReady("d1-1", POOL, "gw-1", "t"))));
        assertEquals(
                "unknown host gw-9 in pool gw",
                refused(base(), propose(new Decision.HostReady("d1-1", POOL, "gw-9", "t"))));
    }

    @Test
    void drainMovesAReadyHostToDraining() {
        ClusterState s = ok(withHost(HostState.READY), propose(new Decision.DrainHost("d1-1", POOL, "gw-1", "t")));
        assertEquals(HostState.DRAINING, hostOf(s, "gw-1").state());
        assertEquals(Outcome.DONE, lastClosed(s).outcome());
    }

    @Test
    void drainOfACreatingOrDrainingHostIsRefused() {
        assertEquals(
                "host gw-1 cannot go from CREATING to DRAINING",
                refused(withHost(HostState.CREATING), propose(new Decision.DrainHost("d1-1", POOL, "gw-1", "t"))));
        assertEquals(
                "host gw-1 cannot go from DRAINING to DRAINING",
                refused(withHost(HostState.DRAINING), propose(new Decision.DrainHost("d1-1", POOL, "gw-1", "t"))));
    }

    @Test
    void undrainPutsADrainingHostBackInService() {
        ClusterState s = ok(withHost(HostState.DRAINING), propose(new Decision.UndrainHost("d1-1", POOL, "gw-1", "t")));
        assertEquals(HostState.READY, hostOf(s, "gw-1").state());
        assertEquals(
                "host gw-1 cannot go from READY to READY",
                refused(s, propose(new Decision.UndrainHost("d1-2", POOL, "gw-1", "t"))));
    }

    @Test
    void deleteMovesAHostToDeletingAndStaysOpenUntilTheServerIsGone() {
        for (HostState from : List.of(HostState.CREATING, HostState.READY, HostState.DRAINING)) {
            ClusterState s = ok(withHost(from), propose(delete("d1-1", "gw-1")));
            assertEquals(HostState.DELETING, hostOf(s, "gw-1").state(), "from " + from);
            assertEquals(Outcome.PENDING, s.open().get("d1-1").outcome());
            s = ok(s, outcome("d1-1", Outcome.DONE, Map.of()));
            assertTrue(poolOf(s).host("gw-1").isEmpty(), "DeleteHost DONE removes the host");
        }
    }

    @Test
    void deleteOfAFailedHostCleansItUp() {
        ClusterState s = ok(base(), propose(create("d1-1", "gw-1")));
        s = ok(s, outcome("d1-1", Outcome.FAILED, Map.of()));
        s = ok(s, propose(delete("d1-2", "gw-1")));
        assertEquals(HostState.DELETING, hostOf(s, "gw-1").state());
    }

    @Test
    void deleteIsRefusedWhileTheHostHasACreateOrDeleteOpen() {
        ClusterState s = ok(base(), propose(create("d1-1", "gw-1")));
        assertEquals("host gw-1 has a decision under way", refused(s, propose(delete("d1-2", "gw-1"))));
        s = ok(withHost(HostState.READY), propose(delete("d1-3", "gw-1")));
        assertEquals("host gw-1 has a decision under way", refused(s, propose(delete("d1-4", "gw-1"))));
        assertEquals("unknown host gw-9 in pool gw", refused(s, propose(delete("d1-5", "gw-9"))));
    }

    @Test
    void deleteRetryIsAllowedWhenDeletingWithNoOpenDecision() {
        ClusterState s = ok(withHost(HostState.READY), propose(delete("d1-1", "gw-1")));
        s = ok(s, outcome("d1-1", Outcome.FAILED, Map.of()));
        assertEquals(HostState.DELETING, hostOf(s, "gw-1").state(), "a failed delete leaves the host DELETING");
        s = ok(s, propose(delete("d1-2", "gw-1")));
        assertEquals(HostState.DELETING, hostOf(s, "gw-1").state());
        assertTrue(s.open().containsKey("d1-2"));
        s = ok(s, outcome("d1-2", Outcome.DONE, Map.of()));
        assertTrue(poolOf(s).hosts().isEmpty());
    }

    @Test
    void deletingHostCannotBeDrainedOrMadeReady() {
        ClusterState s = ok(withHost(HostState.READY), propose(delete("d1-1", "gw-1")));
        assertEquals(
                "host gw-1 cannot go from DELETING to DRAINING",
                refused(s, propose(new Decision.DrainHost("d1-2", POOL, "gw-1", "t"))));
        assertEquals(
                "host gw-1 cannot go from DELETING to READY",
                refused(s, propose(new Decision.UndrainHost("d1-3", POOL, "gw-1", "t"))));
    }

    @Test
    void deleteOrphanIsRefusedWhileTheSameOrphanIsBeingDeleted() {
        ClusterState s = ok(base(), propose(new Decision.DeleteOrphan("d1-1", POOL, "srv-z", "t")));
        assertEquals(
                "orphan srv-z is already being deleted",
                refused(s, propose(new Decision.DeleteOrphan("d1-2", POOL, "srv-z", "t"))));
        s = ok(s, outcome("d1-1", Outcome.DONE, Map.of()));
        ok(s, propose(new Decision.DeleteOrphan("d1-2", POOL, "srv-z", "t")));
    }

    @Test
    void deleteOrphanOfAServerTheStateKnowsIsRefused() {
        assertEquals(
                "server srv-a is known to the state, not an orphan",
                refused(base(), propose(new Decision.DeleteOrphan("d1-1", PAIR, A.serverId(), "t"))));
        ClusterState s = withHost(HostState.READY);
        assertEquals(
                "server srv-gw-1 is known to the state, not an orphan",
                refused(s, propose(new Decision.DeleteOrphan("d1-2", POOL, "srv-gw-1", "t"))));
    }

    @Test
    void adoptHostAddsAReadyHostHoldingTheServer() {
        ClusterState s = ok(
                withHost(HostState.READY),
                propose(new Decision.AdoptHost("d1-1", POOL, "gw-old", "srv-old", "10.9.0.1", "t")));
        var h = s.pools().get(POOL).host("gw-old").orElseThrow();
        assertEquals(HostState.READY, h.state());
        assertEquals("srv-old", h.serverId());
        assertEquals("10.9.0.1", h.address());
        assertTrue(s.open().isEmpty(), "adopting does not touch the cloud");
    }

    @Test
    void adoptHostIsRefusedForATakenNameOrAKnownServer() {
        ClusterState s = withHost(HostState.READY);
        assertEquals(
                "host gw-1 exists in pool " + POOL,
                refused(s, propose(new Decision.AdoptHost("d1-1", POOL, "gw-1", "srv-new", "10.9.0.1", "t"))));
        assertEquals(
                "server srv-gw-1 is known to the state",
                refused(s, propose(new Decision.AdoptHost("d1-2", POOL, "gw-9", "srv-gw-1", "10.9.0.1", "t"))));
        assertEquals(
                "server srv-a is known to the state",
                refused(s, propose(new Decision.AdoptHost("d1-3", POOL, "gw-9", A.serverId(), "10.9.0.1", "t"))));
    }

    // ---- outcomes and history -----------------------------------------------------------------------------------

    @Test
    void outcomeIsAcceptedOnlyForAnOpenDecision() {
        assertEquals("no open decision d1-9", refused(base(), outcome("d1-9", Outcome.DONE, Map.of())));
        ClusterState s = ok(base(), propose(failover("d1-1", A, B)));
        s = ok(s, outcome("d1-1", Outcome.DONE, Map.of()));
        assertEquals("no open decision d1-1", refused(s, outcome("d1-1", Outcome.FAILED, Map.of())));
        ClusterState h = ok(base(), propose(new Decision.HoldPair("d1-2", PAIR, "t")));
        assertEquals("no open decision d1-2", refused(h, outcome("d1-2", Outcome.DONE, Map.of())));
    }

    @Test
    void outcomeClosesTheDecisionWithItsDetailTimeAndFacts() {
        ClusterState s = ok(base(), propose(new Decision.DeleteOrphan("d1-1", POOL, "srv-z", "t")));
        s = ok(s, outcome("d1-1", Outcome.ABANDONED, facts("k", "v")));
        DecisionRecord r = s.decision("d1-1").orElseThrow();
        assertEquals(Outcome.ABANDONED, r.outcome());
        assertEquals("detail of ABANDONED", r.outcomeDetail());
        assertEquals(T1.plusSeconds(1), r.outcomeAt());
        assertEquals(Map.of("k", "v"), r.facts());
        assertTrue(s.open().isEmpty());
    }

    @Test
    void decisionsThatDoNotActOnTheCloudAreClosedDoneAtOnce() {
        ClusterState s = withHost(HostState.READY);
        List<Decision> local = List.of(
                new Decision.DrainHost("d1-1", POOL, "gw-1", "t"),
                new Decision.UndrainHost("d1-2", POOL, "gw-1", "t"),
                new Decision.HoldPair("d1-3", PAIR, "t"));
        for (Decision d : local) {
            assertFalse(d.actsOnCloud());
            s = ok(s, propose(d));
            DecisionRecord r = lastClosed(s);
            assertEquals(d, r.decision());
            assertEquals(Outcome.DONE, r.outcome());
            assertEquals("committed", r.outcomeDetail());
            assertEquals(T1, r.outcomeAt());
            assertFalse(s.open().containsKey(d.id()));
        }
    }

    @Test
    void decisionsThatActOnTheCloudStayOpenUntilTheirOutcome() {
        List<Decision> cloud = List.of(
                replace("d1-1", B),
                new Decision.Reassociate("d1-2", PAIR, A.serverId(), "t"),
                create("d1-3", "gw-1"),
                new Decision.DeleteOrphan("d1-4", POOL, "srv-z", "t"));
        ClusterState s = base();
        for (Decision d : cloud) {
            assertTrue(d.actsOnCloud());
            s = ok(s, new Command.Propose(d, 1, T1));
            assertEquals(Outcome.PENDING, s.open().get(d.id()).outcome());
        }
        assertEquals(4, s.open().size());
    }

    @Test
    void historyIsBoundedAndKeepsTheNewest() {
        ClusterState s = withHost(HostState.READY);
        int n = ClusterState.HISTORY_LIMIT + 20;
        for (int i = 0; i < n; i += 2) {
            s = ok(s, propose(new Decision.DrainHost("d2-" + i, POOL, "gw-1", "t")));
            s = ok(s, propose(new Decision.UndrainHost("d2-" + (i + 1), POOL, "gw-1", "t")));
        }
        assertEquals(ClusterState.HISTORY_LIMIT, s.history().size());
        assertEquals("d2-" + (n - 1), lastClosed(s).id());
        assertEquals(
                "d2-" + (n - ClusterState.HISTORY_LIMIT), s.history().get(0).id());
        assertTrue(s.decision("d2-0").isEmpty(), "the oldest fell out of the history");
        assertTrue(s.decision("d2-" + (n - 1)).isPresent());
    }
}
