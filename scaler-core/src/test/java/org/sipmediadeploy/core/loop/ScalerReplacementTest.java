package org.sipmediadeploy.core.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.sipmediadeploy.core.command.Command;
import org.sipmediadeploy.core.config.SelfHealingConfig;
import org.sipmediadeploy.core.config.ServerTemplate;
import org.sipmediadeploy.core.decision.Decision;
import org.sipmediadeploy.core.decision.DecisionRecord;
import org.sipmediadeploy.core.decision.Outcome;
import org.sipmediadeploy.core.model.ReplaceStep;
import org.sipmediadeploy.core.model.Secret;
import org.sipmediadeploy.core.model.ServerMetadata;
import org.sipmediadeploy.core.port.ScalerEvents;

/**
 * The leader's side of self-healing with a fake cloud and Raft configuration: a dead member goes through
 * CREATE_VM → AWAIT_CATCH_UP → SWITCH_CONFIGURATION → DELETE_OLD_VM, each step committed; a new leader resumes the
 * replacement under way and never starts a second; a replacement that cannot finish before the switch is undone.
 */
class ScalerReplacementTest {
    private static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");
    private static final SelfHealingConfig CFG = new SelfHealingConfig(
            true,
            Duration.ofSeconds(30),
            Duration.ofSeconds(3),
            Duration.ofMinutes(5),
            new ServerTemplate("scaler-image", "m1.small", "net", List.of("scaler"), null, null, ""));

    /** The world a sequence of leaders shares: the log, the cloud, the Raft configuration. */
    private static final class World {
        final FakeConsensus log = new FakeConsensus();
        final FakeCloud cloud = new FakeCloud();
        final FakeMembership raft = new FakeMembership(
                "scaler-1",
                Map.of("scaler-1", "10.0.9.1:9870", "scaler-2", "10.0.9.2:9870", "scaler-3", "10.0.9.3:9870"));
        final Map<String, String> rendered = new java.util.TreeMap<>();
        ControlLoop loop;
        Instant now = T0;

        World() {
            for (String n : List.of("scaler-1", "scaler-2", "scaler-3")) {
                cloud.addServer(
                        n,
                        Map.of(
                                ServerMetadata.TAG,
                                "tag",
                                ServerMetadata.ROLE,
                                "scaler",
                                ServerMetadata.DECISION,
                                "terraform-" + n));
            }
            newLeader();
        }

        /** A new leader: a fresh loop (nothing in memory) in the next term. */
        void newLeader() {
            log.leaderTerm++;
            loop = new ControlLoop(
                            new LoopSpec(raft.self, 3, "tag", Map.of(), Map.of(), List.of()),
                            log,
                            cloud,
                            (k, t) -> java.util.concurrent.CompletableFuture.completedFuture(Map.of()),
                            ScalerEvents.NONE)
                    .withSelfHealing(CFG, raft, (id, peers) -> {
                        rendered.put(id, peers.toString());
                        return Secret.of("#cloud-config\n# " + id + "\n");
                    });
        }

        void tick(Duration step) {
            now = now.plus(step);
            loop.tick(now);
        }

        long proposals() {
            return log.log.stream()
                    .filter(c -> c instanceof Command.Propose p && p.decision() instanceof Decision.ReplaceScaler)
                    .count();
        }

        List<DecisionRecord> replacements() {
            return log.state.history().stream()
                    .filter(r -> r.decision() instanceof Decision.ReplaceScaler)
                    .toList();
        }
    }

