package org.sipmediadeploy.core.loop;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.sipmediadeploy.core.command.Facts;
import org.sipmediadeploy.core.config.SelfHealingConfig;
import org.sipmediadeploy.core.config.ServerTemplate;
import org.sipmediadeploy.core.decision.Decision;
import org.sipmediadeploy.core.decision.Outcome;
import org.sipmediadeploy.core.model.Port;
import org.sipmediadeploy.core.model.ReplaceStep;
import org.sipmediadeploy.core.model.ScalerMember;
import org.sipmediadeploy.core.model.ScalerReplacement;
import org.sipmediadeploy.core.model.Server;
import org.sipmediadeploy.core.model.ServerMetadata;
import org.sipmediadeploy.core.model.ServerSpec;
import org.sipmediadeploy.core.model.ServerStatus;
import org.sipmediadeploy.core.port.Cloud;
import org.sipmediadeploy.core.port.CloudException;
import org.sipmediadeploy.core.port.Membership;
import org.sipmediadeploy.core.port.NodeProvisioning;
import org.sipmediadeploy.core.state.ClusterState;

/**
 * Carries out the step of a {@link Decision.ReplaceScaler} that the replicated state names (see {@link ReplaceStep}
 * for the table). Each step is idempotent: the port is found by name, the server by decision id, the
 * configuration change by reading the configuration first. A step that is finished returns a {@code Result} with
 * its {@code step} (committed as {@code RecordStep}); the last one returns the decision's outcome. Before the
 * switch, a replacement that fails for good or takes longer than {@code give-up-after} is undone (new VM and port
 * deleted) and closed FAILED; once the configuration holds the new node it only goes forward.
 */
final class ScalerReplacer {
    private final LoopSpec spec;
    private final Cloud cloud;
    private final DecisionExecutor.Fence fence;
    private final SelfHealingConfig cfg;
    private final Membership membership;
    private final NodeProvisioning provisioning;
    /** How often a new node's Raft server is asked whether it answers (each ask opens a connection). */
    private static final Duration ASK_EVERY = Duration.ofSeconds(1);

    /** The commit index the new node must reach, fixed when the switch is first seen (leader-local). */
    private final Map<String, Long> catchUpTarget = new HashMap<>();
    /** Configuration changes this leader started and that have not completed. */
    private final Map<String, CompletableFuture<Void>> pending = new HashMap<>();

    private final Map<String, Instant> lastAsked = new HashMap<>();
    private String lastFailure;

    ScalerReplacer(
            LoopSpec spec,
            Cloud cloud,
            DecisionExecutor.Fence fence,
            SelfHealingConfig cfg,
            Membership membership,
            NodeProvisioning provisioning) {
        this.spec = spec;
        this.cloud = cloud;
        this.fence = fence;
        this.cfg = cfg;
        this.membership = membership;
        this.provisioning = provisioning;
    }

    Optional<DecisionExecutor.Result> step(Decision.ReplaceScaler d, ClusterState state, long term, Instant now) {
        ScalerReplacement rep = state.scalers().replacement();
        if (rep == null || !rep.decisionId().equals(d.id())) {
            return Optional.of(new DecisionExecutor.Result(
                    Outcome.ABANDONED, "no replacement " + d.id() + " in the state", Map.of()));
        }
        try {
            if (rep.step().beforeSwitch()
                    && Duration.between(rep.startedAt(), now).compareTo(cfg.giveUpAfter()) > 0) {
                return undo(rep, term, "gave up after " + cfg.giveUpAfter().toSeconds() + " s at " + rep.step());
            }
            ReplaceStep step = rep.step();
            if (step == ReplaceStep.CREATE_VM) {
                return createVm(rep, state, term);
            } else if (step == ReplaceStep.AWAIT_CATCH_UP) {
                return awaitCatchUp(rep, now);
            } else if (step == ReplaceStep.SWITCH_CONFIGURATION) {
                return switchConfiguration(rep, term);
            } else if (step == ReplaceStep.DELETE_OLD_VM) {
                return deleteOldVm(rep, term);
            }
            throw new AssertionError(step);
        } catch (CloudException e) {
            if (e.kind().isRetryable() || !rep.step().beforeSwitch()) {
                // Retried next pass: bounded by give-up-after before the switch; after it, only the dead VM's
                // deletion is left, which is retried until the cloud takes it.
                lastFailure = e.getMessage();
                return Optional.empty();
            }
            return undo(rep, term, rep.step() + " failed: " + e.kind() + ": " + e.getMessage());
        } catch (Membership.MembershipException e) {
            // Not readable or changeable now (leader change, slow quorum): the next pass tries again, bounded by
            // give-up-after before the switch.
            lastFailure = e.getMessage();
            return Optional.empty();
        }
    }

