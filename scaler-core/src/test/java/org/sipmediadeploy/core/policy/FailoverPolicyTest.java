package org.sipmediadeploy.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sipmediadeploy.core.Fixtures.A;
import static org.sipmediadeploy.core.Fixtures.B;
import static org.sipmediadeploy.core.Fixtures.MS;
import static org.sipmediadeploy.core.Fixtures.T0;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sipmediadeploy.core.Fixtures;
import org.sipmediadeploy.core.command.Command;
import org.sipmediadeploy.core.config.DetectorSettings;
import org.sipmediadeploy.core.config.FailoverSettings;
import org.sipmediadeploy.core.decision.Decision;
import org.sipmediadeploy.core.model.PairMode;
import org.sipmediadeploy.core.model.PairState;
import org.sipmediadeploy.core.model.ProbeResult;
import org.sipmediadeploy.core.state.Applied;
import org.sipmediadeploy.core.state.ClusterState;
import org.sipmediadeploy.core.state.Transitions;

/** The failover acceptance items: each test is one rule of {@link FailoverPolicy}, with defaults 3 / 30 s / 4 per hour. */
class FailoverPolicyTest {
    private static final Instant NOW = T0.plusSeconds(3600);
    private static final FailoverSettings S = FailoverSettings.defaults();

    // ---- helpers -------------------------------------------------------------------------------------------

    /** Health after {@code failures} consecutive failed probes, one per second, the last at NOW. */
    static TargetHealth failing(int failures) {
        return failingSince(failures, NOW.minusSeconds(failures - 1));
    }

    static TargetHealth failingSince(int failures, Instant since) {
        TargetHealth h = up();
        h = h.next(ProbeResult.down(MS, "timeout after 400 ms", since));
        for (int i = 1; i < failures; i++) {
            h = h.next(ProbeResult.down(MS, "timeout after 400 ms", NOW.minusSeconds(failures - 1 - i)));
        }
        assertEquals(since, h.failingSince());
        return h;
    }

    static TargetHealth up() {
        return TargetHealth.NEVER_PROBED.next(ProbeResult.up(MS, "200 OK", NOW));
    }

    private static final class Obs {
        final Map<String, TargetHealth> health = new HashMap<>();
        final Map<String, Confirmation> confirmations = new HashMap<>();
        boolean seen = true;
        String port = A.portId();
        boolean workOpen;

        Obs active(TargetHealth h) {
            health.put(A.serverId(), h);
            return this;
        }

        Obs standby(TargetHealth h) {
            health.put(B.serverId(), h);
            return this;
        }

        Obs confirm(String serverId, int seeDown) {
            confirmations.put(serverId, new Confirmation(seeDown, 3));
            return this;
        }

        Obs fipOn(String p) {
            port = p;
            return this;
        }

        Obs fipUnreadable() {
            seen = false;
            port = null;
            return this;
        }

        Obs workOpen() {
            workOpen = true;
            return this;
        }

        PairObservation build() {
            return new PairObservation(health, seen, port, confirmations, workOpen);
        }
    }

    private static Obs obs() {
        return new Obs();
    }

    private static PairVerdict decide(PairState pair, Obs o) {
        return decide(pair, o, S);
    }

    private static PairVerdict decide(PairState pair, Obs o, FailoverSettings s) {
        PairVerdict v = FailoverPolicy.decide(pair, o.build(), s, NOW, DecisionIds.forTerm(4, 1));
        assertTrue(v.decisions().size() <= 1, "at most one decision per verdict");
        return v;
    }

    private static void assertNothing(PairVerdict v) {
        assertEquals(List.of(), v.decisions(), v.note());
    }

    private static PairState pair() {
        return Fixtures.pair();
    }

    /** The pair with B active after failovers at the given times (A is the standby). */
    private static PairState afterFailovers(Instant... times) {
        return new PairState(
                Fixtures.PAIR,
                List.of(A, B),
                B.serverId(),
                "fip-1",
                "203.0.113.10",
                PairMode.AUTO,
                List.of(times),
                null);
    }

