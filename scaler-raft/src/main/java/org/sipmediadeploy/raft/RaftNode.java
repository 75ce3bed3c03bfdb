package org.sipmediadeploy.raft;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import org.sipmediadeploy.core.command.Command;
import org.sipmediadeploy.core.port.Consensus;
import org.sipmediadeploy.core.port.PeerProbes;
import org.sipmediadeploy.core.state.ClusterState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One scaler node's membership of the Raft cluster (Apache Ratis over gRPC): the module's single factory
 * ({@link #start}). It is the {@link Consensus} the control loop uses and gives the {@link PeerProbes} of the
 * cluster.
 *
 * <p>Leadership as the rest of the scaler sees it:
 * <pre>
 * follower/candidate --elected, first entry of the term applied (notifyLeaderReady)--> ready leader(term)
 * ready leader(term) --higher term seen / stepped down / transferred / closed--> follower   (notLeader)
 * </pre>
 * {@link #isLeaderIn} is true only for a ready leader of that very term that also heard from a majority within
 * the minimum election timeout: a leader resumed after a long pause (SIGSTOP, GC) fails it at once, before Ratis
 * itself has learnt that it was deposed.
 */
public final class RaftNode implements Consensus, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RaftNode.class);

    private final RaftSettings settings;
    private final RaftGroup startGroup;
    private final RaftPeerId self;
    private final RaftServer server;
    private final LocalDivision division;
    private final ScalerStateMachine machine;
    private final ExecutorService events;
    private final ExecutorService probeCalls;
    private final LeaderLease lease;
    private final MembershipWatch watch;
    private final RaftAdmin admin;
    private final Reconfiguration reconfiguration;

    RaftNode(
            RaftSettings settings,
            RaftGroup startGroup,
            RaftServer server,
            ScalerStateMachine machine,
            ExecutorService events,
            RaftProperties clientProperties,
            Parameters parameters,
            RaftGroup clientGroup,
            boolean joining) {
        this.settings = settings;
        this.startGroup = startGroup;
        this.self = RaftPeerId.valueOf(settings.nodeId());
        this.server = server;
        this.machine = machine;
        this.events = events;
        this.probeCalls = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "raft-peer-probe-" + settings.nodeId());
            t.setDaemon(true);
            return t;
        });
        this.division = new LocalDivision(server, startGroup.getGroupId());
        this.lease = new LeaderLease(
                parameters.get(LeaderContacts.class.getName(), LeaderContacts.class),
                settings.nodeId(),
                settings.electionTimeoutMin());
        this.watch = new MembershipWatch(
                settings, division, clientProperties, parameters, this::membershipTimeout, clientGroup, joining);
        this.reconfiguration = new Reconfiguration(
                settings, startGroup.getGroupId(), parameters, () -> clients().direct(), this::leaderId, probeCalls);
        this.admin = new RaftAdmin(settings, division, clientProperties, parameters, watch::currentGroup);
        watch.start();
    }

    /** The group id every node derives from the cluster name: same name, same group, no coordination needed. */
    public static RaftGroupId groupId(String clusterName) {
        return RaftGroupId.valueOf(
                UUID.nameUUIDFromBytes(("sipmediadeploy-scaler:" + clusterName).getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Starts this node: RECOVER from its storage directory, or FORMAT it when it holds no log of this group yet.
     * Returns once the server is listening; a leader is elected asynchronously.
     *
     * <p>First it asks the configured peers for the cluster's current configuration (bounded by the request
     * timeout; the answer of a leader wins, then that of a follower that knows one, then any other):
     * <ul>
     *   <li>no answer (first start of the cluster): the configured peers;</li>
     *   <li>the configuration includes this node: that configuration (a stale peer list in the config file does
     *       not matter);</li>
     *   <li>it does not, and this node has no log yet: start with an empty configuration and wait for the leader
     *       to add it ({@link SelfMembership#JOINING});</li>
     *   <li>it does not, and this node has a log: refuse ({@link NotAMemberException}); its log belongs to an
     *       earlier membership, and the operator decides.</li>
     * </ul>
     */
    public static RaftNode start(RaftSettings settings, ProbeView probes, LeadershipListener listener)
            throws IOException {
        return start(settings, probes, listener, false);
    }

    /**
     * As {@link #start(RaftSettings, ProbeView, LeadershipListener)}; with {@code joinOnly} a node with no log yet
     * never starts as a voter of its configured peers, even when no peer answers conclusively (no leader at that
     * moment): it starts empty and waits to be added. A node created to replace another (self-healing) is started so;
     * bootstrapping instead would make it a candidate of a configuration the others do not have, which they answer
     * by shutting its Raft server down.
     */
    public static RaftNode start(RaftSettings settings, ProbeView probes, LeadershipListener listener, boolean joinOnly)
            throws IOException {
        return NodeStart.start(settings, probes, listener, joinOnly);
    }

    public String id() {
        return settings.nodeId();
    }

    public RaftSettings settings() {
        return settings;
    }

    /** The longest a {@link #propose} can take before it fails: every try and the sleeps between them. */
    public Duration proposalBound() {
        return Proposal.bound(settings);
    }

    /** The peer the next proposal tries first (for tests). */
    String proposalTarget() {
        return String.valueOf(watch.proposingClient().getLeaderId());
    }

    @Override
    public CompletableFuture<CommitResult> propose(Command command) {
        return Proposal.send(watch.proposingClient(), settings, command);
    }

    @Override
    public ClusterState state() {
        return machine.state();
    }

    /** Index of the last entry applied on this node. */
    public long lastAppliedIndex() {
        return info().map(DivisionInfo::getLastAppliedIndex).orElse(-1L);
    }

    public long currentTerm() {
        return info().map(DivisionInfo::getCurrentTerm).orElse(-1L);
    }

    /** The leader this node currently believes in, if any. */
    public Optional<String> leaderId() {
        return info().map(DivisionInfo::getLeaderId).map(RaftPeerId::toString);
    }

    @Override
    public OptionalLong leaderTerm() {
        Optional<DivisionInfo> maybe = info();
        if (maybe.isEmpty()) {
            return OptionalLong.empty();
        }
        DivisionInfo info = maybe.get();
        if (!info.isLeader() || !info.isLeaderReady()) {
            return OptionalLong.empty();
        }
        long term = info.getCurrentTerm();
        return lease.holds(conf()) && info.isLeaderReady() && info.getCurrentTerm() == term
                ? OptionalLong.of(term)
                : OptionalLong.empty();
    }

    @Override
    public boolean isLeaderIn(long term) {
        OptionalLong t = leaderTerm();
        return t.isPresent() && t.getAsLong() == term;
    }

    /**
     * Milliseconds since this node last heard from each peer it tracks, by peer id: every follower when this node
     * leads, the leader when it follows; empty while a candidate or starting.
     */
    public Map<String, Long> lastContactMillis() {
        return division.lastContactMillis();
    }

    /** The "do you see X?" port, answered by every other member of the current configuration. */
    public PeerProbes peerProbes() {
        return new RaftPeerProbes(() -> clients().direct(), this::others, probeCalls);
    }

    List<RaftPeerId> others() {
        List<RaftPeerId> out = new ArrayList<>();
        Collection<RaftPeer> peers =
                conf().map(RaftConfiguration::getCurrentPeers).orElse(startGroup.getPeers());
        for (RaftPeer p : peers) {
            if (!p.getId().equals(self)) {
                out.add(p.getId());
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- membership

    /**
     * The current Raft configuration as this node knows it (the new one while a change is in progress), each
     * member with its role and this node's last contact with it, sorted by id. Empty while the server is starting
     * or has stopped.
     */
    public List<MemberView> members() {
        return division.members(self);
    }

    /** Log index of the configuration this node currently uses (-1 when unknown). */
    public long configurationIndex() {
        return conf().map(RaftConfiguration::getLogEntryIndex).orElse(-1L);
    }

    /** Whether a membership change is in progress (joint configuration) as this node sees it. */
    public boolean configurationChanging() {
        return conf().map(c -> !c.getPreviousPeers().isEmpty()).orElse(false);
    }

    /** Whether this node is in the configuration; see {@link SelfMembership} for when each state holds. */
    public SelfMembership membership() {
        return watch.membership();
    }

    /** Adds {@code m}; {@code DONE} at once when it is already a member at that address. */
    public CompletableFuture<MembershipChange> addMember(RaftMember m) {
        return reconfiguration.addMember(m);
    }

    /** Removes member {@code id}; {@code UNKNOWN_NODE} when it is not in the configuration. */
    public CompletableFuture<MembershipChange> removeMember(String id) {
        return reconfiguration.removeMember(id);
    }

    /**
     * Replaces member {@code oldId} with {@code replacement} in one configuration change (Ratis stages the new
     * member until it has caught up, then switches through a joint configuration). {@code DONE} at once when it
     * was already done; {@code UNKNOWN_NODE} when {@code oldId} is not a member.
     */
    public CompletableFuture<MembershipChange> replaceMember(String oldId, RaftMember replacement) {
        return reconfiguration.replaceMember(oldId, replacement);
    }

    /**
     * Sets the configuration to {@code newMembers}, validated by {@link MembershipRules} against the leader's
     * current configuration and which members it heard from recently. Runs Ratis' {@code setConfiguration}
     * through the leader in COMPARE_AND_SET mode, so a concurrent change makes this one fail instead of
     * overwriting it. Never throws: the outcome says what happened.
     */
    public CompletableFuture<MembershipChange> changeMembers(List<RaftMember> newMembers) {
        return reconfiguration.changeMembers(newMembers);
    }

    /** The commit index each peer last reported to this node (Ratis commit infos; this node included), by id. */
    public Map<String, Long> peerCommitIndexes() {
        return division.peerCommitIndexes();
    }

    /** This node's commit index (-1 when unknown). */
    public long commitIndex() {
        return division.commitIndex();
    }

    /**
     * Whether the Raft server of {@code m} (typically a node started outside the configuration, waiting to be
     * added) answers a group-info request for this cluster's group within {@code timeout}.
     */
    public boolean answers(RaftMember m, Duration timeout) {
        return admin.answers(m, timeout);
    }

    /** How long one membership change may take (a new member catching up included). */
    public Duration membershipTimeout() {
        return reconfiguration.timeout();
    }

    private MembershipWatch.Clients clients() {
        return watch.clients();
    }

    /** The configuration as this node's server holds it. */
    private Optional<RaftConfiguration> conf() {
        return division.conf();
    }

    // ---------------------------------------------------------------- snapshots, transfer, close

    /** Takes a snapshot on this node now (besides the automatic ones); returns its log index. */
    public long snapshotNow(Duration timeout) throws IOException {
        return admin.snapshotNow(timeout);
    }

    /** Index of the first entry still in this node's log (grows when the log is purged after snapshots). */
    public long firstLogIndex() {
        return division.firstLogIndex();
    }

    /** Index of the newest snapshot this node holds, or -1. */
    public long latestSnapshotIndex() {
        var s = machine.getLatestSnapshot();
        return s == null ? -1 : s.getIndex();
    }

    /**
     * On SIGTERM: hand leadership to the most up-to-date follower so the cluster does not wait an election
     * timeout. Returns whether the transfer was confirmed; does nothing on a follower.
     */
    public boolean transferLeadership(Duration timeout) {
        return admin.transferLeadership(timeout);
    }

    private Optional<DivisionInfo> info() {
        return division.info();
    }

    Map<String, String> peers() {
        return settings.peers();
    }

    /** Closes clients and the server; leader work is told to stop first (notLeader). Idempotent. */
    @Override
    public void close() {
        watch.close();
        try {
            server.close();
        } catch (IOException e) {
            LOG.warn("closing raft server {}: {}", self, e.toString());
        }
        probeCalls.shutdownNow();
        events.shutdown();
        try {
            if (!events.awaitTermination(2, TimeUnit.SECONDS)) {
                events.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            events.shutdownNow();
        }
    }
}
