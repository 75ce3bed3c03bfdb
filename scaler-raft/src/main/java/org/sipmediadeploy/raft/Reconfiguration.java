package org.sipmediadeploy.raft;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Membership changes for {@link RaftNode}, from any node: ask the leader for its configuration and contacts,
 * validate with {@link MembershipRules}, then Ratis {@code setConfiguration} through the leader in
 * COMPARE_AND_SET mode. Every call answers with a {@link MembershipChange}; none throws.
 */
final class Reconfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(Reconfiguration.class);

    private final RaftSettings settings;
    private final RaftGroupId groupId;
    private final Parameters parameters;
    private final Supplier<RaftClient> direct;
    private final Supplier<Optional<String>> leaderId;
    private final Executor executor;

    /** {@code direct}: a no-retry client of the current configuration; {@code leaderId}: the leader this node knows. */
    Reconfiguration(
            RaftSettings settings,
            RaftGroupId groupId,
            Parameters parameters,
            Supplier<RaftClient> direct,
            Supplier<Optional<String>> leaderId,
            Executor executor) {
        this.settings = settings;
        this.groupId = groupId;
        this.parameters = parameters;
        this.direct = direct;
        this.leaderId = leaderId;
        this.executor = executor;
    }

    /** Adds {@code m}; {@code DONE} at once when it is already a member at that address. */
    CompletableFuture<MembershipChange> addMember(RaftMember m) {
        Objects.requireNonNull(m, "m");
        return async(() -> {
            Optional<LeaderView> lv = leaderView();
            if (lv.isEmpty()) {
                return MembershipChange.unavailable(noLeader(), List.of(), List.of());
            }
            List<RaftMember> current = lv.get().current();
            if (current.contains(m)) {
                return new MembershipChange(
                        MembershipChange.Outcome.DONE,
                        m.id() + " is already a member at " + m.address(),
                        current,
                        current);
            }
            List<RaftMember> next = new ArrayList<>(current);
            next.add(m);
            return change(lv.get(), next);
        });
    }

    /** Removes member {@code id}; {@code UNKNOWN_NODE} when it is not in the configuration. */
    CompletableFuture<MembershipChange> removeMember(String id) {
        Objects.requireNonNull(id, "id");
        return async(() -> {
            Optional<LeaderView> lv = leaderView();
            if (lv.isEmpty()) {
                return MembershipChange.unavailable(noLeader(), List.of(), List.of());
            }
            List<RaftMember> current = lv.get().current();
            List<RaftMember> next =
                    current.stream().filter(x -> !x.id().equals(id)).toList();
            if (next.size() == current.size()) {
                return new MembershipChange(
                        MembershipChange.Outcome.UNKNOWN_NODE,
                        "unknown node '" + id + "': the configuration is " + current,
                        current,
                        current);
            }
            return change(lv.get(), next);
        });
    }

    /**
     * Replaces member {@code oldId} with {@code replacement} in one configuration change (Ratis stages the new
     * member until it has caught up, then switches through a joint configuration). {@code DONE} at once when it
     * was already done; {@code UNKNOWN_NODE} when {@code oldId} is not a member.
     */
    CompletableFuture<MembershipChange> replaceMember(String oldId, RaftMember replacement) {
        Objects.requireNonNull(oldId, "oldId");
        Objects.requireNonNull(replacement, "replacement");
        return async(() -> {
            Optional<LeaderView> lv = leaderView();
            if (lv.isEmpty()) {
                return MembershipChange.unavailable(noLeader(), List.of(), List.of());
            }
            List<RaftMember> current = lv.get().current();
            boolean oldIn = current.stream().anyMatch(x -> x.id().equals(oldId));
            if (!oldIn && current.contains(replacement)) {
                return new MembershipChange(
                        MembershipChange.Outcome.DONE,
                        oldId + " was already replaced by " + replacement,
                        current,
                        current);
            }
            if (!oldIn) {
                return new MembershipChange(
                        MembershipChange.Outcome.UNKNOWN_NODE,
                        "unknown node '" + oldId + "': the configuration is " + current,
                        current,
                        current);
            }
            if (oldId.equals(replacement.id())) {
                return MembershipChange.refused("the replacement must have a new id, not " + oldId, current, current);
            }
            List<RaftMember> next = new ArrayList<>();
            for (RaftMember x : current) {
                if (!x.id().equals(oldId)) {
                    next.add(x);
                }
            }
            next.add(replacement);
            return change(lv.get(), next);
        });
    }

    /**
     * Sets the configuration to {@code newMembers}, validated by {@link MembershipRules} against the leader's
     * current configuration and which members it heard from recently. Runs Ratis' {@code setConfiguration}
     * through the leader in COMPARE_AND_SET mode, so a concurrent change makes this one fail instead of
     * overwriting it. Never throws: the outcome says what happened.
     */
    CompletableFuture<MembershipChange> changeMembers(List<RaftMember> newMembers) {
        List<RaftMember> proposed = List.copyOf(newMembers);
        return async(() -> {
            Optional<LeaderView> lv = leaderView();
            if (lv.isEmpty()) {
                return MembershipChange.unavailable(noLeader(), List.of(), proposed);
            }
            return change(lv.get(), proposed);
        });
    }

    /** The leader's configuration and the members it heard from within {@link #reachableMillis()}. */
    private record LeaderView(String leaderId, List<RaftMember> current, boolean changing, Set<String> reachable) {}

    /** A member is "reachable" when the leader heard from it within three maximum election timeouts. */
    private long reachableMillis() {
        return Math.max(1000, settings.electionTimeoutMax().toMillis() * 3);
    }

    private String noLeader() {
        return "no leader: the cluster has no majority right now";
    }

    private CompletableFuture<MembershipChange> async(java.util.function.Supplier<MembershipChange> work) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return work.get();
                    } catch (RuntimeException e) {
                        LOG.warn("membership change failed", e);
                        return MembershipChange.unavailable("failed: " + e, List.of(), List.of());
                    }
                },
                executor);
    }

    /** Asks the leader (this node or another) for its configuration and follower contacts. */
    private Optional<LeaderView> leaderView() {
        Optional<String> leader = leaderId.get();
        if (leader.isEmpty()) {
            return Optional.empty();
        }
        RaftPeerId lid = RaftPeerId.valueOf(leader.get());
        GroupInfoReply r;
        try {
            r = direct.get().getGroupManagementApi(lid).info(groupId);
        } catch (IOException | RuntimeException e) {
            LOG.debug("leader {} did not answer a group info: {}", lid, e.toString());
            return Optional.empty();
        }
        if (!r.isSuccess() || r.getConf().isEmpty() || !r.getRoleInfoProto().hasLeaderInfo()) {
            return Optional.empty();
        }
        List<RaftMember> current = new ArrayList<>();
        for (RaftPeer p : ConfigurationDiscovery.peersOf(r.getConf().get())) {
            current.add(new RaftMember(p.getId().toString(), p.getAddress()));
        }
        current.sort(Comparator.comparing(RaftMember::id));
        Set<String> reachable = new TreeSet<>();
        reachable.add(lid.toString());
        for (ServerRpcProto f : r.getRoleInfoProto().getLeaderInfo().getFollowerInfoList()) {
            if (f.getLastRpcElapsedTimeMs() < reachableMillis()) {
                reachable.add(f.getId().getId().toStringUtf8());
            }
        }
        return Optional.of(
                new LeaderView(lid.toString(), current, r.getConf().get().getOldPeersCount() > 0, reachable));
    }

    private MembershipChange change(LeaderView lv, List<RaftMember> proposed) {
        List<RaftMember> current = lv.current();
        List<RaftMember> next = new ArrayList<>(proposed);
        next.sort(Comparator.comparing(RaftMember::id));
        if (lv.changing()) {
            return MembershipChange.unavailable("another membership change is in progress; try again", current, next);
        }
        Optional<String> refusal = MembershipRules.refusal(current, next, lv.reachable());
        if (refusal.isPresent()) {
            LOG.info("membership change {} -> {} refused: {}", current, next, refusal.get());
            return MembershipChange.refused(refusal.get(), current, next);
        }
        if (Set.copyOf(current).equals(Set.copyOf(next))) {
            return new MembershipChange(
                    MembershipChange.Outcome.DONE, "no change: the configuration is " + current, current, next);
        }
        List<RaftPeer> all = new ArrayList<>(toPeers(current));
        for (RaftPeer p : toPeers(next)) {
            if (all.stream().noneMatch(x -> x.getId().equals(p.getId()))) {
                all.add(p);
            }
        }
        RaftProperties props = new RaftProperties();
        // Long enough for a new member to catch up (Ratis stages it first); the change is compare-and-set anyway.
        RaftClientConfigKeys.Rpc.setRequestTimeout(props, millis(timeout()));
        LOG.info("membership change through leader {}: {} -> {}", lv.leaderId(), current, next);
        try (RaftClient c = RatisProperties.newClient(
                RaftGroup.valueOf(groupId, all),
                props,
                parameters,
                RetryPolicies.noRetry(),
                RaftPeerId.valueOf(lv.leaderId()))) {
            RaftClientReply reply = c.admin()
                    .setConfiguration(SetConfigurationRequest.Arguments.newBuilder()
                            .setServersInNewConf(toPeers(next))
                            .setServersInCurrentConf(toPeers(current))
                            .setMode(SetConfigurationRequest.Mode.COMPARE_AND_SET)
                            .build());
            if (reply.isSuccess()) {
                LOG.info("membership changed: {} -> {} (log index {})", current, next, reply.getLogIndex());
                return new MembershipChange(
                        MembershipChange.Outcome.DONE, "the configuration is now " + next, current, next);
            }
            String why = reply.getException() == null
                    ? "not successful"
                    : reply.getException().getMessage();
            LOG.warn("membership change {} -> {} failed: {}", current, next, why);
            return MembershipChange.unavailable("the change did not complete: " + why, current, next);
        } catch (IOException | RuntimeException e) {
            LOG.warn("membership change {} -> {} failed: {}", current, next, e.toString());
            return MembershipChange.unavailable(
                    "the change did not complete: " + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : " " + e.getMessage()),
                    current,
                    next);
        }
    }

    /** How long one membership change may take (a new member catching up included). */
    Duration timeout() {
        return settings.requestTimeout().multipliedBy(10);
    }

    private static List<RaftPeer> toPeers(List<RaftMember> members) {
        List<RaftPeer> out = new ArrayList<>();
        for (RaftMember m : members) {
            out.add(RaftPeer.newBuilder().setId(m.id()).setAddress(m.address()).build());
        }
        return out;
    }

    private static TimeDuration millis(Duration d) {
        return TimeDuration.valueOf(d.toMillis(), TimeUnit.MILLISECONDS);
    }
}