    /** Same observation, but for the pair where B is active. */
    private static Obs swapped(TargetHealth active, TargetHealth standby) {
        Obs o = obs();
        o.health.put(B.serverId(), active);
        o.health.put(A.serverId(), standby);
        o.port = B.portId();
        return o;
    }

    // ---- active failing -----------------------------------------------------------------------------------------

    @Test
    void noFailoverOnTwoFailedProbesWhenThreeAreRequired() {
        PairVerdict v = decide(pair(), obs().active(failing(2)).standby(up()).confirm(A.serverId(), 3));
        assertNothing(v);
        assertFalse(v.needsConfirmation());
        assertEquals(List.of(), v.alarms());
    }

    @Test
    void asksTheOtherNodesForConfirmationAtThreeFailedProbes() {
        PairVerdict v = decide(pair(), obs().active(failing(3)).standby(up()));
        assertNothing(v);
        assertTrue(v.needsConfirmation());
        assertEquals(A.serverId(), v.confirmServerId());
    }

    @Test
    void noFailoverWhenOnlyTheLeaderSeesTheActiveDown() {
        PairVerdict v = decide(pair(), obs().active(failing(3)).standby(up()).confirm(A.serverId(), 1));
        assertNothing(v);
        assertFalse(v.needsConfirmation());
        assertTrue(v.note().contains("only 1/3 nodes see it down"), v.note());
    }

    @Test
    void withTheAdaptiveDetectorTwoRefusedProbesAreEnoughWhereTwoSilentOnesAreNot() {
        FailoverSettings adaptive = S.withDetector(DetectorSettings.adaptive());
        TargetHealth learnt = up();
        for (int i = 0; i < 200; i++) {
            learnt = learnt.next(ProbeResult.up(MS, "200 OK", NOW));
        }
        TargetHealth silent = learnt.next(ProbeResult.silent(MS, "timeout after 80 ms", NOW))
                .next(ProbeResult.silent(MS, "timeout after 80 ms", NOW));
        PairVerdict waits = decide(pair(), obs().active(silent).standby(up()), adaptive);
        assertTrue(waits.decisions().isEmpty(), waits.note());
        assertFalse(waits.needsConfirmation(), waits.note());
        TargetHealth refused = learnt.next(ProbeResult.refused(MS, "connection refused", NOW))
                .next(ProbeResult.refused(MS, "connection refused", NOW));
        PairVerdict asks = decide(pair(), obs().active(refused).standby(up()), adaptive);
        assertTrue(asks.needsConfirmation(), asks.note());
        PairVerdict moves = decide(pair(), obs().active(refused).standby(up()).confirm(A.serverId(), 2), adaptive);
        Decision.Failover f =
                assertInstanceOf(Decision.Failover.class, moves.decisions().get(0));
        assertTrue(f.reason().contains("0 silent, 2 refused; suspicion 5.0 of 4.0"), f.reason());
    }

    @Test
    void failsOverToTheHealthyStandbyWhenAMajorityConfirmsTheActiveDown() {
        PairVerdict v = decide(pair(), obs().active(failing(3)).standby(up()).confirm(A.serverId(), 2));
        assertEquals(1, v.decisions().size());
        Decision.Failover f =
                assertInstanceOf(Decision.Failover.class, v.decisions().get(0));
        assertEquals(A.serverId(), f.fromServerId());
        assertEquals(B.serverId(), f.toServerId());
        assertEquals(Fixtures.PAIR, f.pair());
        assertTrue(f.reason().contains("sip-a failed 3 probes (timeout after 400 ms)"), f.reason());
        assertTrue(f.reason().contains("confirmed down by 2/3 nodes"), f.reason());
        assertTrue(f.reason().contains("standby sip-b up"), f.reason());
        assertFalse(v.needsConfirmation());
        // The state machine takes it: the decision is consistent with the replicated state.
        ClusterState s = Transitions.apply(ClusterState.empty(), new Command.InitPair(pair(), 4, NOW), 1)
                .state();
        Applied a = Transitions.apply(s, new Command.Propose(f, 4, NOW), 2);
        assertTrue(a.isAccepted(), () -> a.refusal());
        assertEquals(B.serverId(), a.state().pair(Fixtures.PAIR).orElseThrow().activeServerId());
    }

