package org.sipmediadeploy.raft;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.apache.ratis.proto.RaftProtos.CommitInfoProto;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
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
    /** How often the membership watch runs (client refresh, "am I still in the configuration?"). */
    private static final long WATCH_MILLIS = 1000;

    private final RaftSettings settings;
    private final RaftGroup startGroup;
    private final RaftPeerId self;
    private final RaftServer server;
    private final ScalerStateMachine machine;
    private final ExecutorService events;
    private final ExecutorService probeCalls;
    private final ScheduledExecutorService watch;
    private final RaftProperties clientProperties;
    private final Parameters parameters;
    private final LeaderContacts contacts;
    private final AtomicReference<Clients> clients = new AtomicReference<>();
    private final Reconfiguration reconfiguration;
    /** Started outside the configuration (empty log); cleared for good once a configuration includes this node. */
    private volatile boolean joining;
    /** The current leader reported a configuration without this node while this node's own still had it. */
    private volatile boolean removedByLeader;

    private volatile SelfMembership lastLogged;

    /** The two clients of one peer set: proposals (bounded retries) and direct per-server calls (no retry). */
    /**
     * {@code proposeVia} holds one proposing client per leader hint: a Ratis client keeps the leader it last used,
     * and one cut off (not closed) costs a whole request timeout per proposal before the client tries another peer.
     */
    private record Clients(
            Set<String> key,
            RaftGroup group,
            RaftClient propose,
            RaftClient direct,
            ConcurrentMap<RaftPeerId, RaftClient> proposeVia) {}

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
        this.watch = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "raft-membership-" + settings.nodeId());
            t.setDaemon(true);
            return t;
        });
        this.clientProperties = clientProperties;
        this.parameters = parameters;
        this.contacts = parameters.get(LeaderContacts.class.getName(), LeaderContacts.class);
        this.joining = joining;
        this.clients.set(buildClients(clientGroup));
        this.reconfiguration = new Reconfiguration(
                settings, startGroup.getGroupId(), parameters, () -> clients().direct(), this::leaderId, probeCalls);
        this.lastLogged = joining ? SelfMembership.JOINING : SelfMembership.MEMBER;
        watch.scheduleWithFixedDelay(this::watchMembership, WATCH_MILLIS, WATCH_MILLIS, TimeUnit.MILLISECONDS);
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

        RaftProperties props = serverProperties(settings);
        Parameters params = new Parameters();
        LeaderContacts.installIn(params);
        if (settings.tls() != null) {
            GrpcTlsConfig tls = new GrpcTlsConfig(
                    settings.tls().privateKey().toFile(),
                    settings.tls().certChain().toFile(),
                    settings.tls().trustedCas().toFile(),
                    true);
            // One TLS context for everything: peer RPC, client RPC and admin RPC share the server port.
            GrpcConfigKeys.Server.setTlsConf(params, tls);
            GrpcConfigKeys.Client.setTlsConf(params, tls);
            GrpcConfigKeys.Admin.setTlsConf(params, tls);
            GrpcConfigKeys.TLS.setConf(params, tls);
        }

        Files.createDirectories(settings.storageDir());
        boolean fresh =
                !Files.isDirectory(settings.storageDir().resolve(gid.getUuid().toString()));
        RaftStorage.StartupOption option = fresh ? RaftStorage.StartupOption.FORMAT : RaftStorage.StartupOption.RECOVER;
        RaftProperties clientProps = clientProperties(settings);

        Optional<ConfigurationDiscovery.Discovered> current = ConfigurationDiscovery.discover(
                settings.nodeId(), gid, configured, clientProps, params, settings.requestTimeout());
        if (current.isPresent() && !current.get().conclusive() && !fresh) {
            // A node with a log only acts on a leader's word (it may refuse to start below); its log has the rest.
            current = Optional.empty();
        }
        List<RaftPeer> startPeers = configured;
        boolean joining = false;
        if (current.isPresent()) {
            ConfigurationDiscovery.Discovered d = current.get();
            Optional<RaftPeer> me = d.peers().stream()
                    .filter(p -> p.getId().toString().equals(settings.nodeId()))
                    .findFirst();
            if (me.isPresent()) {
                String mine = settings.peers().get(settings.nodeId());
                if (!me.get().getAddress().equals(mine)) {
                    throw new NotAMemberException("node " + settings.nodeId() + " is in the configuration of cluster "
                            + settings.clusterName() + " at " + me.get().getAddress() + " (reported by " + d.from()
                            + "), but it is configured to listen on " + mine + ": remove it from the cluster "
                            + "(scalerctl members remove " + settings.nodeId() + "), then add it with the new address");
                }
                startPeers = d.peers();
            } else if (fresh) {
                joining = true;
                startPeers = List.of();
                LOG.warn(
                        "node {} is not in the current configuration {} of cluster {} (reported by {}): it starts "
                                + "empty and waits to be added by the leader (scalerctl members add {} {})",
                        settings.nodeId(),
                        ConfigurationDiscovery.describe(d.peers()),
                        settings.clusterName(),
                        d.from(),
                        settings.nodeId(),
                        settings.peers().get(settings.nodeId()));
            } else {
                throw new NotAMemberException("node " + settings.nodeId() + " is not a member of cluster "
                        + settings.clusterName() + ": its current configuration is "
                        + ConfigurationDiscovery.describe(d.peers())
                        + " (reported by " + d.from() + "), but " + settings.storageDir() + " holds the log of an "
                        + "earlier membership. To bring it back: move that directory aside, start the node again "
                        + "(it waits to be added) and run 'scalerctl members add " + settings.nodeId() + " "
                        + settings.peers().get(settings.nodeId()) + "' on a member");
            }
        } else if (joinOnly && fresh) {
            joining = true;
            startPeers = List.of();
            LOG.warn(
                    "node {} found no leader among {} of cluster {}: it starts empty and waits to be added by the "
                            + "leader (join only)",
                    settings.nodeId(),
                    ConfigurationDiscovery.describe(configured),
                    settings.clusterName());
        }
        RaftGroup group = RaftGroup.valueOf(gid, startPeers);

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
                .setOption(option)
                .build();
        try {
            server.start();
        } catch (IOException | RuntimeException e) {
            server.close();
            events.shutdownNow();
            throw e;
        }
        // A joining node's clients know the configuration it was told about, so it can reach the leader.
        RaftGroup clientGroup = !joining
                ? group
                : RaftGroup.valueOf(
                        gid,
                        current.isPresent()
                                ? current.get().peers()
                                : configured.stream()
                                        .filter(p -> !p.getId().toString().equals(settings.nodeId()))
                                        .toList());
        LOG.info(
                "raft node {} started ({}{}) in group {} with peers {}",
                settings.nodeId(),
                option,
                joining ? ", joining" : "",
                gid,
                ConfigurationDiscovery.describe(startPeers));
        return new RaftNode(settings, group, server, machine, events, clientProps, params, clientGroup, joining);
    }

    static RaftProperties serverProperties(RaftSettings s) {
        RaftProperties p = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(p, List.of(s.storageDir().toFile()));
        GrpcConfigKeys.Server.setHost(p, s.host());
        GrpcConfigKeys.Server.setPort(p, s.port());
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, millis(s.electionTimeoutMin()));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, millis(s.electionTimeoutMax()));
        RaftServerConfigKeys.Rpc.setRequestTimeout(p, millis(s.requestTimeout()));
        // A leader that stepped down for lost heartbeats (a CPU-starved moment) would sit out elections for Ratis'
        // default 10 s, which showed as 11 s takeovers; pre-vote already keeps a returning node from disrupting.
        RaftServerConfigKeys.LeaderElection.setPreVote(p, true);
        RaftServerConfigKeys.LeaderElection.setLeaderStepDownWaitTime(
                p, millis(s.electionTimeoutMax().multipliedBy(2)));
        // The state is read locally (state()); no linearizable reads are served, and the lease is off by choice.
        RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.DEFAULT);
        RaftServerConfigKeys.Read.setLeaderLeaseEnabled(p, false);
        // gRPC, with the follower records reported to this node's LeaderContacts (the lease of isLeaderIn).
        RaftConfigKeys.Rpc.setType(p, new LeaderContacts.Rpc());
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, s.snapshotThreshold());
        RaftServerConfigKeys.Snapshot.setCreationGap(p, 1);
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
        RaftServerConfigKeys.Log.setPurgeGap(p, (int) Math.min(1024, s.snapshotThreshold()));
        SizeInBytes segment = SizeInBytes.valueOf(s.logSegmentBytes());
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, segment);
        RaftServerConfigKeys.Log.setPreallocatedSize(p, SizeInBytes.valueOf(Math.min(s.logSegmentBytes(), 1 << 20)));
        return p;
    }

    private static RaftProperties clientProperties(RaftSettings s) {
        RaftProperties p = new RaftProperties();
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, millis(s.requestTimeout()));
        return p;
    }

    /** Ratis' client default retries forever; ours gives up after a bounded number of attempts. */
    private static RetryPolicy proposalRetries(RaftSettings s) {
        return RetryPolicies.retryUpToMaximumCountWithFixedSleep(s.clientRetries(), millis(s.electionTimeoutMin()));
    }

    static RaftClient newClient(
            RaftGroup group, RaftProperties props, Parameters params, RetryPolicy retry, RaftPeerId leader) {
        RaftClient.Builder b = RaftClient.newBuilder()
                .setRaftGroup(group)
                .setProperties(props)
                .setParameters(params)
                .setRetryPolicy(retry);
        if (leader != null) {
            b.setLeaderId(leader);
        }
        return b.build();
    }

    private static TimeDuration millis(Duration d) {
        return TimeDuration.valueOf(d.toMillis(), TimeUnit.MILLISECONDS);
    }

    public String id() {
        return settings.nodeId();
    }

    public RaftSettings settings() {
        return settings;
    }

    /** The longest a {@link #propose} can take before it fails: every try and the sleeps between them. */
    public Duration proposalBound() {
        return settings.requestTimeout()
                .multipliedBy(settings.clientRetries() + 1L)
                .plus(settings.electionTimeoutMin().multipliedBy(settings.clientRetries()));
    }

    @Override
    public CompletableFuture<CommitResult> propose(Command command) {
        Message m = Message.valueOf(ByteString.copyFrom(Codec.encodeCommand(command)));
        return proposingClient()
                .async()
                .send(m)
                .orTimeout(proposalBound().toMillis(), TimeUnit.MILLISECONDS)
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
        return hasMajorityContact(info) && info.isLeaderReady() && info.getCurrentTerm() == term
                ? OptionalLong.of(term)
                : OptionalLong.empty();
    }

    @Override
    public boolean isLeaderIn(long term) {
        OptionalLong t = leaderTerm();
        return t.isPresent() && t.getAsLong() == term;
    }

    /**
     * A majority (this node included) answered requests sent within the minimum election timeout (see
     * {@link LeaderContacts}: a late reply to an old request does not count as recent contact). Until then no other
     * node can have been elected, so acting is safe; a leader back from a long pause has stale contacts and stops.
     * During a membership change (joint configuration) a majority of the old and of the new voters is needed, as
     * for an election.
     */
    private boolean hasMajorityContact(DivisionInfo info) {
        Optional<RaftConfiguration> conf = conf();
        if (conf.isEmpty()) {
            return false;
        }
        Set<String> current = ids(conf.get().getCurrentPeers());
        Set<String> previous = ids(conf.get().getPreviousPeers());
        Map<String, Long> acked = contacts.ackedSendAgeMillis();
        long limit = settings.electionTimeoutMin().toMillis();
        return LeaderContacts.majorityContact(acked, limit, self.toString(), current)
                && (previous.isEmpty() || LeaderContacts.majorityContact(acked, limit, self.toString(), previous));
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
        Optional<RaftConfiguration> conf = conf();
        if (conf.isEmpty()) {
            // The division is starting or was closed (Ratis shuts down a removed node that keeps campaigning):
            // the last state seen stands.
            return lastLogged;
        }
        boolean in = ids(conf.get().getCurrentPeers()).contains(self.toString());
        if (in && !removedByLeader) {
            return SelfMembership.MEMBER;
        }
        return joining ? SelfMembership.JOINING : SelfMembership.REMOVED;
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
        RaftPeer p = RaftPeer.newBuilder().setId(m.id()).setAddress(m.address()).build();
        RaftProperties props = new RaftProperties();
        RaftClientConfigKeys.Rpc.setRequestTimeout(props, millis(timeout));
        try (RaftClient c = newClient(
                RaftGroup.valueOf(startGroup.getGroupId(), List.of(p)),
                props,
                parameters,
                RetryPolicies.noRetry(),
                p.getId())) {
            return c.getGroupManagementApi(p.getId())
                    .info(startGroup.getGroupId())
                    .isSuccess();
        } catch (IOException | RuntimeException e) {
            LOG.debug("{} does not answer: {}", m, e.toString());
            return false;
        }
    }

    /** How long one membership change may take (a new member catching up included). */
    public Duration membershipTimeout() {
        return reconfiguration.timeout();
    }

    private static Set<String> ids(Collection<RaftPeer> peers) {
        Set<String> out = new HashSet<>();
        for (RaftPeer p : peers) {
            out.add(p.getId().toString());
        }
        return out;
    }

    /**
     * Every second: rebuild the clients when the configuration changed; leave JOINING once a configuration
     * includes this node; and, while this node hears no leader, ask the others whether the current configuration
     * still includes it (a node removed while it was down or cut off never receives the configuration without
     * itself). Logs each change of {@link #membership()} once.
     */
    private void watchMembership() {
        try {
            Optional<RaftConfiguration> conf = conf();
            if (conf.isEmpty()) {
                return;
            }
            Set<String> current = ids(conf.get().getCurrentPeers());
            boolean in = current.contains(self.toString());
            if (in && joining) {
                joining = false;
            }
            refreshClients(conf.get());
            Optional<String> leader = leaderId();
            if (in && leader.isPresent() && current.contains(leader.get())) {
                removedByLeader = false;
            } else if (in) {
                List<RaftPeer> ask = new ArrayList<>(conf.get().getCurrentPeers());
                Optional<ConfigurationDiscovery.Discovered> d = ConfigurationDiscovery.discover(
                        self.toString(),
                        startGroup.getGroupId(),
                        ask,
                        clientProperties,
                        parameters,
                        settings.requestTimeout());
                d.filter(ConfigurationDiscovery.Discovered::conclusive)
                        .ifPresent(x -> removedByLeader =
                                x.peers().stream().noneMatch(p -> p.getId().equals(self)));
            }
            SelfMembership now = membership();
            if (now != lastLogged) {
                lastLogged = now;
                if (now == SelfMembership.MEMBER) {
                    LOG.info(
                            "node {} is a member of the configuration {}",
                            self,
                            ConfigurationDiscovery.describe(conf.get().getCurrentPeers()));
                } else {
                    LOG.warn(
                            "node {} is {} the Raft configuration {}",
                            self,
                            now == SelfMembership.JOINING ? "waiting to join" : "not in",
                            ConfigurationDiscovery.describe(conf.get().getCurrentPeers()));
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("membership watch: {}", e.toString());
        }
    }

    private void refreshClients(RaftConfiguration conf) {
        Map<String, RaftPeer> peers = new LinkedHashMap<>();
        for (RaftPeer p : conf.getCurrentPeers()) {
            peers.put(p.getId().toString(), p);
        }
        for (RaftPeer p : conf.getPreviousPeers()) {
            peers.putIfAbsent(p.getId().toString(), p);
        }
        if (peers.isEmpty()) {
            return;
        }
        Set<String> key = new TreeSet<>();
        peers.values().forEach(p -> key.add(p.getId() + "@" + p.getAddress()));
        Clients old = clients.get();
        if (old != null && old.key().equals(key)) {
            return;
        }
        Clients fresh = buildClients(RaftGroup.valueOf(startGroup.getGroupId(), peers.values()));
        if (clients.compareAndSet(old, fresh) && old != null) {
            // In-flight calls on the old clients get time to finish before they are closed.
            watch.schedule(() -> closeClients(old), membershipTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } else if (old != null) {
            closeClients(fresh);
        }
    }

    private Clients buildClients(RaftGroup group) {
        Set<String> key = new TreeSet<>();
        group.getPeers().forEach(p -> key.add(p.getId() + "@" + p.getAddress()));
        return new Clients(
                key,
                group,
                newClient(group, clientProperties, parameters, proposalRetries(settings), null),
                newClient(group, clientProperties, parameters, RetryPolicies.noRetry(), null),
                new ConcurrentHashMap<>());
    }

    private Clients clients() {
        return clients.get();
    }

    /** The client whose first try is the leader this node knows (the shared one while no leader is known). */
    private RaftClient proposingClient() {
        Clients c = clients();
        RaftPeerId leader = info().map(DivisionInfo::getLeaderId).orElse(null);
        if (leader == null || c.group().getPeer(leader) == null) {
            return c.propose();
        }
        return c.proposeVia()
                .computeIfAbsent(
                        leader,
                        id -> newClient(c.group(), clientProperties, parameters, proposalRetries(settings), id));
    }

    /** The peer the next proposal tries first (for tests). */
    String proposalTarget() {
        return String.valueOf(proposingClient().getLeaderId());
    }

    private static void closeClients(Clients c) {
        closeQuietly(c.propose());
        closeQuietly(c.direct());
        c.proposeVia().values().forEach(RaftNode::closeQuietly);
    }

    /** The configuration as this node's server holds it. */
    private Optional<RaftConfiguration> conf() {
        try {
            return Optional.of(server.getDivision(startGroup.getGroupId()).getRaftConf());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The current configuration (old and new members during a change) as a group, for one-off clients. */
    private RaftGroup currentGroup() {
        return clients().group();
    }

    // ---------------------------------------------------------------- snapshots, transfer, close

    /** Takes a snapshot on this node now (besides the automatic ones); returns its log index. */
    public long snapshotNow(Duration timeout) throws IOException {
        try (RaftClient c =
                newClient(withSelf(currentGroup()), clientProperties, parameters, RetryPolicies.noRetry(), self)) {
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
        Optional<DivisionInfo> info = info();
        if (info.isEmpty() || !info.get().isLeader()) {
            return false;
        }
        Optional<RaftPeerId> target = mostUpToDateFollower();
        if (target.isEmpty()) {
            LOG.info("leadership transfer from {}: no follower known", self);
            return false;
        }
        try (RaftClient c =
                newClient(withSelf(currentGroup()), clientProperties, parameters, RetryPolicies.noRetry(), self)) {
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
        Set<String> voters = conf().map(c -> ids(c.getCurrentPeers())).orElse(Set.of());
        try {
            return server.getDivision(startGroup.getGroupId()).getCommitInfos().stream()
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

    private Optional<DivisionInfo> info() {
        try {
            return Optional.of(server.getDivision(startGroup.getGroupId()).getInfo());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    Map<String, String> peers() {
        return settings.peers();
    }

    /** Closes clients and the server; leader work is told to stop first (notLeader). Idempotent. */
    @Override
    public void close() {
        watch.shutdownNow();
        Clients c = clients.get();
        if (c != null) {
            closeClients(c);
        }
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

    private static void closeQuietly(RaftClient c) {
        try {
            c.close();
        } catch (IOException e) {
            LOG.debug("closing raft client: {}", e.toString());
        }
    }
}
