package org.sipmediadeploy.core.policy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.sipmediadeploy.core.Fixtures;
import org.sipmediadeploy.core.command.Command;
import org.sipmediadeploy.core.command.Facts;
import org.sipmediadeploy.core.config.FailoverSettings;
import org.sipmediadeploy.core.decision.Decision;
import org.sipmediadeploy.core.decision.DecisionRecord;
import org.sipmediadeploy.core.decision.Outcome;
import org.sipmediadeploy.core.model.Member;
import org.sipmediadeploy.core.model.PairState;
import org.sipmediadeploy.core.model.ProbeResult;
import org.sipmediadeploy.core.state.Applied;
import org.sipmediadeploy.core.state.ClusterState;
import org.sipmediadeploy.core.state.Transitions;

/**
 * A pair lived through time: every 3 s both members are probed (random outages), the policy decides, decisions are
 * committed through the real state machine and carried out (mostly DONE, sometimes FAILED) one pass later. Named
 * invariants are checked after every step.
 */
class FailoverSimulationPropertiesTest {
    private static final FailoverSettings S =
            new FailoverSettings(3, Duration.ofSeconds(30), 4, Duration.ofMillis(300), true, Duration.ofSeconds(30));

    /** Per step: A up?, B up?, how many of the 2 other nodes agree with the leader, does the cloud call fail? */
    record Step(boolean aUp, boolean bUp, int othersAgree, boolean cloudFails) {}

    @Provide
    Arbitrary<List<Step>> lives() {
        // Outages come in runs: a member's state is held for a random number of steps.
        Arbitrary<List<Step>> run = Arbitraries.integers()
                .between(1, 40)
                .flatMap(len -> net.jqwik.api.Combinators.combine(
                                Arbitraries.of(true, true, false),
                                Arbitraries.of(true, true, false),
                                Arbitraries.integers().between(0, 2),
                                Arbitraries.of(false, false, false, true))
                        .as(Step::new)
                        .map(s -> java.util.Collections.nCopies(len, s)));
        return run.list()
                .ofMinSize(1)
                .ofMaxSize(25)
                .map(l -> l.stream().flatMap(List::stream).toList());
    }

    @Property(tries = 500)
    void aPairLivedThroughRandomOutagesKeepsItsSafetyRules(@ForAll("lives") List<Step> life) {
        ClusterState s = Transitions.apply(
                        ClusterState.empty(), new Command.InitPair(Fixtures.pair(), 1, Fixtures.T0), 1)
                .state();
        Map<String, TargetHealth> health = new HashMap<>();
        String fipPort = Fixtures.A.portId();
        DecisionIds ids = DecisionIds.forTerm(1, 1);
        long index = 2;
        int fresh = 0;
        for (int i = 0; i < life.size(); i++) {
            Step step = life.get(i);
            Instant now = Fixtures.T0.plusSeconds(3L * (i + 1));
            PairState pair = s.pair(Fixtures.PAIR).orElseThrow();
            // 1. Carry out what was committed last pass.
            for (DecisionRecord r : List.copyOf(s.open().values())) {
                Decision d = r.decision();
                Outcome o = step.cloudFails() ? Outcome.FAILED : Outcome.DONE;
                Map<String, String> facts = Map.of();
                if (o == Outcome.DONE && d instanceof Decision.Failover f) {
                    fipPort = pair.member(f.toServerId()).orElseThrow().portId();
                } else if (o == Outcome.DONE && d instanceof Decision.Reassociate x) {
                    fipPort = pair.member(x.serverId()).orElseThrow().portId();
                } else if (o == Outcome.DONE && d instanceof Decision.ReplaceMember) {
                    fresh++;
                    facts = Map.of(
                            Facts.SERVER_ID,
                            "srv-n" + fresh,
                            Facts.PORT_ID,
                            "port-n" + fresh,
                            Facts.ADDRESS,
                            "10.0.9." + fresh);
                }
                Applied a = Transitions.apply(s, new Command.RecordOutcome(d.id(), o, "", facts, 1, now), index++);
                assertTrue(a.isAccepted(), () -> "outcome refused: " + a.refusal());
                s = a.state();
            }
            pair = s.pair(Fixtures.PAIR).orElseThrow();
            // 2. Probe: the first member in the list is A's slot, the second B's (replacements keep the slot).
            Member m0 = pair.members().get(0);
            Member m1 = pair.members().get(1);
            probe(health, m0, step.aUp(), now);
            probe(health, m1, step.bUp(), now);
            Map<String, Confirmation> conf = new HashMap<>();
            conf.put(m0.serverId(), new Confirmation((step.aUp() ? 0 : 1) + (step.aUp() ? 0 : step.othersAgree()), 3));
            conf.put(m1.serverId(), new Confirmation((step.bUp() ? 0 : 1) + (step.bUp() ? 0 : step.othersAgree()), 3));
            boolean workOpen = s.open().values().stream()
                    .anyMatch(r -> r.decision().scope().equals(Fixtures.PAIR));
            PairObservation obs = new PairObservation(health, true, fipPort, conf, workOpen);
            // 3. Decide and commit.
            PairVerdict v = FailoverPolicy.decide(pair, obs, S, now, ids);
            assertTrue(v.decisions().size() <= 1);
            for (Decision d : v.decisions()) {
                if (d instanceof Decision.Failover f) {
                    assertTrue(obs.healthOf(f.toServerId()).isUp(), "failover to a standby passing its probe");
                    assertTrue(obs.confirmation(f.fromServerId()).orElseThrow().isMajority(), "majority");
                    List<Instant> past = pair.failovers();
                    if (!past.isEmpty()
                            && Duration.between(past.get(past.size() - 1), now).compareTo(S.minInterval()) < 0) {
                        assertTrue(
                                obs.healthOf(f.fromServerId()).failedAtLeast(2 * S.failureThreshold()),
                                "within min-interval a failover needs twice the threshold");
                        Statistics.collect("doubled threshold used");
                    } else {
                        Statistics.collect("normal failover");
                    }
                }
                ClusterState before = s;
                Applied a = Transitions.apply(before, new Command.Propose(d, 1, now), index++);
                assertTrue(a.isAccepted(), () -> d + " refused: " + a.refusal());
                s = a.state();
            }
            checkAntiFlap(s.pair(Fixtures.PAIR).orElseThrow());
        }
        Statistics.coverage(c -> {
            c.check("normal failover").count(n -> n >= 10);
            c.check("doubled threshold used").count(n -> n >= 1);
        });
    }

    private static void probe(Map<String, TargetHealth> health, Member m, boolean up, Instant now) {
        TargetHealth h = health.getOrDefault(m.serverId(), TargetHealth.NEVER_PROBED);
        health.put(
                m.serverId(),
                h.next(
                        up
                                ? ProbeResult.up(Fixtures.MS, "200 OK", now)
                                : ProbeResult.down(Fixtures.MS, "timeout", now)));
    }

    /** No rolling hour holds more than max-per-hour failovers. */
    private static void checkAntiFlap(PairState p) {
        List<Instant> f = p.failovers();
        for (int i = 0; i < f.size(); i++) {
            int inHour = 0;
            for (int j = 0; j <= i; j++) {
                if (Duration.between(f.get(j), f.get(i)).compareTo(Duration.ofHours(1)) < 0) {
                    inHour++;
                }
            }
            assertTrue(inHour <= S.maxPerHour(), inHour + " failovers within an hour: " + f);
        }
    }
}
