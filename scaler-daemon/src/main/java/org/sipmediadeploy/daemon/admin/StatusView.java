package org.sipmediadeploy.daemon.admin;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.sipmediadeploy.core.model.HostState;
import org.sipmediadeploy.core.model.PairMode;
import org.sipmediadeploy.core.model.PairState;
import org.sipmediadeploy.core.model.PoolMode;
import org.sipmediadeploy.core.model.PoolState;
import org.sipmediadeploy.core.model.ProbeStatus;
import org.sipmediadeploy.core.policy.Alarm;
import org.sipmediadeploy.core.policy.TargetHealth;

/**
 * {@code GET /v1/status}: this node, its peers, the pairs, the pools and the open alarms. Serialized with
 * snake_case field names and ISO-8601 instants; a null field means "not known" (e.g. no leader).
 * The static factories build the pair, pool and alarm parts from the replicated state.
 */
public record StatusView(
        NodeInfo node,
        List<PeerInfo> peers,
        List<PairInfo> pairs,
        List<PoolInfo> pools,
        List<AlarmInfo> alarms,
        SelfHealingInfo selfHealing) {
    public StatusView {
        Objects.requireNonNull(node, "node");
        peers = List.copyOf(peers);
        pairs = List.copyOf(pairs);
        pools = List.copyOf(pools);
        alarms = List.copyOf(alarms);
    }

    public StatusView(
            NodeInfo node, List<PeerInfo> peers, List<PairInfo> pairs, List<PoolInfo> pools, List<AlarmInfo> alarms) {
        this(node, peers, pairs, pools, alarms, null);
    }

    /**
     * Self-healing of the scaler cluster: whether it is enabled, the leader's last note (why it does or does not
     * replace; null on a follower), the replicated record of the members with their servers, and the replacement
     * under way (null when none) with its finished steps.
     */
    public record SelfHealingInfo(
            boolean enabled, String note, List<ScalerMemberInfo> members, ReplacementInfo replacement) {
        public SelfHealingInfo {
            members = List.copyOf(members);
        }
    }

    public record ScalerMemberInfo(String id, String address, String serverId, String createdBy) {}

    public record ReplacementInfo(
            String decisionId,
            String deadNode,
            String newNode,
            String step,
            String newServerId,
            String newAddress,
            Instant startedAt,
            List<StepInfo> done) {
        public ReplacementInfo {
            done = List.copyOf(done);
        }
    }

    public record StepInfo(String step, String detail, Instant at) {}

    /** The self-healing part from the replicated record. */
    public static SelfHealingInfo selfHealing(
            boolean enabled, String note, org.sipmediadeploy.core.model.ScalerMembers sc) {
        List<ScalerMemberInfo> members = sc.members().values().stream()
                .map(m -> new ScalerMemberInfo(m.id(), m.address(), m.serverId(), m.createdBy()))
                .toList();
        var r = sc.replacement();
        ReplacementInfo rep = r == null
                ? null
                : new ReplacementInfo(
                        r.decisionId(),
                        r.dead().id(),
                        r.newId(),
                        r.step().name(),
                        r.newServerId(),
                        r.newAddress(),
                        r.startedAt(),
                        r.done().stream()
                                .map(x -> new StepInfo(x.step().name(), x.detail(), x.at()))
                                .toList());
        return new SelfHealingInfo(enabled, note, members, rep);
    }

    /** Raft role of this node as its Raft server reports it; UNKNOWN while it is starting or has left. */
    public enum Role {
        LEADER,
        FOLLOWER,
        CANDIDATE,
        UNKNOWN
    }

    /**
     * Whether this node is in the Raft configuration: MEMBER; JOINING (started outside it, waits for the leader to
     * add it); REMOVED (the configuration no longer includes it: it does not act).
     */
    public enum Membership {
        MEMBER,
        JOINING,
        REMOVED
    }

    /**
     * This node: id, role, current term, commit and applied index, the leader's id (null when none known), whether
     * it is in the configuration, the log index of that configuration (-1 unknown), and the version it runs.
     */
    public record NodeInfo(
            String id,
            Role role,
            long term,
            long commitIndex,
            long appliedIndex,
            String leaderId,
            Membership membership,
            long configurationIndex,
            String version) {
        public NodeInfo {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(membership, "membership");
        }

        /** A member whose configuration and version are not reported. */
        public NodeInfo(String id, Role role, long term, long commitIndex, long appliedIndex, String leaderId) {
            this(id, role, term, commitIndex, appliedIndex, leaderId, Membership.MEMBER, -1, null);
        }
    }

    /**
     * A member of the current Raft configuration (this node included, with {@code self} true and a last contact
     * of now); {@code lastContact} null when this node does not track it (a follower only hears from the leader).
     */
    public record PeerInfo(String id, String address, boolean leader, Instant lastContact, boolean self) {
        public PeerInfo {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(address, "address");
        }

        public PeerInfo(String id, String address, boolean leader, Instant lastContact) {
            this(id, address, leader, lastContact, false);
        }
    }

    /** A service pair: mode, floating IP, the active and the standby with their latest probe results. */
    public record PairInfo(
            String name,
            PairMode mode,
            String floatingIp,
            MemberInfo active,
            MemberInfo standby,
            String replacing,
            int recentFailovers) {
        public PairInfo {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(active, "active");
            Objects.requireNonNull(standby, "standby");
        }
    }

    /** A pair member and the last result of each probe target this node has for it (empty if never probed). */
    public record MemberInfo(String serverId, String name, String address, List<ProbeInfo> probes) {
        public MemberInfo {
            Objects.requireNonNull(serverId, "serverId");
            Objects.requireNonNull(name, "name");
            probes = List.copyOf(probes);
        }
    }

    /** The running verdict on one probe target; {@code status}, {@code latencyMillis}, {@code at} null if never. */
    public record ProbeInfo(
            String target,
            ProbeStatus status,
            Long latencyMillis,
            String reason,
            Instant at,
            int consecutiveFailures,
            Instant failingSince) {
        public ProbeInfo {
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The gateway pool: mode, host count by state, each host, and the cloud back-off if any. */
    public record PoolInfo(
            String name,
            PoolMode mode,
            Map<HostState, Integer> hostsByState,
            List<HostInfo> hosts,
            Instant backoffUntil) {
        public PoolInfo {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(mode, "mode");
            // in lifecycle order (CREATING, READY, ...), for people reading the JSON
            hostsByState = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(hostsByState));
            hosts = List.copyOf(hosts);
        }
    }

    /** A Gateway Host; {@code idleGateways} null when this node has no status report for it. */
    public record HostInfo(
            String name, String serverId, String address, HostState state, Instant stateSince, Integer idleGateways) {
        public HostInfo {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(state, "state");
        }
    }

    public record AlarmInfo(String scope, String message) {
        public AlarmInfo {
            Objects.requireNonNull(scope, "scope");
            Objects.requireNonNull(message, "message");
        }
    }

    /** One probe target's verdict, from the policy's running {@link TargetHealth}. */
    public static ProbeInfo probe(String targetKey, TargetHealth health) {
        if (health == null || health.last() == null) {
            return new ProbeInfo(targetKey, null, null, "never probed", null, 0, null);
        }
        return new ProbeInfo(
                targetKey,
                health.last().status(),
                health.last().latency().toMillis(),
                health.last().reason(),
                health.last().at(),
                health.consecutiveFailures(),
                health.failingSince());
    }

    /** A pair from its replicated state; {@code probes} gives each member's probe verdicts (by server id). */
    public static PairInfo pair(PairState p, Function<String, List<ProbeInfo>> probesByServerId) {
        return new PairInfo(
                p.name(),
                p.mode(),
                p.floatingIpAddress(),
                member(p.active(), probesByServerId),
                member(p.standby(), probesByServerId),
                p.replacing(),
                p.failovers().size());
    }

    private static MemberInfo member(
            org.sipmediadeploy.core.model.Member m, Function<String, List<ProbeInfo>> probesByServerId) {
        List<ProbeInfo> probes = probesByServerId.apply(m.serverId());
        return new MemberInfo(m.serverId(), m.name(), m.address(), probes == null ? List.of() : probes);
    }

    /** A pool from its replicated state; {@code idleGateways} by host name (null result = no report). */
    public static PoolInfo pool(PoolState p, Function<String, Integer> idleGateways) {
        Map<HostState, Integer> counts = new EnumMap<>(HostState.class);
        for (HostState s : HostState.values()) {
            counts.put(s, 0);
        }
        List<HostInfo> hosts = p.hostList().stream()
                .map(h -> {
                    counts.merge(h.state(), 1, Integer::sum);
                    return new HostInfo(
                            h.name(),
                            h.serverId(),
                            h.address(),
                            h.state(),
                            h.stateSince(),
                            idleGateways.apply(h.name()));
                })
                .toList();
        return new PoolInfo(p.name(), p.mode(), counts, hosts, p.backoffUntil());
    }

    public static AlarmInfo alarm(Alarm a) {
        return new AlarmInfo(a.scope(), a.message());
    }
}
