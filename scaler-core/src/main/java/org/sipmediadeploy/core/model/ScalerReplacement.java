package org.sipmediadeploy.core.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The replacement of a dead scaler node under way (at most one at a time): the decision that started it, the
 * dead member, the new node's id, the step to do next, what the finished steps created (the new node's server,
 * port and Raft address, null until CREATE_VM is recorded) and the finished steps themselves.
 */
public record ScalerReplacement(
        String decisionId,
        ScalerMember dead,
        String newId,
        ReplaceStep step,
        String newServerId,
        String newPortId,
        String newAddress,
        Instant startedAt,
        List<StepRecord> done) {
    public ScalerReplacement {
        Objects.requireNonNull(decisionId, "decisionId");
        Objects.requireNonNull(dead, "dead");
        Objects.requireNonNull(newId, "newId");
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(startedAt, "startedAt");
        done = List.copyOf(done);
        if (newId.equals(dead.id())) {
            throw new IllegalArgumentException("a replacement cannot reuse the dead node's id " + newId);
        }
    }

    public static ScalerReplacement start(String decisionId, ScalerMember dead, String newId, Instant at) {
        return new ScalerReplacement(decisionId, dead, newId, ReplaceStep.CREATE_VM, null, null, null, at, List.of());
    }

    /** The new node as a member, once its VM exists. */
    public ScalerMember newMember() {
        return new ScalerMember(newId, newAddress == null ? "" : newAddress, newServerId, newPortId, decisionId);
    }

    /** Records {@code finished} as done and moves to the step after it. */
    public ScalerReplacement advanced(StepRecord finished, String serverId, String portId, String address) {
        List<StepRecord> next = new ArrayList<>(done);
        next.add(finished);
        return new ScalerReplacement(
                decisionId,
                dead,
                newId,
                finished.step().next() == null
                        ? finished.step()
                        : finished.step().next(),
                serverId != null ? serverId : newServerId,
                portId != null ? portId : newPortId,
                address != null ? address : newAddress,
                startedAt,
                next);
    }
}
