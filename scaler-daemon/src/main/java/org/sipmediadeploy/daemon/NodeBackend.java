package org.sipmediadeploy.daemon;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.sipmediadeploy.core.command.Command;
import org.sipmediadeploy.core.config.PairConfig;
import org.sipmediadeploy.core.decision.Decision;
import org.sipmediadeploy.core.decision.DecisionRecord;
import org.sipmediadeploy.core.model.FloatingIpSource;
import org.sipmediadeploy.core.model.Host;
import org.sipmediadeploy.core.model.HostState;
import org.sipmediadeploy.core.model.Member;
import org.sipmediadeploy.core.model.PairState;
import org.sipmediadeploy.core.model.PoolMode;
import org.sipmediadeploy.core.model.PoolState;
import org.sipmediadeploy.core.policy.TargetHealth;
import org.sipmediadeploy.core.port.CloudException;
import org.sipmediadeploy.core.port.Consensus;
import org.sipmediadeploy.core.state.ClusterState;
import org.sipmediadeploy.daemon.admin.ActionResult;
import org.sipmediadeploy.daemon.admin.AdminBackend;
import org.sipmediadeploy.daemon.admin.StatusView;
import org.sipmediadeploy.daemon.config.ScalerConfig;
import org.sipmediadeploy.raft.MemberView;
import org.sipmediadeploy.raft.MembershipChange;
import org.sipmediadeploy.raft.RaftMember;
import org.sipmediadeploy.raft.RaftNode;
import org.sipmediadeploy.raft.SelfMembership;

/**
 * The admin API's view of this node. Reads come from this node's applied state and its own probes; operator
 * actions are committed through the Raft leader (from any node) and carried out by the leader's loop.
 */
final class NodeBackend implements AdminBackend {
    private final ScalerConfig cfg;
    private final RaftNode raft;
    private final Daemon daemon;
    private final Clock clock;
    private final Supplier<String> prometheus;
    private final AtomicLong seq = new AtomicLong();

    NodeBackend(ScalerConfig cfg, Daemon daemon, Clock clock, Supplier<String> prometheus) {
        this.cfg = cfg;
        this.daemon = daemon;
        this.raft = daemon.raft();
        this.clock = clock;
        this.prometheus = prometheus;
    }

    @Override
    public StatusView status() {
        ClusterState s = raft.state();
        Optional<String> leader = raft.leaderId();
        StatusView.Role role = raft.leaderTerm().isPresent()
                ? StatusView.Role.LEADER
                : leader.isPresent() ? StatusView.Role.FOLLOWER : StatusView.Role.CANDIDATE;
        StatusView.NodeInfo node = new StatusView.NodeInfo(
                cfg.node().id(),
                role,
                raft.currentTerm(),
                raft.lastAppliedIndex(),
                raft.lastAppliedIndex(),
                leader.orElse(null),
                membership(raft.membership()),
                raft.configurationIndex(),
                BuildInfo.version());
        // The peers are the Raft configuration (which membership changes move away from the config file's list).
        List<StatusView.PeerInfo> peers = new ArrayList<>();
        java.time.Instant now = clock.instant();
        for (MemberView m : raft.members()) {
            Long ago = m.lastContactMillis();
            peers.add(new StatusView.PeerInfo(
                    m.id(),
                    m.address(),
                    m.role() == MemberView.Role.LEADER,
                    ago == null ? null : now.minusMillis(ago),
                    m.self()));
        }
        Map<String, TargetHealth> health = daemon.loop().health();
        List<StatusView.PairInfo> pairs = new ArrayList<>();
        for (PairState p : s.pairs().values()) {
            PairConfig pc = cfg.pairs().get(p.name());
            pairs.add(StatusView.pair(
                    p,
                    serverId -> p.member(serverId)
                            .map(m -> {
                                String key = pc == null
                                        ? m.address()
                                        : pc.probe().target(m.address()).key();
                                return List.of(StatusView.probe(key, health.get(key)));
                            })
                            .orElse(List.of())));
        }
        List<StatusView.PoolInfo> pools = new ArrayList<>();
        for (PoolState p : s.pools().values()) {
            var pc = cfg.pools().get(p.name());
            pools.add(StatusView.pool(
                    p,
                    hostName -> p.host(hostName)
                            .filter(h -> h.address() != null && pc != null)
                            .map(h -> health.get("http://" + h.address() + ":"
                                    + pc.status().port() + pc.status().path()))
                            .filter(t -> t != null && t.isUp() && t.last().capacity() != null)
                            .map(t -> t.last().capacity().idleGateways())
                            .orElse(null)));
        }
        // The leader shows its live alarms; any other node the set the leader replicated through the log.
        List<StatusView.AlarmInfo> alarms = daemon.raft().leaderTerm().isPresent()
                ? daemon.loop().alarms().values().stream()
                        .map(StatusView::alarm)
                        .toList()
                : s.alarms().entrySet().stream()
                        .map(e -> new StatusView.AlarmInfo(e.getKey(), e.getValue()))
                        .toList();
        StatusView.SelfHealingInfo healing = StatusView.selfHealing(
                cfg.selfHealing().settings().enabled(),
                daemon.loop().notes().get(org.sipmediadeploy.core.decision.Decision.ReplaceScaler.SCOPE),
                s.scalers());
        return new StatusView(node, peers, pairs, pools, alarms, healing);
    }