    @Test
    void unanimousConfirmationAlsoFailsOver() {
        PairVerdict v = decide(pair(), obs().active(failing(5)).standby(up()).confirm(A.serverId(), 3));
        assertInstanceOf(Decision.Failover.class, v.decisions().get(0));
    }

    @Test
    void holdsTheFloatingIpWithAnAlarmWhenBothMembersAreDown() {
        PairVerdict v =
                decide(pair(), obs().active(failing(3)).standby(failing(3)).confirm(A.serverId(), 3));
        assertNothing(v);
        assertEquals(1, v.alarms().size());
        assertTrue(
                v.alarms().get(0).message().contains("both members down"),
                v.alarms().get(0).message());
        assertTrue(v.alarms().get(0).message().contains("floating IP kept on sip-a"));
        assertFalse(v.needsConfirmation());
    }

    @Test
    void neverFailsOverToAStandbyThatWasNeverProbed() {
        PairVerdict v = decide(pair(), obs().active(failing(3)).confirm(A.serverId(), 3));
        assertNothing(v);
        assertEquals(1, v.alarms().size());
        assertTrue(
                v.alarms().get(0).message().contains("never probed"),
                v.alarms().get(0).message());
    }

    @Test
    void neverFailsOverToAStandbyWhoseLastProbeFailedEvenOnce() {
        PairVerdict v =
                decide(pair(), obs().active(failing(4)).standby(failing(1)).confirm(A.serverId(), 3));
        assertNothing(v);
    }

    @Test
    void withinMinIntervalOfTheLastFailoverTwiceTheThresholdIsNeeded() {
        PairState p = afterFailovers(NOW.minusSeconds(10));
        for (int n = 3; n < 6; n++) {
            PairVerdict v = decide(p, swapped(failing(n), up()).confirm(B.serverId(), 3));
            assertNothing(v);
            assertFalse(v.needsConfirmation(), "does not even ask at " + n);
            assertTrue(v.note().contains("waiting for 6 failures"), v.note());
        }
        PairVerdict v = decide(p, swapped(failing(6), up()).confirm(B.serverId(), 3));
        Decision.Failover f =
                assertInstanceOf(Decision.Failover.class, v.decisions().get(0));
        assertEquals(B.serverId(), f.fromServerId());
        assertTrue(f.reason().contains("within min-interval, needed 6 failures"), f.reason());
    }

    @Test
    void afterMinIntervalTheNormalThresholdAppliesAgain() {
        PairState p = afterFailovers(NOW.minus(S.minInterval()));
        PairVerdict v = decide(p, swapped(failing(3), up()).confirm(B.serverId(), 2));
        assertInstanceOf(Decision.Failover.class, v.decisions().get(0));
    }

    @Test
    void fifthFailoverWithinAnHourHoldsThePairInManualWithAnAlarm() {
        PairState p = afterFailovers(
                NOW.minusSeconds(3000), NOW.minusSeconds(2000), NOW.minusSeconds(1000), NOW.minusSeconds(500));
        PairVerdict v = decide(p, swapped(failing(3), up()).confirm(B.serverId(), 2));
        Decision.HoldPair h =
                assertInstanceOf(Decision.HoldPair.class, v.decisions().get(0));
        assertTrue(h.reason().contains("4 failovers in the last hour reached max-per-hour 4"), h.reason());
        assertEquals(1, v.alarms().size());
        assertEquals(h.reason(), v.alarms().get(0).message());
        ClusterState s = Transitions.apply(ClusterState.empty(), new Command.InitPair(p, 4, NOW), 1)
                .state();
        s = Transitions.apply(s, new Command.Propose(h, 4, NOW), 2).state();
        assertEquals(PairMode.MANUAL, s.pair(Fixtures.PAIR).orElseThrow().mode());
    }

