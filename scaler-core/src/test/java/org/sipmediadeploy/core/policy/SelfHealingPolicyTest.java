package org.sipmediadeploy.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.sipmediadeploy.core.command.Command;
import org.sipmediadeploy.core.config.SelfHealingConfig;
import org.sipmediadeploy.core.config.ServerTemplate;
import org.sipmediadeploy.core.decision.Decision;
import org.sipmediadeploy.core.decision.Outcome;
import org.sipmediadeploy.core.model.ScalerMember;
import org.sipmediadeploy.core.port.Membership;
import org.sipmediadeploy.core.state.ClusterState;
import org.sipmediadeploy.core.state.Transitions;

/** When a dead scaler member is replaced, and every case in which it is not. */
class SelfHealingPolicyTest {
    private static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");
    private static final SelfHealingConfig ON = new SelfHealingConfig(
            true,
            Duration.ofMinutes(5),
            Duration.ofSeconds(3),
            Duration.ofMinutes(10),
            new ServerTemplate("i", "f", "n", List.of(), null, null, ""));
    private static final DecisionIds IDS = DecisionIds.forTerm(7, 1);

    private static ClusterState state(int n) {
        List<ScalerMember> m = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            m.add(new ScalerMember("scaler-" + i, "10.0.0." + i + ":9870", "s" + i, "p" + i, null));
        }
        return Transitions.apply(ClusterState.empty(), new Command.SyncScalers(m, 1, T0), 1)
                .state();
    }

    /** The leader scaler-1's view; {@code silent} gives each other member's time since last contact. */
    private static Membership.View view(int n, Map<String, Duration> silent) {
        List<Membership.Peer> peers = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            String id = "scaler-" + i;
            peers.add(new Membership.Peer(
                    id,
                    "10.0.0." + i + ":9870",
                    i == 1 ? Duration.ZERO : silent.getOrDefault(id, Duration.ofMillis(100)),
                    10));
        }
        return new Membership.View("scaler-1", peers, 10, false);
    }

    @Test
    void memberSilentLongerThanReplaceAfterWithAMajorityHealthyIsReplacedByTheNextId() {
        var v = SelfHealingPolicy.decide(state(3), view(3, Map.of("scaler-3", Duration.ofMinutes(6))), ON, T0, IDS);
        Decision.ReplaceScaler d = (Decision.ReplaceScaler) v.decision().orElseThrow();
        assertEquals("scaler-3", d.deadNodeId());
        assertEquals("scaler-4", d.newNodeId());
        assertTrue(d.reason().contains("unreachable for 360 s"), d.reason());
    }

    @Test
    void memberSilentLessThanReplaceAfterIsLeftAlone() {
        var v = SelfHealingPolicy.decide(state(3), view(3, Map.of("scaler-3", Duration.ofMinutes(4))), ON, T0, IDS);
        assertTrue(v.decision().isEmpty(), v.note());
    }

    @Test
    void noReplacementWithoutAMajorityOfHealthyMembers() {
        var v = SelfHealingPolicy.decide(
                state(3),
                view(3, Map.of("scaler-2", Duration.ofMinutes(6), "scaler-3", Duration.ofMinutes(6))),
                ON,
                T0,
                IDS);
        assertTrue(v.decision().isEmpty());
        assertTrue(v.note().contains("no majority"), v.note());
    }

    @Test
    void fiveMembersWithTwoDeadReplaceTheLongestSilentFirst() {
        var v = SelfHealingPolicy.decide(
                state(5),
                view(5, Map.of("scaler-2", Duration.ofMinutes(6), "scaler-4", Duration.ofMinutes(9))),
                ON,
                T0,
                IDS);
        assertEquals("scaler-4", ((Decision.ReplaceScaler) v.decision().orElseThrow()).deadNodeId());
    }

    @Test
    void disabledSelfHealingNeverReplaces() {
        var v = SelfHealingPolicy.decide(
                state(3), view(3, Map.of("scaler-3", Duration.ofHours(1))), SelfHealingConfig.DISABLED, T0, IDS);
        assertTrue(v.decision().isEmpty());
    }

    @Test
    void nothingWhileAConfigurationChangeIsInProgress() {
        Membership.View changing = new Membership.View(
                "scaler-1", view(3, Map.of("scaler-3", Duration.ofHours(1))).voters(), 10, true);
        assertTrue(SelfHealingPolicy.decide(state(3), changing, ON, T0, IDS)
                .decision()
                .isEmpty());
    }

    @Test
    void nothingWhileAReplacementIsUnderWayAndNotWithinReplaceAfterOfTheLastOne() {
        ClusterState s = state(3);
        Decision d = new Decision.ReplaceScaler("d1-1-scaler-1", "scaler-3", "scaler-4", "r");
        s = Transitions.apply(s, new Command.Propose(d, 1, T0), 2).state();
        var dead = view(3, Map.of("scaler-2", Duration.ofHours(1)));
        assertTrue(SelfHealingPolicy.decide(s, dead, ON, T0, IDS).note().contains("replacing scaler-3"));

        s = Transitions.apply(s, new Command.RecordOutcome(d.id(), Outcome.FAILED, "x", Map.of(), 1, T0), 3)
                .state();
        assertTrue(SelfHealingPolicy.decide(s, dead, ON, T0.plusSeconds(60), IDS)
                .decision()
                .isEmpty());
        var later = SelfHealingPolicy.decide(s, dead, ON, T0.plusSeconds(301), IDS);
        assertEquals(
                "scaler-5",
                ((Decision.ReplaceScaler) later.decision().orElseThrow()).newNodeId(),
                "scaler-4 was given out once: never again");
    }

    @Test
    void overRandomViewsADecisionAlwaysHasAMajorityHealthyAndADeadMemberThatIsNotTheLeader() {
        Random r = new Random(20261128);
        for (int i = 0; i < 2000; i++) {
            int n = r.nextBoolean() ? 3 : 5;
            Map<String, Duration> silent = new TreeMap<>();
            for (int k = 2; k <= n; k++) {
                silent.put("scaler-" + k, Duration.ofSeconds(r.nextInt(3) == 0 ? 300 + r.nextInt(600) : r.nextInt(5)));
            }
            var v = SelfHealingPolicy.decide(state(n), view(n, silent), ON, T0, IDS);
            long healthy = 1
                    + silent.values().stream()
                            .filter(x -> x.compareTo(ON.healthyWithin()) <= 0)
                            .count();
            if (v.decision().isPresent()) {
                Decision.ReplaceScaler d = (Decision.ReplaceScaler) v.decision().get();
                assertTrue(healthy * 2 > n, "majority healthy: " + silent);
                assertTrue(!d.deadNodeId().equals("scaler-1")
                        && silent.get(d.deadNodeId()).compareTo(ON.replaceAfter()) >= 0);
            } else {
                boolean anyDead = silent.values().stream().anyMatch(x -> x.compareTo(ON.replaceAfter()) >= 0);
                assertTrue(
                        !anyDead || healthy * 2 <= n, "a dead member with a healthy majority is replaced: " + silent);
            }
        }
    }
}
