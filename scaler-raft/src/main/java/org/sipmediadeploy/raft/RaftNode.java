package org.sipmediadeploy.raft;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.proto.RaftProtos.CommitInfoProto;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
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

    private RaftNode(
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
     * by shutting its Raft server down. Added for self-healing (wt/heal).
     */
    public static RaftNode start(RaftSettings settings, ProbeView probes, LeadershipListener listener, boolean joinOnly)
            throws IOException {
        Objects.requireNonNull(settings, "settings");
        RaftGroupId gid = groupId(settings.clusterName());
        List<RaftPeer> configured = new ArrayList<>();
        settings.peers()
                .forEach((id, address) -> configured.add(
                        RaftPeer.newBuilder().setId(id).setAddress(address).build()));

        RaftProperties props = RatisProperties.server(settings);
        Parameters params = RatisProperties.parameters(settings);

        Files.createDirectories(settings.storageDir());
        boolean fresh =
                !Files.isDirectory(settings.storageDir().resolve(gid.getUuid().toString()));
        RaftProperties clientProps = RatisProperties.client(settings);

        Optional<ConfigurationDiscovery.Discovered> discovered = ConfigurationDiscovery.discover(
                settings.nodeId(), gid, configured, clientProps, params, settings.requestTimeout());
        StartupPlan plan = StartupPlan.decide(settings, fresh, joinOnly, discovered);
        if (plan.kind() == StartupPlan.Kind.JOINING) {
            ConfigurationDiscovery.Discovered d = plan.discovered().orElseThrow();
            LOG.warn(
                    "node {} is not in the current configuration {} of cluster {} (reported by {}): it starts "
                            + "empty and waits to be added by the leader (scalerctl members add {} {})",
                    settings.nodeId(),
                    ConfigurationDiscovery.describe(d.peers()),
                    settings.clusterName(),
                    d.from(),
                    settings.nodeId(),
                    settings.peers().get(settings.nodeId()));
        } else if (plan.kind() == StartupPlan.Kind.JOIN_ONLY) {
            LOG.warn(
                    "node {} found no leader among {} of cluster {}: it starts empty and waits to be added by the "
                            + "leader (join only)",
                    settings.nodeId(),
                    ConfigurationDiscovery.describe(configured),
                    settings.clusterName());
        }
        RaftGroup group = RaftGroup.valueOf(gid, plan.startPeers());

        ExecutorService events = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "raft-leadership-" + settings.nodeId());
            t.setDaemon(true);
            return t;
        });
        ScalerStateMachine machine = new ScalerStateMachine(probes, listener, events);
        RaftServer server = RaftServer.newBuilder()
                .setServerId(RaftPeerId.valueOf(settings.nodeId()))
                .setGroup(group)
                .setProperties(props)
                .setParameters(params)
                .setStateMachine(machine)
                .setOption(plan.option())
                .build();
        try {
            server.start();
        } catch (IOException | RuntimeException e) {
            server.close();
            events.shutdownNow();
            throw e;
        }
        RaftGroup clientGroup = plan.joining() ? RaftGroup.valueOf(gid, plan.clientPeers()) : group;
        LOG.info(
                "raft node {} started ({}{}) in group {} with peers {}",
                settings.nodeId(),
                plan.option(),
                plan.joining() ? ", joining" : "",
                gid,
                ConfigurationDiscovery.describe(plan.startPeers()));
        return new RaftNode(settings, group, server, machine, events, clientProps, params, clientGroup, plan.joining());
    }

    public String id() {
        return settings.nodeId();
    }

    public RaftSettings settings() {
        return settings;
    }

    @Override
    public CompletableFuture<CommitResult> propose(Command command) {
        Message m = Message.valueOf(ByteString.copyFrom(Codec.encodeCommand(command)));
        long bound = settings.requestTimeout().toMillis() * (settings.clientRetries() + 1L)
                + settings.electionTimeoutMin().toMillis() * settings.clientRetries();
        return clients()
                .propose()
                .async()
                .send(m)
                .orTimeout(bound, TimeUnit.MILLISECONDS)
                .handle((reply, error) -> {
                    if (error != null) {
                        String refusal = ScalerStateMachine.refusalIn(error);
                        if (refusal != null) {
                            return new CommitResult(-1, command.term(), refusal);
                        }
                        throw error instanceof CompletionException ce ? ce : new CompletionException(error);
                    }
                    if (!reply.isSuccess()) {
                        String refusal = ScalerStateMachine.refusalIn(reply.getException());
                        if (refusal != null) {
                            return new CommitResult(-1, command.term(), refusal);
                        }
                        throw new CompletionException(reply.getException());
                    }
                    Codec.CommitReply r =
                            Codec.decodeReply(reply.getMessage().getContent().toByteArray());
                    return new CommitResult(r.index(), r.term(), r.refusal());
                });
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
        Map<String, Long> out = new java.util.TreeMap<>();
        info().ifPresent(i -> {
            RoleInfoProto role = i.getRoleInfoProto();
            if (role.hasLeaderInfo()) {
                for (ServerRpcProto f : role.getLeaderInfo().getFollowerInfoList()) {
                    out.put(f.getId().getId().toStringUtf8(), f.getLastRpcElapsedTimeMs());
                }
            } else if (role.hasFollowerInfo() && role.getFollowerInfo().hasLeaderInfo()) {
                ServerRpcProto l = role.getFollowerInfo().getLeaderInfo();
                out.put(l.getId().getId().toStringUtf8(), l.getLastRpcElapsedTimeMs());
            }
        });
        return out;
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
        Optional<RaftConfiguration> conf = conf();
        if (conf.isEmpty()) {
            return List.of();
        }
        String leader = leaderId().orElse(null);
        Map<String, Long> contact = lastContactMillis();
        List<MemberView> out = new ArrayList<>();
        for (RaftPeer p : conf.get().getCurrentPeers()) {
            String id = p.getId().toString();
            boolean me = p.getId().equals(self);
            MemberView.Role role = leader == null
                    ? MemberView.Role.UNKNOWN
                    : id.equals(leader) ? MemberView.Role.LEADER : MemberView.Role.FOLLOWER;
            out.add(new MemberView(id, p.getAddress(), role, me ? Long.valueOf(0) : contact.get(id), me));
        }
        out.sort(Comparator.comparing(MemberView::id));
        return out;
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

    // ---- added for self-healing (wt/heal): the leader's catch-up check and "does the new node answer?" ----

    /** The commit index each peer last reported to this node (Ratis commit infos; this node included), by id. */
    public Map<String, Long> peerCommitIndexes() {
        Map<String, Long> out = new java.util.TreeMap<>();
        try {
            for (CommitInfoProto ci :
                    server.getDivision(startGroup.getGroupId()).getCommitInfos()) {
                out.put(RaftPeerId.valueOf(ci.getServer().getId()).toString(), ci.getCommitIndex());
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("commit infos: {}", e.toString());
        }
        return out;
    }

    /** This node's commit index (-1 when unknown). */
    public long commitIndex() {
        try {
            return server.getDivision(startGroup.getGroupId()).getRaftLog().getLastCommittedIndex();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
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
        try {
            return server.getDivision(startGroup.getGroupId()).getRaftLog().getStartIndex();
        } catch (IOException e) {
            return -1;
        }
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
