package org.sipmediadeploy.core.policy;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sipmediadeploy.core.model.FloatingIp;
import org.sipmediadeploy.core.model.FloatingIpSource;

/**
 * What the leader knows of a pair this pass: health per member server id; the port the floating IP is on
 * ({@code floatingIpSeen} false when the cloud could not be read) and its Neutron revision (-1 unknown); the
 * cluster's view of members it was asked about, by server id; whether a floating-IP move or replacement of the
 * pair is still open in the log; when the pair's member replacements were committed (the log keeps them; they
 * count toward max-per-hour).
 */
public record PairObservation(
        Map<String, TargetHealth> health,
        boolean floatingIpSeen,
        String floatingIpPortId,
        Map<String, Confirmation> confirmations,
        boolean workOpen,
        List<Instant> replacements,
        long floatingIpRevision) {
    public PairObservation {
        health = Map.copyOf(health);
        confirmations = Map.copyOf(confirmations);
        replacements = List.copyOf(replacements);
    }

    /** An observation with the floating IP's revision unknown. */
    public PairObservation(
            Map<String, TargetHealth> health,
            boolean floatingIpSeen,
            String floatingIpPortId,
            Map<String, Confirmation> confirmations,
            boolean workOpen,
            List<Instant> replacements) {
        this(health, floatingIpSeen, floatingIpPortId, confirmations, workOpen, replacements, -1);
    }

    /** An observation of a pair that has never had a member replaced, the floating IP's revision unknown. */
    public PairObservation(
            Map<String, TargetHealth> health,
            boolean floatingIpSeen,
            String floatingIpPortId,
            Map<String, Confirmation> confirmations,
            boolean workOpen) {
        this(health, floatingIpSeen, floatingIpPortId, confirmations, workOpen, List.of(), -1);
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
        return new PairObservation(
                health, floatingIpSeen, floatingIpPortId, next, workOpen, replacements, floatingIpRevision);
    }

    /** The same health and confirmations, with the floating IP as just read ({@code null}: not found). */
    public PairObservation withFloatingIp(FloatingIp f) {
        return new PairObservation(
                health,
                f != null,
                f == null ? null : f.portId(),
                confirmations,
                workOpen,
                replacements,
                f == null ? -1 : f.revision());
    }

    /** Where the floating IP was seen, to commit with a move; {@code null} when it was not seen. */
    public FloatingIpSource floatingIpSource() {
        return floatingIpSeen ? new FloatingIpSource(floatingIpPortId, floatingIpRevision) : null;
    }
}
