package org.sipmediadeploy.core.policy;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the leader knows of a pair this pass: health per member server id; the port the floating IP is on
 * ({@code floatingIpSeen} false when the cloud could not be read); the cluster's view of members it was asked
 * about, by server id; whether a floating-IP move or replacement of the pair is still open in the log; when the
 * pair's member replacements were committed (the log keeps them; they count toward max-per-hour).
 */
public record PairObservation(Map<String, TargetHealth> health, boolean floatingIpSeen, String floatingIpPortId,
                              Map<String, Confirmation> confirmations, boolean workOpen, List<Instant> replacements) {
    public PairObservation {
        health = Map.copyOf(health);
        confirmations = Map.copyOf(confirmations);
        replacements = List.copyOf(replacements);
    }

    /** An observation of a pair that has never had a member replaced. */
    public PairObservation(Map<String, TargetHealth> health, boolean floatingIpSeen, String floatingIpPortId,
                           Map<String, Confirmation> confirmations, boolean workOpen) {
        this(health, floatingIpSeen, floatingIpPortId, confirmations, workOpen, List.of());
    }

    public TargetHealth healthOf(String serverId) {
        return health.getOrDefault(serverId, TargetHealth.NEVER_PROBED);
    }

    public Optional<Confirmation> confirmation(String serverId) {
        return Optional.ofNullable(confirmations.get(serverId));
    }

    public PairObservation withConfirmation(String serverId, Confirmation c) {
        Map<String, Confirmation> next = new HashMap<>(confirmations);
        next.put(serverId, c);
        return new PairObservation(health, floatingIpSeen, floatingIpPortId, next, workOpen, replacements);
    }
}
