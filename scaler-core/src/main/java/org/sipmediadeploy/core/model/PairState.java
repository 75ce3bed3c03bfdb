package org.sipmediadeploy.core.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Replicated state of a service pair. {@code activeServerId} is the intent: the member the floating IP must be on.
 * {@code failovers} holds recent failover times (for anti-flap), newest last. {@code replacing} names a member
 * whose replacement is under way (null when none).
 */
public record PairState(
        String name,
        List<Member> members,
        String activeServerId,
        String floatingIpId,
        String floatingIpAddress,
        PairMode mode,
        List<Instant> failovers,
        String replacing) {
    public PairState {
        Objects.requireNonNull(name, "name");
        members = List.copyOf(members);
        Objects.requireNonNull(activeServerId, "activeServerId");
        Objects.requireNonNull(floatingIpId, "floatingIpId");
        Objects.requireNonNull(floatingIpAddress, "floatingIpAddress");
        Objects.requireNonNull(mode, "mode");
        failovers = List.copyOf(failovers);
        if (members.size() != 2) {
            throw new IllegalArgumentException("pair " + name + " must have exactly 2 members, has " + members.size());
        }
        if (members.stream().noneMatch(m -> m.serverId().equals(activeServerId))) {
            throw new IllegalArgumentException("pair " + name + ": active " + activeServerId + " is not a member");
        }
    }

    public Member active() {
        return member(activeServerId).orElseThrow();
    }

    public Member standby() {
        return members.stream()
                .filter(m -> !m.serverId().equals(activeServerId))
                .findFirst()
                .orElseThrow();
    }

    public Optional<Member> member(String serverId) {
        return members.stream().filter(m -> m.serverId().equals(serverId)).findFirst();
    }

    public PairState withActive(String serverId) {
        return new PairState(name, members, serverId, floatingIpId, floatingIpAddress, mode, failovers, replacing);
    }

    public PairState withMode(PairMode next) {
        return new PairState(
                name, members, activeServerId, floatingIpId, floatingIpAddress, next, failovers, replacing);
    }

    public PairState withFailovers(List<Instant> times) {
        return new PairState(name, members, activeServerId, floatingIpId, floatingIpAddress, mode, times, replacing);
    }

    public PairState withReplacing(String serverId) {
        return new PairState(name, members, activeServerId, floatingIpId, floatingIpAddress, mode, failovers, serverId);
    }

    public PairState withMembers(List<Member> next) {
        return new PairState(name, next, activeServerId, floatingIpId, floatingIpAddress, mode, failovers, replacing);
    }
}
