package org.sipmediadeploy.raft;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulationTest {
    private static final int SEEDS = Integer.getInteger("sim.seeds", 300);

    @Test
    void everyCloudActionMatchesOneCommittedDecisionActedOnByTheLeaderOfItsTerm() {
        List<String> violations = new ArrayList<>();
        long failovers = 0;
        long terms = 0;
        long actions = 0;
        for (long seed = 1; seed <= SEEDS; seed++) {
            Simulation s = new Simulation(seed, true).run(80, 30);
            violations.addAll(s.violations);
            failovers += s.failovers();
            terms += s.terms();
            actions += s.mutations();
        }
        assertTrue(
                violations.isEmpty(),
                violations.size() + " violations, first: " + violations.subList(0, Math.min(5, violations.size())));
        // The faults really happened: the simulation is not vacuous.
        assertTrue(failovers > SEEDS / 2, "failovers " + failovers);
        assertTrue(terms > 2L * SEEDS, "terms " + terms);
        assertTrue(actions > SEEDS, "cloud actions " + actions);
    }

    @Test
    void withoutTheTermFenceADeposedLeaderIsCaughtActing() {
        // Negative control: trusting a node's own belief of leadership must break ACT_BY_LEADER somewhere.
        List<String> violations = new ArrayList<>();
        for (long seed = 1; seed <= SEEDS && violations.isEmpty(); seed++) {
            violations.addAll(new Simulation(seed, false).run(80, 30).violations);
        }
        assertTrue(violations.stream().anyMatch(v -> v.startsWith("ACT_BY_LEADER")), violations.toString());
    }
}