    @Test
    void deadMemberIsReplacedThroughEveryStepEachCommittedAndTheDeadVmDeletedLast() {
        World w = new World();
        w.tick(Duration.ofSeconds(1)); // syncs the record of the members from the configuration and the cloud
        assertEquals(3, w.log.state.scalers().members().size());
        String deadServer = w.log.state.scalers().members().get("scaler-2").serverId();
        assertNotNull(deadServer);

        w.raft.contact.put("scaler-2", Duration.ofSeconds(10));
        w.tick(Duration.ofSeconds(1));
        assertEquals(0, w.proposals(), "not before replace-after");

        w.raft.contact.put("scaler-2", Duration.ofSeconds(31));
        w.tick(Duration.ofSeconds(1));
        assertEquals(1, w.proposals());
        assertEquals("scaler-4", w.log.state.scalers().replacement().newId());
        assertTrue(w.cloud.actions.contains("port scaler-4"), w.cloud.actions.toString());
        assertTrue(w.cloud.actions.stream().anyMatch(a -> a.startsWith("create scaler-4")), w.cloud.actions.toString());
        assertEquals(
                "{scaler-1=10.0.9.1:9870, scaler-3=10.0.9.3:9870, scaler-4=10.1.0.2:9870}",
                w.rendered.get("scaler-4"),
                "the new node's peers: the survivors and itself");

        w.tick(Duration.ofSeconds(1));
        assertEquals(
                ReplaceStep.AWAIT_CATCH_UP, w.log.state.scalers().replacement().step());
        w.tick(Duration.ofSeconds(2));
        assertEquals(
                ReplaceStep.AWAIT_CATCH_UP, w.log.state.scalers().replacement().step(), "not answering yet");
        w.raft.answering.add("scaler-4");
        w.tick(Duration.ofSeconds(2));
        assertEquals(
                ReplaceStep.SWITCH_CONFIGURATION,
                w.log.state.scalers().replacement().step());
        assertTrue(
                w.cloud.actions.stream().noneMatch(a -> a.equals("delete " + deadServer)),
                "the dead VM stays until the configuration is switched");

        for (int i = 0; i < 4; i++) {
            w.tick(Duration.ofSeconds(1));
        }
        assertEquals(List.of("scaler-2->scaler-4"), w.raft.replaceCalls);
        assertEquals(List.of("scaler-1", "scaler-3", "scaler-4"), List.copyOf(w.raft.voters.keySet()));
        assertNull(w.log.state.scalers().replacement());
        List<DecisionRecord> done = w.replacements();
        assertEquals(1, done.size());
        assertEquals(Outcome.DONE, done.get(0).outcome(), done.get(0).outcomeDetail());
        assertTrue(
                done.get(0)
                        .facts()
                        .keySet()
                        .containsAll(List.of("step1_create_vm", "step2_await_catch_up", "step3_switch_configuration")),
                done.get(0).facts().toString());
        assertTrue(w.cloud.actions.contains("delete " + deadServer), w.cloud.actions.toString());
        assertEquals(
                List.of("scaler-1", "scaler-3", "scaler-4"),
                List.copyOf(w.log.state.scalers().members().keySet()));
        assertEquals(
                3,
                w.log.log.stream().filter(c -> c instanceof Command.RecordStep).count(),
                "CREATE_VM, AWAIT_CATCH_UP, SWITCH_CONFIGURATION recorded as steps, DELETE_OLD_VM as the outcome");
    }

    @Test
    void newLeaderResumesTheReplacementUnderWayAndNeverStartsASecond() {
        World w = new World();
        w.tick(Duration.ofSeconds(1));
        w.raft.contact.put("scaler-2", Duration.ofSeconds(31));
        w.raft.holdReplacements = true;
        w.tick(Duration.ofSeconds(1));
        String decision = w.log.state.scalers().replacement().decisionId();
        w.raft.answering.add("scaler-4");
        for (int i = 0; i < 5; i++) {
            w.tick(Duration.ofSeconds(1));
        }
        assertEquals(
                ReplaceStep.SWITCH_CONFIGURATION,
                w.log.state.scalers().replacement().step());
        assertEquals(1, w.raft.replaceCalls.size(), "one configuration change asked for");

        // The leader dies with its change still staging; the change lands; the next leader takes over.
        w.newLeader();
        w.raft.releaseHeld();
        for (int i = 0; i < 5; i++) {
            w.tick(Duration.ofSeconds(1));
        }
        assertEquals(1, w.proposals(), "no second ReplaceScaler");
        assertEquals(
                1,
                w.cloud.actions.stream()
                        .filter(a -> a.startsWith("create scaler-"))
                        .count());
        assertEquals(decision, w.replacements().get(0).id());
        assertEquals(Outcome.DONE, w.replacements().get(0).outcome());
        assertEquals(1, w.raft.replaceCalls.size(), "the new leader saw the switch done and did not ask again");
    }