    @Test
    void failoversOlderThanAnHourDoNotCountTowardsMaxPerHour() {
        PairState p = afterFailovers(
                NOW.minusSeconds(4000), NOW.minusSeconds(2000), NOW.minusSeconds(1000), NOW.minusSeconds(500));
        PairVerdict v = decide(p, swapped(failing(3), up()).confirm(B.serverId(), 2));
        assertInstanceOf(Decision.Failover.class, v.decisions().get(0));
    }

    @ParameterizedTest
    @EnumSource(
            value = PairMode.class,
            names = {"PAUSED", "MANUAL"})
    void noAutomaticFailoverOutsideAutoModeButAnAlarm(PairMode mode) {
        PairVerdict v = decide(
                pair().withMode(mode), obs().active(failing(3)).standby(up()).confirm(A.serverId(), 3));
        assertNothing(v);
        assertFalse(v.needsConfirmation());
        assertEquals(1, v.alarms().size());
        assertTrue(v.alarms().get(0).message().contains("pair is " + mode + ", no automatic failover"));
    }

    @Test
    void noFailBackWhenTheOldActiveComesBackUp() {
        ClusterState s = Transitions.apply(ClusterState.empty(), new Command.InitPair(pair(), 4, NOW), 1)
                .state();
        PairVerdict first =
                decide(pair(), obs().active(failing(3)).standby(up()).confirm(A.serverId(), 2));
        s = Transitions.apply(s, new Command.Propose(first.decisions().get(0), 4, NOW), 2)
                .state();
        PairState after = s.pair(Fixtures.PAIR).orElseThrow();
        // A answers again; B (now active) is healthy and holds the floating IP.
        PairVerdict v = decide(after, swapped(up(), up()));
        assertNothing(v);
        assertEquals(List.of(), v.alarms());
        assertFalse(v.needsConfirmation());
    }

    @Test
    void activeThatIsNeitherFailingNorYetUpIsLeftAlone() {
        PairVerdict v = decide(pair(), obs().standby(up()).fipOn(B.portId()));
        assertNothing(v);
        assertTrue(v.note().contains("not yet confirmed up"), v.note());
    }

    // ---- floating IP association --------------------------------------------------------------------------------

    @Test
    void reassociatesTheFloatingIpFoundOnTheWrongPortWhileTheActiveIsHealthy() {
        PairVerdict v = decide(pair(), obs().active(up()).standby(up()).fipOn(B.portId()));
        Decision.Reassociate r =
                assertInstanceOf(Decision.Reassociate.class, v.decisions().get(0));
        assertEquals(A.serverId(), r.serverId());
        assertTrue(r.reason().contains("found on port port-b, active is sip-a"), r.reason());
    }

    @Test
    void reassociatesAFloatingIpThatIsOnNoPort() {
        PairVerdict v = decide(pair(), obs().active(up()).standby(up()).fipOn(null));
        Decision.Reassociate r =
                assertInstanceOf(Decision.Reassociate.class, v.decisions().get(0));
        assertTrue(r.reason().contains("found on no port"), r.reason());
    }

    @Test
    void doesNothingWhenTheFloatingIpCouldNotBeRead() {
        PairVerdict v = decide(pair(), obs().active(up()).standby(up()).fipUnreadable());
        assertNothing(v);
        assertEquals(List.of(), v.alarms());
    }

    @Test
    void doesNotReassociateOutsideAutoMode() {
        assertNothing(decide(
                pair().withMode(PairMode.PAUSED),
                obs().active(up()).standby(up()).fipOn(B.portId())));
    }

