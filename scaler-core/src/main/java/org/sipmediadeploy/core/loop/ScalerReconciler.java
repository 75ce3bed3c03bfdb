package org.sipmediadeploy.core.loop;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sipmediadeploy.core.command.Command;
import org.sipmediadeploy.core.config.SelfHealingConfig;
import org.sipmediadeploy.core.decision.Decision;
import org.sipmediadeploy.core.decision.DecisionId;
import org.sipmediadeploy.core.model.Port;
import org.sipmediadeploy.core.model.ScalerMember;
import org.sipmediadeploy.core.model.Server;
import org.sipmediadeploy.core.policy.DecisionIds;
import org.sipmediadeploy.core.policy.SelfHealingPolicy;
import org.sipmediadeploy.core.port.Cloud;
import org.sipmediadeploy.core.port.CloudException;
import org.sipmediadeploy.core.port.Membership;

/**
 * Self-healing of the scaler cluster (the rest lane's scaler-VM pass): keeps the replicated record of the scaler
 * members in line with the Raft configuration (while no replacement is under way), then asks
 * {@link SelfHealingPolicy} whether a member must be replaced.
 */
final class ScalerReconciler {
    private final LoopSpec spec;
    private final LeaderLog log;
    private final Cloud cloud;
    private final SelfHealingConfig selfHealing;
    private final Membership membership;
    private final Map<String, String> notes;

    ScalerReconciler(
            LoopSpec spec,
            LeaderLog log,
            Cloud cloud,
            SelfHealingConfig selfHealing,
            Membership membership,
            Map<String, String> notes) {
        this.spec = spec;
        this.log = log;
        this.cloud = cloud;
        this.selfHealing = selfHealing;
        this.membership = membership;
        this.notes = notes;
    }

    void scalerPass(Instant now, DecisionIds ids) {
        if (!selfHealing.enabled()) {
            return;
        }
        try {
            scalerDecide(now, ids);
        } catch (CloudException e) {
            // The pairs and pools must not wait for the scaler record: note it and go on with the pass.
            notes.put(Decision.ReplaceScaler.SCOPE, "cloud: " + e.kind() + ": " + e.getMessage());
        }
    }

    private void scalerDecide(Instant now, DecisionIds ids) {
        Membership.View view;
        try {
            view = membership.view();
        } catch (Membership.MembershipException e) {
            notes.put(Decision.ReplaceScaler.SCOPE, "configuration unreadable: " + e.getMessage());
            return;
        }
        if (view.voters().isEmpty()) {
            return;
        }
        var state = log.state();
        if (state.scalers().replacement() == null && !view.changing()) {
            Map<String, ScalerMember> known = state.scalers().members();
            List<ScalerMember> members = new ArrayList<>();
            boolean changed = known.size() != view.voters().size();
            for (Membership.Peer p : view.voters()) {
                ScalerMember m = known.get(p.id());
                if (m == null || !m.address().equals(p.address())) {
                    m = lookUpMember(p.id(), p.address());
                    changed = true;
                }
                members.add(m);
            }
            if (changed) {
                log.commit(new Command.SyncScalers(members, log.term(), now));
                state = log.state();
            }
        }
        SelfHealingPolicy.Verdict v = SelfHealingPolicy.decide(state, view, selfHealing, now, ids);
        notes.put(Decision.ReplaceScaler.SCOPE, v.note());
        v.decision().flatMap(d -> log.propose(d, now)).ifPresent(rec -> log.advanceOne(rec.id(), now));
    }

    /** A member's server and port, found by name (Terraform and this loop name a scaler VM after its node id). */
    private ScalerMember lookUpMember(String id, String address) {
        String network =
                selfHealing.server() == null ? null : selfHealing.server().network();
        Optional<Server> server = cloud.listServers(spec.tag(), id).stream()
                .filter(s -> s.name().equals(id))
                .findFirst();
        if (server.isEmpty()) {
            return new ScalerMember(id, address, null, null, null);
        }
        // Made by a ReplaceScaler of this cluster (a decision id naming a node), or by the deployment (Terraform).
        String createdBy = server.get()
                .decisionId()
                .filter(x -> DecisionId.parse(x).filter(DecisionId::hasNode).isPresent())
                .orElse(null);
        String port = cloud.portOf(server.get().id(), network).map(Port::id).orElse(null);
        return new ScalerMember(id, address, server.get().id(), port, createdBy);
    }
}