    @Test
    void leadersChangingAtRandomPointsStillMakeExactlyOneReplacementVm() {
        for (long seed = 0; seed < 200; seed++) {
            Random r = new Random(seed);
            World w = new World();
            w.tick(Duration.ofSeconds(1));
            w.raft.contact.put("scaler-2", Duration.ofSeconds(31));
            for (int i = 0;
                    i < 60
                            && !(w.replacements().size() == 1
                                    && w.log.state.scalers().replacement() == null);
                    i++) {
                if (r.nextInt(4) == 0) {
                    w.newLeader();
                }
                w.raft.holdReplacements = r.nextBoolean();
                if (r.nextInt(3) == 0) {
                    w.raft.releaseHeld();
                }
                if (r.nextInt(2) == 0) {
                    w.raft.answering.add("scaler-4");
                }
                w.tick(Duration.ofMillis(500 + r.nextInt(1500)));
                assertTrue(w.proposals() <= 1, "seed " + seed + ": a second replacement was proposed");
                assertTrue(
                        w.log.state.open().values().stream()
                                        .filter(x -> x.decision() instanceof Decision.ReplaceScaler)
                                        .count()
                                <= 1,
                        "seed " + seed);
            }
            w.raft.releaseHeld();
            for (int i = 0; i < 10; i++) {
                w.tick(Duration.ofSeconds(1));
            }
            assertEquals(1, w.replacements().size(), "seed " + seed + " finished");
            assertEquals(Outcome.DONE, w.replacements().get(0).outcome(), "seed " + seed);
            assertEquals(
                    1,
                    w.cloud.actions.stream()
                            .filter(a -> a.startsWith("create scaler-"))
                            .count(),
                    "seed " + seed + ": " + w.cloud.actions);
            assertEquals(
                    List.of("scaler-1", "scaler-3", "scaler-4"), List.copyOf(w.raft.voters.keySet()), "seed " + seed);
        }
    }

    @Test
    void replacementThatCannotSwitchBeforeGiveUpAfterIsUndoneAndTheDeadMemberStays() {
        World w = new World();
        w.tick(Duration.ofSeconds(1));
        w.raft.contact.put("scaler-2", Duration.ofSeconds(31));
        w.tick(Duration.ofSeconds(1));
        w.tick(Duration.ofSeconds(1));
        assertEquals(
                ReplaceStep.AWAIT_CATCH_UP, w.log.state.scalers().replacement().step());
        // The new node never answers.
        for (int i = 0; i < 4; i++) {
            w.tick(Duration.ofMinutes(2));
        }
        assertNull(w.log.state.scalers().replacement());
        assertEquals(Outcome.FAILED, w.replacements().get(0).outcome());
        assertTrue(w.cloud.listServers("tag", "scaler-4").isEmpty(), "the new VM is deleted");
        assertTrue(w.cloud.named.isEmpty(), "and its port");
        assertTrue(w.raft.voters.containsKey("scaler-2"), "the dead member stays in the configuration");
        assertTrue(w.raft.replaceCalls.isEmpty());
    }

    @Test
    void noReplacementWithoutAMajorityOfHealthyMembers() {
        World w = new World();
        w.tick(Duration.ofSeconds(1));
        w.raft.contact.put("scaler-2", Duration.ofSeconds(60));
        w.raft.contact.put("scaler-3", Duration.ofSeconds(60));
        for (int i = 0; i < 5; i++) {
            w.tick(Duration.ofSeconds(10));
        }
        assertEquals(0, w.proposals());
        assertTrue(w.cloud.actions.isEmpty(), w.cloud.actions.toString());
    }

    /**
     * The undo path looked the new node's port up with ensurePort, which creates a port, without asking the fence
     * first: a deposed leader giving up a replacement made a port in the cloud.
     */
    @Test
    void aDeposedLeaderUndoingAReplacementMakesNoPort() {
        FakeCloud cloud = new FakeCloud();
        FakeMembership raft = new FakeMembership(
                "scaler-1",
                Map.of("scaler-1", "10.0.9.1:9870", "scaler-2", "10.0.9.2:9870", "scaler-3", "10.0.9.3:9870"));
        ScalerReplacer deposed = new ScalerReplacer(
                new LoopSpec("scaler-1", 3, "tag", Map.of(), Map.of(), List.of()),
                cloud,
                term -> false,
                CFG,
                raft,
                (id, peers) -> Secret.of("#cloud-config\n"));
        org.sipmediadeploy.core.model.ScalerMember dead =
                new org.sipmediadeploy.core.model.ScalerMember("scaler-2", "10.0.9.2:9870", "srv-x", "port-x", null);
        var rep = org.sipmediadeploy.core.model.ScalerReplacement.start("d3-1-scaler-1", dead, "scaler-4", T0);
        var state = org.sipmediadeploy.core.state.ClusterState.empty();
        state = new org.sipmediadeploy.core.state.ClusterState(
                state.pairs(),
                state.pools(),
                state.open(),
                state.history(),
                3,
                state.scalers().withReplacement(rep));
        try {
            var result = deposed.step(
                    new Decision.ReplaceScaler("d3-1-scaler-1", "scaler-2", "scaler-4", "t"),
                    state,
                    3,
                    T0.plus(CFG.giveUpAfter()).plusSeconds(1));
            assertTrue(result.isEmpty(), "nothing to record: " + result);
        } catch (DecisionExecutor.Fenced expected) {
            // how a step stops when the fence fails (DecisionExecutor.advance catches it)
        }
        assertEquals(List.of(), cloud.actions, "no cloud call at all");
    }
}
