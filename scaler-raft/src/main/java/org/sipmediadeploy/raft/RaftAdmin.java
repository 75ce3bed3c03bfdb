package org.sipmediadeploy.raft;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.proto.RaftProtos.CommitInfoProto;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.DivisionInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one-off operations an operator or the daemon asks of this node: a snapshot now, a leadership transfer, "does
 * that new node answer?". Each uses a client of its own, without retries. (Membership changes are
 * {@link Reconfiguration}'s.)
 */
final class RaftAdmin {
    // Logged under RaftNode, where these lines have always been.
    private static final Logger LOG = LoggerFactory.getLogger(RaftNode.class);

    private final RaftSettings settings;
    private final RaftPeerId self;
    private final LocalDivision division;
    private final RaftProperties clientProperties;
    private final Parameters parameters;
    private final Supplier<RaftGroup> currentGroup;

    RaftAdmin(
            RaftSettings settings,
            LocalDivision division,
            RaftProperties clientProperties,
            Parameters parameters,
            Supplier<RaftGroup> currentGroup) {
        this.settings = settings;
        this.self = RaftPeerId.valueOf(settings.nodeId());
        this.division = division;
        this.clientProperties = clientProperties;
        this.parameters = parameters;
        this.currentGroup = currentGroup;
    }

    /** Takes a snapshot on this node now (besides the automatic ones); returns its log index. */
    long snapshotNow(Duration timeout) throws IOException {
        try (RaftClient c = RatisProperties.newClient(
                withSelf(currentGroup.get()), clientProperties, parameters, RetryPolicies.noRetry(), self)) {
            RaftClientReply reply = c.getSnapshotManagementApi(self).create(timeout.toMillis());
            if (!reply.isSuccess()) {
                throw new IOException("snapshot failed on " + self, reply.getException());
            }
            return reply.getLogIndex();
        }
    }

    private RaftGroup withSelf(RaftGroup g) {
        if (g.getPeer(self) != null) {
            return g;
        }
        List<RaftPeer> peers = new ArrayList<>(g.getPeers());
        peers.add(RaftPeer.newBuilder()
                .setId(self)
                .setAddress(settings.peers().get(settings.nodeId()))
                .build());
        return RaftGroup.valueOf(g.getGroupId(), peers);
    }

    /**
     * Hands leadership to the most up-to-date follower. Returns whether the transfer was confirmed; does nothing on
     * a follower.
     */
    boolean transferLeadership(Duration timeout) {
        Optional<DivisionInfo> info = division.info();
        if (info.isEmpty() || !info.get().isLeader()) {
            return false;
        }
        Optional<RaftPeerId> target = mostUpToDateFollower();
        if (target.isEmpty()) {
            LOG.info("leadership transfer from {}: no follower known", self);
            return false;
        }
        try (RaftClient c = RatisProperties.newClient(
                withSelf(currentGroup.get()), clientProperties, parameters, RetryPolicies.noRetry(), self)) {
            RaftClientReply reply = c.admin().transferLeadership(target.get(), timeout.toMillis());
            LOG.info(
                    "leadership transfer from {} to {}: {}",
                    self,
                    target.get(),
                    reply.isSuccess() ? "done" : reply.getException());
            return reply.isSuccess();
        } catch (IOException e) {
            LOG.warn("leadership transfer from {} to {} failed: {}", self, target.get(), e.toString());
            return false;
        }
    }

    private Optional<RaftPeerId> mostUpToDateFollower() {
        Set<String> voters =
                division.conf().map(c -> LocalDivision.ids(c.getCurrentPeers())).orElse(Set.of());
        try {
            return division.get().getCommitInfos().stream()
                    .filter(ci -> !RaftPeerId.valueOf(ci.getServer().getId()).equals(self))
                    // only a voter of the current configuration can take over
                    .filter(ci -> voters.contains(
                            RaftPeerId.valueOf(ci.getServer().getId()).toString()))
                    .max(Comparator.comparingLong(CommitInfoProto::getCommitIndex))
                    .map(ci -> RaftPeerId.valueOf(ci.getServer().getId()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether the Raft server of {@code m} (typically a node started outside the configuration, waiting to be
     * added) answers a group-info request for this cluster's group within {@code timeout}.
     */
    boolean answers(RaftMember m, Duration timeout) {
        RaftPeer p = RaftPeer.newBuilder().setId(m.id()).setAddress(m.address()).build();
        RaftProperties props = new RaftProperties();
        RaftClientConfigKeys.Rpc.setRequestTimeout(props, RatisProperties.millis(timeout));
        try (RaftClient c = RatisProperties.newClient(
                RaftGroup.valueOf(division.groupId(), List.of(p)),
                props,
                parameters,
                RetryPolicies.noRetry(),
                p.getId())) {
            return c.getGroupManagementApi(p.getId()).info(division.groupId()).isSuccess();
        } catch (IOException | RuntimeException e) {
            LOG.debug("{} does not answer: {}", m, e.toString());
            return false;
        }
    }
}
