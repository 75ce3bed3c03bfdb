package org.sipmediadeploy.core.policy;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.sipmediadeploy.core.model.FloatingIp;
import org.sipmediadeploy.core.model.FloatingIpSource;

/**
 * What the leader knows of a pair this pass: health per member server id; the port the floating IP is on
 * ({@code floatingIpSeen} false when the cloud could not be read); the cluster's view of members it was asked
 * about, by server id; whether a floating-IP move or replacement of the pair is still open in the log.
 */
public record PairObservation(Map<String, TargetHealth> health, boolean floatingIpSeen, String floatingIpPortId,
                              Map<String, Confirmation> confirmations, boolean workOpen, long floatingIpRevision) {
    /** An observation with the floating IP's revision unknown. */
    public PairObservation(Map<String, TargetHealth> health, boolean floatingIpSeen, String floatingIpPortId,
                           Map<String, Confirmation> confirmations, boolean workOpen) {
        this(health, floatingIpSeen, floatingIpPortId, confirmations, workOpen, -1);
    }

    public PairObservation {
        health = Map.copyOf(health);
        confirmations = Map.copyOf(confirmations);
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
        return new PairObservation(health, floatingIpSeen, floatingIpPortId, next, workOpen, floatingIpRevision);
    }

    /** The same health and confirmations, with the floating IP as just read ({@code null}: not found). */
    public PairObservation withFloatingIp(FloatingIp f) {
        return new PairObservation(health, f != null, f == null ? null : f.portId(), confirmations, workOpen,
                f == null ? -1 : f.revision());
    }

    /** Where the floating IP was seen, to commit with a move; {@code null} when it was not seen. */
    public FloatingIpSource floatingIpSource() {
        return floatingIpSeen ? new FloatingIpSource(floatingIpPortId, floatingIpRevision) : null;
    }
}
