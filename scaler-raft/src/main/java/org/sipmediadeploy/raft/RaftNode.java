package org.sipmediadeploy.raft;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
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

    private final RaftSettings settings;
    private final RaftGroup group;
    private final RaftPeerId self;
    private final RaftServer server;
    private final ScalerStateMachine machine;
    private final RaftClient client;
    private final RaftClient directClient;
    private final ExecutorService events;
    private final ExecutorService probeCalls;
    private final RaftProperties clientProperties;
    private final Parameters parameters;

    private RaftNode(RaftSettings settings, RaftGroup group, RaftServer server, ScalerStateMachine machine,
                     RaftClient client, RaftClient directClient, ExecutorService events,
                     RaftProperties clientProperties, Parameters parameters) {
        this.settings = settings;
        this.group = group;
        this.self = RaftPeerId.valueOf(settings.nodeId());
        this.server = server;
        this.machine = machine;
        this.client = client;
        this.directClient = directClient;
        this.events = events;
        this.probeCalls = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "raft-peer-probe-" + settings.nodeId());
            t.setDaemon(true);
            return t;
        });
        this.clientProperties = clientProperties;
        this.parameters = parameters;
    }

    /** The group id every node derives from the cluster name: same name, same group, no coordination needed. */
    public static RaftGroupId groupId(String clusterName) {
        return RaftGroupId.valueOf(UUID.nameUUIDFromBytes(
                ("sipmediadeploy-scaler:" + clusterName).getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Starts this node: RECOVER from its storage directory, or FORMAT it when it holds no log of this group yet.
     * Returns once the server is listening; a leader is elected asynchronously.
     */
    public static RaftNode start(RaftSettings settings, ProbeView probes, LeadershipListener listener)
            throws IOException {
        Objects.requireNonNull(settings, "settings");
        RaftGroupId gid = groupId(settings.clusterName());
        List<RaftPeer> peers = new ArrayList<>();
        settings.peers().forEach((id, address) ->
                peers.add(RaftPeer.newBuilder().setId(id).setAddress(address).build()));
        RaftGroup group = RaftGroup.valueOf(gid, peers);

        RaftProperties props = serverProperties(settings);
        Parameters params = new Parameters();
        if (settings.tls() != null) {
            GrpcTlsConfig tls = new GrpcTlsConfig(settings.tls().privateKey().toFile(),
                    settings.tls().certChain().toFile(), settings.tls().trustedCas().toFile(), true);
            // One TLS context for everything: peer RPC, client RPC and admin RPC share the server port.
            GrpcConfigKeys.Server.setTlsConf(params, tls);
            GrpcConfigKeys.Client.setTlsConf(params, tls);
            GrpcConfigKeys.Admin.setTlsConf(params, tls);
            GrpcConfigKeys.TLS.setConf(params, tls);
        }

        Files.createDirectories(settings.storageDir());
        boolean fresh = !Files.isDirectory(settings.storageDir().resolve(gid.getUuid().toString()));
        RaftStorage.StartupOption option = fresh ? RaftStorage.StartupOption.FORMAT : RaftStorage.StartupOption.RECOVER;

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
        RaftProperties clientProps = clientProperties(settings);
        RaftClient client = newClient(group, clientProps, params, proposalRetries(settings), null);
        RaftClient direct = newClient(group, clientProps, params, RetryPolicies.noRetry(), null);
        LOG.info("raft node {} started ({}) in group {} with peers {}", settings.nodeId(), option, gid,
                settings.peers());
        return new RaftNode(settings, group, server, machine, client, direct, events, clientProps, params);
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
        RaftServerConfigKeys.LeaderElection.setLeaderStepDownWaitTime(p,
                millis(s.electionTimeoutMax().multipliedBy(2)));
        // The state is read locally (state()); no linearizable reads are served, and the lease is off by choice.
        RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.DEFAULT);
        RaftServerConfigKeys.Read.setLeaderLeaseEnabled(p, false);
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
        return RetryPolicies.retryUpToMaximumCountWithFixedSleep(s.clientRetries(),
                millis(s.electionTimeoutMin()));
    }

    private static RaftClient newClient(RaftGroup group, RaftProperties props, Parameters params, RetryPolicy retry,
                                        RaftPeerId leader) {
        RaftClient.Builder b = RaftClient.newBuilder().setRaftGroup(group).setProperties(props)
                .setParameters(params).setRetryPolicy(retry);
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

    @Override
    public CompletableFuture<CommitResult> propose(Command command) {
        Message m = Message.valueOf(ByteString.copyFrom(Codec.encodeCommand(command)));
        long bound = settings.requestTimeout().toMillis() * (settings.clientRetries() + 1L)
                + settings.electionTimeoutMin().toMillis() * settings.clientRetries();
        return client.async().send(m)
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
                    Codec.CommitReply r = Codec.decodeReply(reply.getMessage().getContent().toByteArray());
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
                ? OptionalLong.of(term) : OptionalLong.empty();
    }

    @Override
    public boolean isLeaderIn(long term) {
        OptionalLong t = leaderTerm();
        return t.isPresent() && t.getAsLong() == term;
    }

    /**
     * A majority (this node included) answered within the minimum election timeout. Until then no other node
     * can have been elected, so acting is safe; a leader back from a long pause has stale contacts and stops.
     */
    private boolean hasMajorityContact(DivisionInfo info) {
        return majorityContact(info.getRoleInfoProto(), settings.electionTimeoutMin().toMillis(),
                group.getPeers().size());
    }

    /** Whether the leader's own view ({@code role}) shows a majority heard from within {@code limitMs}. */
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

    static boolean majorityContact(RoleInfoProto role, long limitMs, int clusterSize) {
        if (!role.hasLeaderInfo()) {
            return false;
        }
        long fresh = 1; // this node
        for (ServerRpcProto f : role.getLeaderInfo().getFollowerInfoList()) {
            if (f.getLastRpcElapsedTimeMs() < limitMs) {
                fresh++;
            }
        }
        return fresh * 2 > clusterSize;
    }

    /** The "do you see X?" port, answered by every other node from its {@link ProbeView}. */
    public PeerProbes peerProbes() {
        return new RaftPeerProbes(directClient, others(), probeCalls);
    }

    List<RaftPeerId> others() {
        List<RaftPeerId> out = new ArrayList<>();
        for (RaftPeer p : group.getPeers()) {
            if (!p.getId().equals(self)) {
                out.add(p.getId());
            }
        }
        return out;
    }

    /** Takes a snapshot on this node now (besides the automatic ones); returns its log index. */
    public long snapshotNow(Duration timeout) throws IOException {
        try (RaftClient c = newClient(group, clientProperties, parameters, RetryPolicies.noRetry(), self)) {
            RaftClientReply reply = c.getSnapshotManagementApi(self).create(timeout.toMillis());
            if (!reply.isSuccess()) {
                throw new IOException("snapshot failed on " + self, reply.getException());
            }
            return reply.getLogIndex();
        }
    }

    /** Index of the first entry still in this node's log (grows when the log is purged after snapshots). */
    public long firstLogIndex() {
        try {
            return server.getDivision(group.getGroupId()).getRaftLog().getStartIndex();
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
        try (RaftClient c = newClient(group, clientProperties, parameters, RetryPolicies.noRetry(), self)) {
            RaftClientReply reply = c.admin().transferLeadership(target.get(), timeout.toMillis());
            LOG.info("leadership transfer from {} to {}: {}", self, target.get(),
                    reply.isSuccess() ? "done" : reply.getException());
            return reply.isSuccess();
        } catch (IOException e) {
            LOG.warn("leadership transfer from {} to {} failed: {}", self, target.get(), e.toString());
            return false;
        }
    }

    private Optional<RaftPeerId> mostUpToDateFollower() {
        try {
            return server.getDivision(group.getGroupId()).getCommitInfos().stream()
                    .filter(ci -> !RaftPeerId.valueOf(ci.getServer().getId()).equals(self))
                    .max(Comparator.comparingLong(CommitInfoProto::getCommitIndex))
                    .map(ci -> RaftPeerId.valueOf(ci.getServer().getId()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private Optional<DivisionInfo> info() {
        try {
            return Optional.of(server.getDivision(group.getGroupId()).getInfo());
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
        closeQuietly(client);
        closeQuietly(directClient);
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
