package org.sipmediadeploy.core.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.sipmediadeploy.core.command.Command;
import org.sipmediadeploy.core.config.PoolConfig;
import org.sipmediadeploy.core.decision.Decision;
import org.sipmediadeploy.core.decision.DecisionId;
import org.sipmediadeploy.core.decision.Outcome;
import org.sipmediadeploy.core.model.PoolMode;
import org.sipmediadeploy.core.policy.DecisionIds;
import org.sipmediadeploy.core.port.ScalerEvents;

class PoolReconcilerTest {
    static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    FakeCloud cloud;
    FakeConsensus consensus;
    Inventory inventory;
    Map<String, String> notes;
    final AtomicLong seq = new AtomicLong();
    final DecisionIds ids = () -> new DecisionId(1, seq.incrementAndGet(), "n1").format();

    /** The reconciler of one pool {@code gw}, configured as given, its pool initialised in the log. */
    PoolReconciler reconciler(PoolConfig gw) {
        cloud = new FakeCloud();
        consensus = new FakeConsensus();
        LoopSpec spec = new LoopSpec("n1", 3, "tag", Map.of(), Map.of("gw", gw), List.of());
        Alarms alarms = new Alarms(ScalerEvents.NONE);
        notes = new ConcurrentHashMap<>();
        LeaderLog log = LoopFixtures.leaderLog(spec, cloud, consensus, alarms);
        consensus.propose(new Command.InitPool("gw", 1, T0)).join();
        inventory = new Inventory(spec, cloud);
        return new PoolReconciler(log, new ConcurrentHashMap<>(), inventory, alarms, notes);
    }

    static PoolConfig inMode(PoolConfig p, PoolMode mode) {
        return new PoolConfig(
                p.name(),
                p.server(),
                p.capacityPerHost(),
                p.minHosts(),
                p.maxHosts(),
                p.spare(),
                p.status(),
                p.evaluationPeriod(),
                p.bootTimeout(),
                p.scaleInAfter(),
                p.protectNew(),
                p.unknownGrace(),
                p.backoffBase(),
                p.backoffMax(),
                mode);
    }

    long creates() {
        return cloud.actions.stream().filter(x -> x.startsWith("create")).count();
    }

    @Test
    void decidesNothingBeforeTheFirstFullInventory() {
        PoolConfig gw = ControlLoopTest.pool(1, 10, 2);
        reconciler(gw).poolPass(gw, T0, ids);
        assertEquals(List.of(), consensus.state().history());
        assertTrue(consensus.state().open().isEmpty());
        assertEquals(0, creates());
    }

    @Test
    void createsTheSpareHostsAndEvaluatesAgainOnlyAfterTheEvaluationPeriod() {
        PoolConfig gw = ControlLoopTest.pool(1, 10, 2);
        PoolReconciler pools = reconciler(gw);
        inventory.refresh(T0);
        pools.poolPass(gw, T0, ids);
        long first = creates();
        assertTrue(first >= 1, cloud.actions.toString());
        cloud.actions.clear();
        pools.poolPass(gw, T0.plus(gw.evaluationPeriod()).minusMillis(1), ids);
        assertEquals(0, creates(), "within the evaluation period the pool is not looked at");
        assertTrue(notes.get("gw").startsWith("target 2 idle"), notes.toString());
    }

    @Test
    void aNewTermEvaluatesAtOnceInsteadOfWaitingOutThePreviousLeadersPeriod() {
        PoolConfig gw = ControlLoopTest.pool(1, 10, 2);
        PoolReconciler pools = reconciler(gw);
        inventory.refresh(T0);
        pools.poolPass(gw, T0, ids);
        notes.clear();
        pools.poolPass(gw, T0.plusMillis(1), ids);
        assertFalse(notes.containsKey("gw"), "within the period the pool is not looked at");
        pools.forget();
        pools.poolPass(gw, T0.plusMillis(2), ids);
        assertTrue(notes.containsKey("gw"), "after a new term the pool is looked at again");
    }

    /** A pool configured dry-run ran as auto (the mode was dropped): its creates must be recorded, not made. */
    @Test
    void aPoolConfiguredDryRunCommitsItsDecisionsWithoutTouchingTheCloud() {
        PoolConfig dry = inMode(ControlLoopTest.pool(1, 10, 2), PoolMode.DRY_RUN);
        PoolReconciler pools = reconciler(dry);
        inventory.refresh(T0);
        pools.poolPass(dry, T0, ids);
        assertEquals(0, creates(), cloud.actions.toString());
        assertTrue(
                consensus.state().history().stream()
                        .anyMatch(r -> r.decision() instanceof Decision.CreateHost && r.outcome() == Outcome.SKIPPED),
                consensus.state().history().toString());
    }

    /** A pool configured paused makes no decisions at all. */
    @Test
    void aPoolConfiguredPausedMakesNoDecisions() {
        PoolConfig paused = inMode(ControlLoopTest.pool(1, 10, 2), PoolMode.PAUSED);
        PoolReconciler pools = reconciler(paused);
        inventory.refresh(T0);
        pools.poolPass(paused, T0, ids);
        assertEquals(List.of(), cloud.actions);
        assertTrue(consensus.state().history().stream().noneMatch(r -> r.decision() instanceof Decision.CreateHost));
    }
}