    private Optional<DecisionExecutor.Result> createVm(ScalerReplacement rep, ClusterState state, long term) {
        ServerTemplate t = cfg.server();
        Optional<Server> existing = cloud.findByDecision(spec.tag(), rep.decisionId());
        if (existing.isEmpty()) {
            fenced(term);
            Port port = cloud.ensurePort(t.network(), rep.newId(), t.securityGroups());
            if (port.fixedIp() == null || port.fixedIp().isEmpty()) {
                throw new CloudException(
                        CloudException.Kind.TRANSIENT, "ensurePort", "port " + port.id() + " has no fixed address yet");
            }
            String address = port.fixedIp() + ":" + raftPort(rep.dead());
            Map<String, String> peers = new TreeMap<>();
            state.scalers().members().values().forEach(m -> peers.put(m.id(), m.address()));
            peers.remove(rep.dead().id());
            peers.put(rep.newId(), address);
            String userData = provisioning.userData(rep.newId(), peers).reveal();
            fenced(term);
            cloud.createServer(new ServerSpec(
                    rep.newId(),
                    t.image(),
                    t.flavor(),
                    t.network(),
                    t.securityGroups(),
                    t.keyPair(),
                    t.availabilityZone(),
                    userData,
                    Map.of(
                            ServerMetadata.TAG,
                            spec.tag(),
                            ServerMetadata.DECISION,
                            rep.decisionId(),
                            ServerMetadata.GROUP,
                            "scaler",
                            ServerMetadata.ROLE,
                            "scaler"),
                    port.id()));
            return Optional.empty();
        }
        Server s = existing.get();
        if (s.status() == ServerStatus.ERROR) {
            return undo(rep, term, "new scaler VM " + s.name() + " went to ERROR");
        }
        if (s.status() != ServerStatus.ACTIVE) {
            return Optional.empty();
        }
        Optional<Port> port = cloud.portOf(s.id(), cfg.server().network());
        if (port.isEmpty() || port.get().fixedIp() == null) {
            return Optional.empty();
        }
        String address = port.get().fixedIp() + ":" + raftPort(rep.dead());
        return Optional.of(step(
                ReplaceStep.CREATE_VM,
                "VM " + s.name() + " (" + s.id() + ") active at " + address,
                Map.of(Facts.SERVER_ID, s.id(), Facts.PORT_ID, port.get().id(), Facts.ADDRESS, address)));
    }

    private Optional<DecisionExecutor.Result> awaitCatchUp(ScalerReplacement rep, Instant now) {
        // A new node starts outside the configuration and waits to be added; its Raft server answering is what
        // the switch needs (the leader then copies the log to it before committing the change).
        Instant last = lastAsked.get(rep.decisionId());
        if (last != null && Duration.between(last, now).compareTo(ASK_EVERY) < 0) {
            return Optional.empty();
        }
        lastAsked.put(rep.decisionId(), now);
        if (!membership.answers(rep.newId(), rep.newAddress())) {
            return Optional.empty();
        }
        lastAsked.remove(rep.decisionId());
        return Optional.of(step(
                ReplaceStep.AWAIT_CATCH_UP,
                "Raft server of " + rep.newId() + " answers at " + rep.newAddress() + " and waits to be added",
                Map.of()));
    }

    private Optional<DecisionExecutor.Result> switchConfiguration(ScalerReplacement rep, long term) {
        Membership.View view = membership.view();
        if (switched(view, rep)) {
            // Caught up: the new node has committed what the leader had committed when the switch was seen.
            long target = catchUpTarget.computeIfAbsent(rep.decisionId(), k -> view.commitIndex());
            long at = view.peer(rep.newId()).map(Membership.Peer::commitIndex).orElse(-1L);
            if (at < target) {
                return Optional.empty();
            }
            catchUpTarget.remove(rep.decisionId());
            pending.remove(rep.decisionId());
            return Optional.of(step(
                    ReplaceStep.SWITCH_CONFIGURATION,
                    "configuration " + ids(view) + ": "
                            + rep.newId() + " in, " + rep.dead().id() + " out; " + rep.newId()
                            + " caught up with the log (commit index " + at + " >= " + target + ")",
                    Map.of()));
        }
        CompletableFuture<Void> f = pending.get(rep.decisionId());
        if (f != null && !f.isDone()) {
            return Optional.empty();
        }
        if (f != null) {
            lastFailure = f.handle((ok, e) -> e == null ? null : String.valueOf(e.getMessage()))
                    .getNow(null);
        }
        if (view.changing()) {
            return Optional.empty();
        }
        fenced(term);
        pending.put(rep.decisionId(), membership.replace(rep.dead().id(), rep.newId(), rep.newAddress()));
        return Optional.empty();
    }

    /** The last reason a configuration change did not complete (for status notes), or null. */
    String lastFailure() {
        return lastFailure;
    }

    private static boolean switched(Membership.View view, ScalerReplacement rep) {
        return !view.changing()
                && view.peer(rep.newId()).isPresent()
                && view.peer(rep.dead().id()).isEmpty();
    }