    @Override
    public List<DecisionRecord> history(int limit) {
        ClusterState s = raft.state();
        List<DecisionRecord> all = new ArrayList<>(s.history());
        all.addAll(s.open().values());
        return all;
    }

    @Override
    public ActionResult failover(String pairName, Optional<String> toMember) {
        Optional<PairState> maybe = raft.state().pair(pairName);
        if (maybe.isEmpty()) {
            return new ActionResult.NotFound("unknown pair '" + pairName + "' (pairs: "
                    + raft.state().pairs().keySet() + ")");
        }
        PairState pair = maybe.get();
        Member target;
        if (toMember.isPresent()) {
            String want = toMember.get();
            Optional<Member> m = pair.members().stream()
                    .filter(x -> x.name().equals(want) || x.serverId().equals(want))
                    .findFirst();
            if (m.isEmpty()) {
                return new ActionResult.NotFound("pair " + pairName + " has no member '" + want + "'");
            }
            target = m.get();
        } else {
            target = pair.standby();
        }
        if (target.serverId().equals(pair.activeServerId())) {
            return new ActionResult.Refused(target.name() + " is already the active member of " + pairName);
        }
        PairConfig pc = cfg.pairs().get(pairName);
        TargetHealth h = pc == null
                ? null
                : daemon.loop().health().get(pc.probe().target(target.address()).key());
        if (h == null || !h.isUp()) {
            return new ActionResult.Refused("target " + target.name() + " is not passing its probe ("
                    + (h == null ? "never probed" : h.lastReason()) + ")");
        }
        // Conditioned like the loop's own moves: on where the floating IP is as the operator asks.
        Optional<FloatingIpSource> source;
        try {
            source = daemon.loop().floatingIpSourceNow(pairName);
        } catch (CloudException e) {
            return new ActionResult.Unavailable(
                    "cannot read the floating IP of " + pairName + ": " + e.kind() + ": " + e.getMessage());
        }
        if (source.isEmpty()) {
            return new ActionResult.Refused(
                    "the floating IP " + pair.floatingIpAddress() + " of " + pairName + " is not found in the cloud");
        }
        Decision d = new Decision.Failover(
                operatorId(),
                pairName,
                pair.activeServerId(),
                target.serverId(),
                "operator: failover to " + target.name(),
                source.get());
        return commit(d);
    }

    @Override
    public ActionResult pausePool(String pool) {
        return poolMode(pool, PoolMode.PAUSED);
    }

    @Override
    public ActionResult resumePool(String pool) {
        return poolMode(pool, PoolMode.AUTO);
    }

    private ActionResult poolMode(String pool, PoolMode mode) {
        if (raft.state().pool(pool).isEmpty()) {
            return new ActionResult.NotFound("unknown pool '" + pool + "' (pools: "
                    + raft.state().pools().keySet() + ")");
        }
        return submit(
                new Command.SetPoolMode(pool, mode, "operator", raft.currentTerm(), clock.instant()),
                "pool " + pool + " " + mode,
                null);
    }

    @Override
    public ActionResult drainHost(String hostId) {
        for (PoolState p : raft.state().pools().values()) {
            for (Host h : p.hostList()) {
                if (h.name().equals(hostId) || hostId.equals(h.serverId())) {
                    if (h.state() != HostState.READY) {
                        return new ActionResult.Refused(
                                "host " + h.name() + " is " + h.state() + ": only a READY host can be drained");
                    }
                    return commit(new Decision.DrainHost(operatorId(), p.name(), h.name(), "operator: drain"));
                }
            }
        }
        return new ActionResult.NotFound("unknown host '" + hostId + "'");
    }

