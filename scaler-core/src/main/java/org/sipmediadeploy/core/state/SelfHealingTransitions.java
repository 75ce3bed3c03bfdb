package org.sipmediadeploy.core.state;

import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.sipmediadeploy.core.command.Command;
import org.sipmediadeploy.core.command.Facts;
import org.sipmediadeploy.core.decision.Decision;
import org.sipmediadeploy.core.decision.DecisionRecord;
import org.sipmediadeploy.core.model.ReplaceStep;
import org.sipmediadeploy.core.model.ScalerIds;
import org.sipmediadeploy.core.model.ScalerMember;
import org.sipmediadeploy.core.model.ScalerMembers;
import org.sipmediadeploy.core.model.ScalerReplacement;
import org.sipmediadeploy.core.model.StepRecord;

/**
 * The part of {@link Transitions} about the scaler cluster itself (self-healing). Invariants it keeps on every
 * node: at most one {@code ReplaceScaler} is open, and then {@code scalers.replacement} names it; a step is
 * recorded once, in order; a new node id is never one given out before.
 */
final class SelfHealingTransitions {
    private SelfHealingTransitions() {}

    static Optional<String> validateSync(ClusterState s, Command.SyncScalers c) {
        if (s.scalers().replacement() != null) {
            return Optional.of("the replacement " + s.scalers().replacement().decisionId()
                    + " is under way: the scaler members are its to change");
        }
        if (c.members().isEmpty()) {
            return Optional.of("a scaler cluster has at least one member");
        }
        Set<String> ids = new HashSet<>();
        for (ScalerMember m : c.members()) {
            if (!ids.add(m.id())) {
                return Optional.of("scaler member " + m.id() + " listed twice");
            }
        }
        return Optional.empty();
    }

    static ClusterState applySync(ClusterState s, Command.SyncScalers c) {
        Map<String, ScalerMember> next = new TreeMap<>();
        c.members().forEach(m -> next.put(m.id(), m));
        return s.withScalers(s.scalers().withMembers(next));
    }

    static Optional<String> validatePropose(ClusterState s, Decision.ReplaceScaler r) {
        ScalerMembers sc = s.scalers();
        if (sc.replacement() != null) {
            return Optional.of("the replacement of " + sc.replacement().dead().id() + " ("
                    + sc.replacement().decisionId() + ") is already under way");
        }
        boolean open = s.open().values().stream()
                .map(DecisionRecord::decision)
                .anyMatch(d -> d instanceof Decision.ReplaceScaler);
        if (open) {
            return Optional.of("a scaler replacement is already open");
        }
        if (sc.member(r.deadNodeId()).isEmpty()) {
            return Optional.of(r.deadNodeId() + " is not a scaler member");
        }
        if (sc.member(r.newNodeId()).isPresent()) {
            return Optional.of(r.newNodeId() + " is already a scaler member");
        }
        int ord = ScalerIds.ordinal(r.newNodeId());
        if (ord != 0 && ord <= sc.highestOrdinal()) {
            return Optional.of("node id " + r.newNodeId() + " may have been used before (ids up to "
                    + sc.highestOrdinal() + " were): a Raft id never comes back");
        }
        return Optional.empty();
    }

    static ClusterState applyPropose(ClusterState s, Decision.ReplaceScaler r, Instant at) {
        ScalerMember dead = s.scalers().members().get(r.deadNodeId());
        return s.withScalers(s.scalers().withReplacement(ScalerReplacement.start(r.id(), dead, r.newNodeId(), at)));
    }

    static Optional<String> validateStep(ClusterState s, Command.RecordStep c) {
        ScalerReplacement rep = s.scalers().replacement();
        if (rep == null || !rep.decisionId().equals(c.decisionId()) || !s.open().containsKey(c.decisionId())) {
            return Optional.of("no scaler replacement " + c.decisionId() + " under way");
        }
        if (rep.step() != c.step()) {
            return Optional.of("replacement " + c.decisionId() + " is at " + rep.step() + ", not " + c.step());
        }
        if (c.step().next() == null) {
            return Optional.of("the last step " + c.step() + " is recorded as the decision's outcome");
        }
        if (c.step() == ReplaceStep.CREATE_VM
                && (!c.facts().containsKey(Facts.SERVER_ID) || !c.facts().containsKey(Facts.ADDRESS))) {
            return Optional.of("step CREATE_VM must name the new server and its address");
        }
        return Optional.empty();
    }

    static ClusterState applyStep(ClusterState s, Command.RecordStep c) {
        ScalerMembers sc = s.scalers();
        ScalerReplacement rep = sc.replacement()
                .advanced(
                        new StepRecord(c.step(), c.detail(), c.at()),
                        c.facts().get(Facts.SERVER_ID),
                        c.facts().get(Facts.PORT_ID),
                        c.facts().get(Facts.ADDRESS));
        ScalerMembers next = sc.withReplacement(rep);
        if (c.step() == ReplaceStep.SWITCH_CONFIGURATION) {
            // The Raft configuration now holds the new node and not the dead one: so does the record.
            Map<String, ScalerMember> members = new TreeMap<>(sc.members());
            members.remove(rep.dead().id());
            members.put(rep.newId(), rep.newMember());
            next = next.withMembers(members);
        }
        return s.withScalers(next);
    }

    static ClusterState applyOutcome(ClusterState s, Command.RecordOutcome r) {
        ScalerReplacement rep = s.scalers().replacement();
        if (rep == null || !rep.decisionId().equals(r.decisionId())) {
            return s;
        }
        return s.withScalers(s.scalers().withReplacement(null));
    }
}