    @Test
    void aHealthyPairWithTheFloatingIpInPlaceNeedsNothing() {
        PairVerdict v = decide(pair(), obs().active(up()).standby(up()));
        assertNothing(v);
        assertEquals(List.of(), v.alarms());
        assertNull(v.confirmServerId());
    }

    // ---- standby replacement ------------------------------------------------------------------------------------

    private static TargetHealth standbyDownFor(Duration d) {
        return failingSince(5, NOW.minus(d));
    }

    @Test
    void replacesAStandbyFailingLongerThanReplaceAfterWhenAMajorityConfirms() {
        PairVerdict v = decide(
                pair(),
                obs().active(up())
                        .standby(standbyDownFor(Duration.ofSeconds(31)))
                        .confirm(B.serverId(), 2));
        Decision.ReplaceMember r =
                assertInstanceOf(Decision.ReplaceMember.class, v.decisions().get(0));
        assertEquals(B.serverId(), r.failedServerId());
        assertEquals("sip-" + r.id(), r.newName());
        assertTrue(r.reason().contains("failing for 31 s"), r.reason());
        assertTrue(r.reason().contains("confirmed down by 2/3 nodes"), r.reason());
        assertEquals(1, v.alarms().size());
        assertTrue(v.alarms().get(0).message().startsWith("standby sip-b failing"));
    }

    @Test
    void asksTheOtherNodesBeforeReplacingAStandby() {
        PairVerdict v = decide(pair(), obs().active(up()).standby(standbyDownFor(Duration.ofSeconds(31))));
        assertNothing(v);
        assertEquals(B.serverId(), v.confirmServerId());
        assertEquals(1, v.alarms().size());
    }

    @Test
    void doesNotReplaceAStandbyBeforeReplaceAfter() {
        PairVerdict v = decide(
                pair(),
                obs().active(up())
                        .standby(standbyDownFor(Duration.ofSeconds(29)))
                        .confirm(B.serverId(), 3));
        assertNothing(v);
        assertFalse(v.needsConfirmation());
        assertEquals(1, v.alarms().size(), "a failing standby is still an alarm");
    }

    @Test
    void doesNotReplaceAStandbyWithoutAMajority() {
        PairVerdict v = decide(
                pair(),
                obs().active(up())
                        .standby(standbyDownFor(Duration.ofMinutes(5)))
                        .confirm(B.serverId(), 1));
        assertNothing(v);
        assertEquals(1, v.alarms().size());
        assertTrue(v.note().contains("only 1/3 nodes see it down"), v.note());
    }

    @Test
    void doesNotReplaceWhenReplacementIsOffOrThePairIsNotAutoOrAlreadyReplacing() {
        Obs o = obs().active(up())
                .standby(standbyDownFor(Duration.ofMinutes(5)))
                .confirm(B.serverId(), 3);
        FailoverSettings off =
                new FailoverSettings(3, S.minInterval(), S.maxPerHour(), S.confirmTimeout(), false, S.replaceAfter());
        assertNothing(decide(pair(), o, off));
        assertNothing(decide(pair().withMode(PairMode.MANUAL), o));
        assertNothing(decide(pair().withReplacing(B.serverId()), o));
    }

    @Test
    void doesNothingWhileAMoveOrReplacementOfThePairIsOpen() {
        PairVerdict v = decide(
                pair(),
                obs().active(failing(9)).standby(up()).confirm(A.serverId(), 3).workOpen());
        assertNothing(v);
        assertFalse(v.needsConfirmation());
        assertEquals(List.of(), v.alarms());
        assertNothing(decide(
                pair(), obs().active(up()).standby(up()).fipOn(B.portId()).workOpen()));
    }

    @Test
    void sameInputGivesTheSameVerdict() {
        Obs o = obs().active(failing(3)).standby(up()).confirm(A.serverId(), 2);
        List<PairVerdict> vs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            vs.add(decide(pair(), o));
        }
        assertEquals(vs.get(0), vs.get(1));
        assertEquals(vs.get(1), vs.get(2));
    }
}