    static StatusView.Membership membership(SelfMembership m) {
        if (m == SelfMembership.MEMBER) {
            return StatusView.Membership.MEMBER;
        }
        if (m == SelfMembership.JOINING) {
            return StatusView.Membership.JOINING;
        }
        if (m == SelfMembership.REMOVED) {
            return StatusView.Membership.REMOVED;
        }
        throw new AssertionError(m);
    }

    @Override
    public ActionResult addMember(String id, String address) {
        RaftMember m;
        try {
            m = new RaftMember(id, address);
        } catch (IllegalArgumentException e) {
            return new ActionResult.Refused(e.getMessage());
        }
        return membershipResult(raft.addMember(m), "add " + m);
    }

    @Override
    public ActionResult removeMember(String id) {
        return membershipResult(raft.removeMember(id), "remove " + id);
    }

    @Override
    public ActionResult replaceMember(String oldId, String newId, String address) {
        RaftMember m;
        try {
            m = new RaftMember(newId, address);
        } catch (IllegalArgumentException e) {
            return new ActionResult.Refused(e.getMessage());
        }
        return membershipResult(raft.replaceMember(oldId, m), "replace " + oldId + " by " + m);
    }

    /** Waits for the change (bounded by the membership timeout) and maps its outcome to the admin API's. */
    private ActionResult membershipResult(java.util.concurrent.CompletableFuture<MembershipChange> f, String what) {
        MembershipChange c;
        try {
            c = f.get(raft.membershipTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ActionResult.Unavailable("interrupted");
        } catch (ExecutionException | TimeoutException e) {
            return new ActionResult.Unavailable(what + " did not complete in time");
        }
        MembershipChange.Outcome o = c.outcome();
        if (o == MembershipChange.Outcome.DONE) {
            return new ActionResult.Accepted(null, what + ": " + c.detail());
        }
        if (o == MembershipChange.Outcome.REFUSED) {
            return new ActionResult.Refused(what + " refused: " + c.detail());
        }
        if (o == MembershipChange.Outcome.UNKNOWN_NODE) {
            return new ActionResult.NotFound(c.detail());
        }
        if (o == MembershipChange.Outcome.UNAVAILABLE) {
            return new ActionResult.Unavailable(what + ": " + c.detail());
        }
        throw new AssertionError(o);
    }

    private ActionResult commit(Decision d) {
        return submit(new Command.Propose(d, raft.currentTerm(), clock.instant()), d.reason(), d.id());
    }

    private ActionResult submit(Command c, String what, String decisionId) {
        if (raft.leaderId().isEmpty()) {
            return new ActionResult.Unavailable("no leader: the cluster has no majority right now");
        }
        try {
            // Waits as long as the proposal itself may take: an earlier "unavailable" could be followed by a commit.
            Consensus.CommitResult r =
                    raft.propose(c).get(raft.proposalBound().toMillis() + 1_000, TimeUnit.MILLISECONDS);
            if (!r.accepted()) {
                return new ActionResult.Refused(r.refusal());
            }
            return new ActionResult.Accepted(decisionId, what + " committed at index " + r.index());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ActionResult.Unavailable("interrupted");
        } catch (TimeoutException e) {
            return new ActionResult.Unavailable(
                    "not committed within " + raft.proposalBound().toSeconds()
                            + " s; it may still commit: check the decisions before trying again");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return new ActionResult.Unavailable("could not commit through the leader: "
                    + cause.getClass().getSimpleName() + "; it may still commit: check the decisions before trying"
                    + " again");
        }
    }

    private String operatorId() {
        return "op" + raft.currentTerm() + "-" + cfg.node().id() + "-" + clock.millis() + "-" + seq.incrementAndGet();
    }

    @Override
    public boolean live() {
        return true;
    }

    @Override
    public boolean ready() {
        // A node outside the configuration cannot serve: it does not act and its state may be stale.
        return raft.leaderId().isPresent() && raft.membership() == SelfMembership.MEMBER;
    }

    @Override
    public String prometheus() {
        return prometheus.get();
    }
}