    private static List<String> ids(Membership.View view) {
        return view.voters().stream().map(Membership.Peer::id).sorted().toList();
    }

    private Optional<DecisionExecutor.Result> deleteOldVm(ScalerReplacement rep, long term) {
        ScalerMember dead = rep.dead();
        String serverId = dead.serverId();
        if (serverId == null) {
            serverId = cloud.listServers(spec.tag(), dead.id()).stream()
                    .filter(s -> s.name().equals(dead.id()))
                    .map(Server::id)
                    .findFirst()
                    .orElse(null);
        }
        if (serverId != null
                && cloud.server(serverId)
                        .filter(s -> s.status() != ServerStatus.DELETED)
                        .isPresent()) {
            fenced(term);
            cloud.deleteServer(serverId);
            return Optional.empty(); // the port is free once the server is gone: next pass
        }
        if (dead.createdBy() != null && dead.portId() != null) {
            fenced(term);
            cloud.deletePort(dead.portId());
        }
        Map<String, String> facts = stepFacts(rep);
        facts.put("new_node", rep.newId());
        facts.put("dead_node", dead.id());
        facts.put(Facts.SERVER_ID, rep.newServerId() == null ? "" : rep.newServerId());
        facts.put(Facts.ADDRESS, rep.newAddress() == null ? "" : rep.newAddress());
        return Optional.of(new DecisionExecutor.Result(
                Outcome.DONE,
                "replaced " + dead.id() + " by " + rep.newId()
                        + " at " + rep.newAddress() + "; "
                        + (serverId == null
                                ? "no VM of " + dead.id() + " found"
                                : "VM " + serverId + " of " + dead.id() + " deleted"),
                facts));
    }

    /** Before the switch: delete the new VM and its port, and close the decision FAILED. */
    private Optional<DecisionExecutor.Result> undo(ScalerReplacement rep, long term, String why) {
        CompletableFuture<Void> f = pending.get(rep.decisionId());
        if (f != null && !f.isDone()) {
            return Optional.empty(); // a change under way: never delete a VM Ratis may be adding
        }
        try {
            Membership.View view = membership.view();
            if (view.changing()) {
                return Optional.empty();
            }
            if (view.peer(rep.newId()).isPresent()) {
                // The switch happened after all (its record was lost with a leader): go forward instead.
                if (rep.step() == ReplaceStep.SWITCH_CONFIGURATION) {
                    return switchConfiguration(rep, term);
                }
                return Optional.empty();
            }
        } catch (Membership.MembershipException e) {
            return Optional.empty();
        }
        Optional<Server> created = cloud.findByDecision(spec.tag(), rep.decisionId());
        if (created.isPresent()) {
            fenced(term);
            cloud.deleteServer(created.get().id());
            return Optional.empty(); // its port is deleted once the server is gone
        }
        if (rep.newPortId() == null) {
            fenced(term); // finding the port by name goes through ensurePort, which may create one
        }
        Optional<Port> port = rep.newPortId() != null
                ? Optional.of(new Port(rep.newPortId(), null, null, null))
                : findPort(rep.newId());
        if (port.isPresent()) {
            fenced(term);
            cloud.deletePort(port.get().id());
        }
        catchUpTarget.remove(rep.decisionId());
        pending.remove(rep.decisionId());
        lastAsked.remove(rep.decisionId());
        Map<String, String> facts = stepFacts(rep);
        facts.put("dead_node", rep.dead().id());
        return Optional.of(new DecisionExecutor.Result(
                Outcome.FAILED,
                why + "; new VM and port removed, " + rep.dead().id() + " stays in the configuration",
                facts));
    }

    private Optional<Port> findPort(String name) {
        try {
            Port p = cloud.ensurePort(cfg.server().network(), name, cfg.server().securityGroups());
            return Optional.of(p);
        } catch (CloudException e) {
            return Optional.empty();
        }
    }

    /** The finished steps, kept in the closed decision's facts (the history shows every step after the end). */
    private static Map<String, String> stepFacts(ScalerReplacement rep) {
        Map<String, String> facts = new LinkedHashMap<>();
        int n = 1;
        for (var st : rep.done()) {
            facts.put(
                    "step" + n++ + "_" + st.step().name().toLowerCase(java.util.Locale.ROOT),
                    st.at() + " " + st.detail());
        }
        return facts;
    }

    private static int raftPort(ScalerMember dead) {
        int p = dead.raftPort();
        if (p <= 0) {
            throw new CloudException(
                    CloudException.Kind.BAD_REQUEST,
                    "replaceScaler",
                    "the address of " + dead.id() + " (" + dead.address() + ") names no port");
        }
        return p;
    }

    private void fenced(long term) {
        if (!fence.holds(term)) {
            throw new DecisionExecutor.Fenced();
        }
    }

    private static DecisionExecutor.Result step(ReplaceStep step, String detail, Map<String, String> facts) {
        return new DecisionExecutor.Result(Outcome.DONE, detail, facts, step);
    }
}
