package org.sipmediadeploy.core.loop;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.sipmediadeploy.core.command.Command;
import org.sipmediadeploy.core.config.FailoverSettings;
import org.sipmediadeploy.core.config.PairConfig;
import org.sipmediadeploy.core.config.PoolConfig;
import org.sipmediadeploy.core.config.SelfHealingConfig;
import org.sipmediadeploy.core.decision.Decision;
import org.sipmediadeploy.core.decision.DecisionId;
import org.sipmediadeploy.core.decision.DecisionRecord;
import org.sipmediadeploy.core.decision.Outcome;
import org.sipmediadeploy.core.model.FloatingIp;
import org.sipmediadeploy.core.model.FloatingIpSource;
import org.sipmediadeploy.core.model.Host;
import org.sipmediadeploy.core.model.Member;
import org.sipmediadeploy.core.model.PairMode;
import org.sipmediadeploy.core.model.PairState;
import org.sipmediadeploy.core.model.PoolMode;
import org.sipmediadeploy.core.model.PoolState;
import org.sipmediadeploy.core.model.Port;
import org.sipmediadeploy.core.model.ProbeResult;
import org.sipmediadeploy.core.model.ProbeStatus;
import org.sipmediadeploy.core.model.ProbeTarget;
import org.sipmediadeploy.core.model.ScalerMember;
import org.sipmediadeploy.core.model.Server;
import org.sipmediadeploy.core.model.ServerStatus;
import org.sipmediadeploy.core.policy.Alarm;
import org.sipmediadeploy.core.policy.Confirmation;
import org.sipmediadeploy.core.policy.DecisionIds;
import org.sipmediadeploy.core.policy.FailoverPolicy;
import org.sipmediadeploy.core.policy.HostObservation;
import org.sipmediadeploy.core.policy.PairObservation;
import org.sipmediadeploy.core.policy.PairVerdict;
import org.sipmediadeploy.core.policy.PoolObservation;
import org.sipmediadeploy.core.policy.ScalingMemory;
import org.sipmediadeploy.core.policy.ScalingPolicy;
import org.sipmediadeploy.core.policy.ScalingVerdict;
import org.sipmediadeploy.core.policy.SelfHealingPolicy;
import org.sipmediadeploy.core.policy.TargetHealth;
import org.sipmediadeploy.core.port.Cloud;
import org.sipmediadeploy.core.port.CloudException;
import org.sipmediadeploy.core.port.Consensus;
import org.sipmediadeploy.core.port.Membership;
import org.sipmediadeploy.core.port.NodeProvisioning;
import org.sipmediadeploy.core.port.PeerProbes;
import org.sipmediadeploy.core.port.ScalerEvents;
import org.sipmediadeploy.core.state.ClusterState;

/**
 * The leader's level-triggered control loop: each {@link #tick} observes, decides with the pure policies, commits
 * each decision to the replicated log, carries it out only while still leader of its term, and commits the
 * outcome. Decisions left open by an earlier leader are advanced the same way (every step is idempotent). Probe
 * results arrive through {@link #probed} from the node's probe scheduler. {@code now} is always passed in.
 *
 * <p>Two lanes, each ticked by one thread: {@link #tickPairs} (probe verdicts, failover decisions, floating-IP
 * moves) and {@link #tickRest} (bootstrap, cloud inventory, pools, host creation, replacements, orphans), so a slow
 * Nova listing or a host being created never delays a failover. {@link #tick} runs both in turn (one thread, as in
 * the tests). {@link #probed} may be called from any thread.
 */
public final class ControlLoop {
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(5);

    private final LoopSpec spec;
    private final Consensus consensus;
    private final Cloud cloud;
    private final PeerProbes peers;
    private final ScalerEvents events;
    private final DecisionExecutor executor;
    private final OrphanCollector orphans;
    /** Status targets of unknown gateway servers to probe until they can be adopted (set by the sweep). */
    private final Set<ProbeTarget> adoptable = ConcurrentHashMap.newKeySet();

    private final Map<String, TargetHealth> health = new ConcurrentHashMap<>();
    private final Map<String, ScalingMemory> scaling = new HashMap<>();
    private final Map<String, Instant> lastScaling = new HashMap<>();
    private final Map<String, Alarm> alarms = new ConcurrentHashMap<>();
    private static final Duration ALARM_REFRESH = Duration.ofSeconds(5);
    private Instant alarmsSyncedAt;
    private final Map<String, String> notes = new ConcurrentHashMap<>();
    private final Map<String, FloatingIp> floatingIps = new ConcurrentHashMap<>();
    private final Map<String, Server> inventory = new HashMap<>();
    private Instant lastInventory;
    private boolean inventorySeen;
    private boolean inventoryFresh;
    private volatile long term = -1;
    private final AtomicLong seq = new AtomicLong();
    /** Set when a new term starts; the rest lane then forgets what it kept of the previous term. */
    private volatile boolean restStale;

    private Duration inventoryPeriod = Duration.ofSeconds(5);
    private SelfHealingConfig selfHealing = SelfHealingConfig.DISABLED;
    private Membership membership;

    public ControlLoop(LoopSpec spec, Consensus consensus, Cloud cloud, PeerProbes peers, ScalerEvents events) {
        this.spec = spec;
        this.consensus = consensus;
        this.cloud = cloud;
        this.peers = peers;
        this.events = events;
        this.executor = new DecisionExecutor(
                spec, cloud, consensus::isLeaderIn, t -> health.getOrDefault(t.key(), TargetHealth.NEVER_PROBED));
        this.orphans = new OrphanCollector(spec);
    }

    /** How often the cloud inventory and floating IPs are re-read (failovers never wait for it). */
    public ControlLoop withInventoryPeriod(Duration period) {
        this.inventoryPeriod = period;
        return this;
    }

    /**
     * Enables self-healing of the scaler cluster: the leader replaces a member unreachable for {@code replace-after}
     * (see {@link SelfHealingPolicy}) through {@code membership} and the cloud, with user data from
     * {@code provisioning}.
     */
    public ControlLoop withSelfHealing(SelfHealingConfig cfg, Membership m, NodeProvisioning provisioning) {
        this.selfHealing = cfg;
        this.membership = m;
        executor.selfHealing(new ScalerReplacer(spec, cloud, consensus::isLeaderIn, cfg, m, provisioning));
        return this;
    }

    /** A probe finished (any thread). */
    public void probed(ProbeTarget target, ProbeResult result) {
        health.merge(target.key(), TargetHealth.NEVER_PROBED.next(result), (old, x) -> old.next(result));
        events.probed(target, result);
    }

    /** This node's own running verdict on a target, what it answers when a peer asks "do you see X?". */
    public ProbeStatus localView(String targetKey) {
        TargetHealth h = health.get(targetKey);
        if (h == null || h.last() == null) {
            return ProbeStatus.UNKNOWN;
        }
        return h.last().status();
    }

    /**
     * What this node answers a peer's "do you see X?": {@link TargetHealth#peerVerdict} with the detector of the pair
     * that probes X (three consecutive failures for other targets).
     */
    public ProbeStatus peerAnswer(String targetKey) {
        TargetHealth h = health.get(targetKey);
        if (h == null) {
            return ProbeStatus.UNKNOWN;
        }
        FailoverSettings settings = FailoverSettings.defaults();
        var state = consensus.state();
        for (PairConfig cfg : spec.pairs().values()) {
            Optional<PairState> p = state.pair(cfg.name());
            if (p.isPresent()
                    && p.get().members().stream()
                            .anyMatch(m -> cfg.probe().target(m.address()).key().equals(targetKey))) {
                settings = cfg.failover();
            }
        }
        return h.peerVerdict(settings);
    }

    /**
     * Where the pair's floating IP is now, read from the cloud (for an operator's move, which commits it as its
     * source like the loop's own moves); empty when the pair is unknown or the floating IP is not found.
     */
    public Optional<FloatingIpSource> floatingIpSourceNow(String pairName) {
        PairConfig cfg = spec.pairs().get(pairName);
        return cfg == null
                ? Optional.empty()
                : cloud.floatingIpByAddress(cfg.floatingIp()).map(FloatingIpSource::of);
    }

    public Map<String, TargetHealth> health() {
        return Map.copyOf(health);
    }

    public Map<String, Alarm> alarms() {
        return Map.copyOf(alarms);
    }

    public Map<String, String> notes() {
        return Map.copyOf(notes);
    }

    /**
     * The targets this node should probe now (members of every pair, every pool host with an address, and unknown
     * gateway servers waiting to be adopted).
     */
    public Map<ProbeTarget, Duration> targets() {
        Map<ProbeTarget, Duration> out = new LinkedHashMap<>();
        var state = consensus.state();
        for (PairConfig cfg : spec.pairs().values()) {
            state.pair(cfg.name())
                    .ifPresent(p -> p.members()
                            .forEach(m -> out.put(
                                    cfg.probe().target(m.address()), cfg.probe().interval())));
        }
        for (PoolConfig cfg : spec.pools().values()) {
            state.pool(cfg.name())
                    .ifPresent(p -> p.hostList().forEach(h -> {
                        if (h.address() != null && !h.address().isEmpty()) {
                            out.put(statusTarget(cfg, h), cfg.status().interval());
                        }
                    }));
        }
        for (ProbeTarget t : adoptable) {
            spec.pools().values().stream()
                    .filter(c -> t instanceof ProbeTarget.GatewayStatus g
                            && g.port() == c.status().port()
                            && g.path().equals(c.status().path()))
                    .findFirst()
                    .ifPresent(c -> out.putIfAbsent(t, c.status().interval()));
        }
        executor.warmingTargets().forEach(out::putIfAbsent);
        return out;
    }

    /**
     * One pass of both lanes, the rest lane first; does nothing unless this node is the ready leader (but forgets
     * the health of dropped targets).
     */
    public void tick(Instant now) {
        tickRest(now);
        tickPairs(now);
    }

    /**
     * The pair lane: carries out open floating-IP moves, then probes' verdicts become failover decisions, carried
     * out in the same pass. Reads only the floating IP from the cloud, never the server inventory.
     */
    public void tickPairs(Instant now) {
        long t = enterTerm();
        if (t < 0) {
            return;
        }
        DecisionIds ids = ids(t);
        try {
            advanceOpen(now, true);
            for (PairConfig cfg : spec.pairs().values()) {
                pairPass(cfg, now, ids);
            }
        } catch (CloudException e) {
            notes.put("cloud", e.kind() + ": " + e.getMessage());
        } catch (NotCommitted e) {
            notes.put("log", e.getMessage());
        }
    }

    /** The rest lane: bootstrap, the other open decisions, scaler self-healing, inventory, pools, orphans, alarms. */
    public void tickRest(Instant now) {
        forgetDroppedTargets();
        long t = enterTerm();
        if (t < 0) {
            return;
        }
        if (restStale) {
            restStale = false;
            lastInventory = null;
            scaling.clear();
            lastScaling.clear();
        }
        DecisionIds ids = ids(t);
        try {
            bootstrap(now);
            advanceOpen(now, false);
            scalerPass(now, ids);
            refreshInventory(now);
            for (PoolConfig cfg : spec.pools().values()) {
                poolPass(cfg, now, ids);
            }
            orphans(now, ids);
        } catch (CloudException e) {
            notes.put("cloud", e.kind() + ": " + e.getMessage());
        } catch (NotCommitted e) {
            notes.put("log", e.getMessage());
        }
        try {
            replicateAlarms(now);
        } catch (NotCommitted e) {
            notes.put("log", e.getMessage());
        }
    }

    /**
     * Health is kept only for what is probed now: a deleted host or replaced member must not leave a "failing
     * since" behind for a later server that gets the same address.
     */
    private void forgetDroppedTargets() {
        Set<String> probed = new HashSet<>();
        targets().keySet().forEach(t -> probed.add(t.key()));
        health.keySet().retainAll(probed);
    }

    /** The term this node leads and is ready in, or -1; a new term is entered once, by whichever lane sees it. */
    private synchronized long enterTerm() {
        OptionalLong t = consensus.leaderTerm();
        if (t.isEmpty()) {
            term = -1;
            return -1;
        }
        if (t.getAsLong() != term) {
            term = t.getAsLong();
            // Leadership can blink within one term (not ready for a moment): continue after the highest id this
            // node already used in the term, or new decisions would reuse committed ids and be refused.
            seq.set(highestSeq(consensus.state(), term, spec.nodeId()));
            restStale = true;
            events.leaderChanged(spec.nodeId(), term);
        }
        return term;
    }

    private DecisionIds ids(long t) {
        return () -> new DecisionId(t, seq.incrementAndGet(), spec.nodeId()).format();
    }

    /** The highest {@code seq} of this node's decision ids of {@code term} in the state, or 0. */
    static long highestSeq(ClusterState state, long term, String node) {
        List<DecisionRecord> all = new ArrayList<>(state.history());
        all.addAll(state.open().values());
        return all.stream()
                .map(r -> DecisionId.parse(r.id()))
                .flatMap(Optional::stream)
                .filter(id -> id.term() == term && id.node().equals(node))
                .mapToLong(DecisionId::seq)
                .max()
                .orElse(0);
    }

    /**
     * Commits the standing alarms when they differ from the replicated set, so any node's status shows them: at
     * once when an alarm is raised or cleared, at most every {@link #ALARM_REFRESH} when only a message changed
     * (messages carry counts that move every pass; the log should not).
     */
    private void replicateAlarms(Instant now) {
        Map<String, String> live = new TreeMap<>();
        alarms.values().forEach(a -> live.put(a.scope(), a.message()));
        Map<String, String> replicated = consensus.state().alarms();
        if (live.equals(replicated)) {
            return;
        }
        boolean scopesChanged = !live.keySet().equals(replicated.keySet());
        if (!scopesChanged
                && alarmsSyncedAt != null
                && Duration.between(alarmsSyncedAt, now).compareTo(ALARM_REFRESH) < 0) {
            return;
        }
        alarmsSyncedAt = now;
        commit(new Command.SetAlarms(live, term, now));
    }

    private void bootstrap(Instant now) {
        var state = consensus.state();
        for (PairConfig cfg : spec.pairs().values()) {
            if (state.pair(cfg.name()).isPresent()) {
                continue;
            }
            List<Member> members = new ArrayList<>();
            for (String name : cfg.members()) {
                Optional<Server> s = cloud.listServers(spec.tag(), name).stream()
                        .filter(x -> x.name().equals(name))
                        .findFirst();
                if (s.isEmpty()) {
                    s = findUntagged(name);
                }
                if (s.isEmpty()) {
                    raise(new Alarm(cfg.name(), "member server " + name + " not found in the cloud"));
                    return;
                }
                String network =
                        cfg.replacement() == null ? null : cfg.replacement().network();
                Optional<Port> port = cloud.portOf(s.get().id(), network);
                if (port.isEmpty()) {
                    raise(new Alarm(cfg.name(), "member server " + name + " has no port"));
                    return;
                }
                members.add(new Member(
                        s.get().id(),
                        name,
                        port.get().id(),
                        port.get().fixedIp() != null
                                ? port.get().fixedIp()
                                : s.get().primaryAddress().orElse("")));
            }
            Optional<FloatingIp> fip = cloud.floatingIpByAddress(cfg.floatingIp());
            if (fip.isEmpty()) {
                raise(new Alarm(cfg.name(), "floating IP " + cfg.floatingIp() + " not found"));
                return;
            }
            // The active member at bootstrap is the one the floating IP is on, else the first configured.
            String active = members.stream()
                    .filter(m -> fip.get().isAssociatedTo(m.portId()))
                    .map(Member::serverId)
                    .findFirst()
                    .orElse(members.get(0).serverId());
            clear(cfg.name());
            commit(new Command.InitPair(
                    new PairState(
                            cfg.name(),
                            members,
                            active,
                            fip.get().id(),
                            fip.get().address(),
                            PairMode.AUTO,
                            List.of(),
                            null),
                    term,
                    now));
        }
        for (PoolConfig cfg : spec.pools().values()) {
            if (state.pool(cfg.name()).isEmpty()) {
                commit(new Command.InitPool(cfg.name(), term, now));
            }
        }
    }

    private Optional<Server> findUntagged(String name) {
        // Pair members are made by Terraform and need not carry our tag: look them up by name.
        return cloud.listServers(null, name).stream()
                .filter(x -> x.name().equals(name))
                .findFirst();
    }

    /** Advances the open decisions of one lane: the pair lane's ({@code pairLane}) or all others. */
    private void advanceOpen(Instant now, boolean pairLane) {
        for (DecisionRecord rec : List.copyOf(consensus.state().open().values())) {
            if (onPairLane(rec.decision()) == pairLane) {
                executor.advance(rec, consensus.state(), term, now).ifPresent(r -> record(rec.id(), r, now));
            }
        }
    }

    /** Floating-IP moves and pair holds: what a failover is made of, kept off the lane of slow cloud reads. */
    static boolean onPairLane(Decision d) {
        return d instanceof Decision.Failover || d instanceof Decision.Reassociate || d instanceof Decision.HoldPair;
    }

    /** Commits a result: a finished step of a scaler replacement, or the decision's outcome. */
    private void record(String id, DecisionExecutor.Result r, Instant now) {
        if (r.step() != null) {
            Consensus.CommitResult c = commit(new Command.RecordStep(id, r.step(), r.detail(), r.facts(), term, now));
            if (c.accepted()) {
                events.stepRecorded(id, r.step(), r.detail());
            } else {
                events.decisionRefused(id, c.refusal());
            }
            return;
        }
        Consensus.CommitResult c = commit(new Command.RecordOutcome(id, r.outcome(), r.detail(), r.facts(), term, now));
        if (c.accepted()) {
            consensus.state().decision(id).ifPresent(rec -> {
                events.outcomeRecorded(rec);
                if (rec.decision() instanceof Decision.ReplaceMember m && rec.outcome() == Outcome.FAILED) {
                    raise(new Alarm(
                            m.pair(),
                            "replacement " + m.id() + " of " + m.failedServerId() + " FAILED: " + r.detail()));
                }
            });
        }
    }

    /**
     * Self-healing: keeps the replicated record of the scaler members in line with the Raft configuration (while no
     * replacement is under way), then asks {@link SelfHealingPolicy} whether a member must be replaced.
     */
    private void scalerPass(Instant now, DecisionIds ids) {
        if (membership == null || !selfHealing.enabled()) {
            return;
        }
        try {
            scalerDecide(now, ids);
        } catch (CloudException e) {
            // The pairs and pools must not wait for the scaler record: note it and go on with the pass.
            notes.put(Decision.ReplaceScaler.SCOPE, "cloud: " + e.kind() + ": " + e.getMessage());
        }
    }

    private void scalerDecide(Instant now, DecisionIds ids) {
        Membership.View view;
        try {
            view = membership.view();
        } catch (Membership.MembershipException e) {
            notes.put(Decision.ReplaceScaler.SCOPE, "configuration unreadable: " + e.getMessage());
            return;
        }
        if (view.voters().isEmpty()) {
            return;
        }
        var state = consensus.state();
        if (state.scalers().replacement() == null && !view.changing()) {
            Map<String, ScalerMember> known = state.scalers().members();
            List<ScalerMember> members = new ArrayList<>();
            boolean changed = known.size() != view.voters().size();
            for (Membership.Peer p : view.voters()) {
                ScalerMember m = known.get(p.id());
                if (m == null || !m.address().equals(p.address())) {
                    m = lookUpMember(p.id(), p.address());
                    changed = true;
                }
                members.add(m);
            }
            if (changed) {
                commit(new Command.SyncScalers(members, term, now));
                state = consensus.state();
            }
        }
        SelfHealingPolicy.Verdict v = SelfHealingPolicy.decide(state, view, selfHealing, now, ids);
        notes.put(Decision.ReplaceScaler.SCOPE, v.note());
        v.decision().flatMap(d -> propose(d, now)).ifPresent(rec -> advanceOne(rec.id(), now));
    }

    /** A member's server and port, found by name (Terraform and this loop name a scaler VM after its node id). */
    private ScalerMember lookUpMember(String id, String address) {
        String network =
                selfHealing.server() == null ? null : selfHealing.server().network();
        Optional<Server> server = cloud.listServers(spec.tag(), id).stream()
                .filter(s -> s.name().equals(id))
                .findFirst();
        if (server.isEmpty()) {
            return new ScalerMember(id, address, null, null, null);
        }
        // Made by a ReplaceScaler of this cluster (a decision id naming a node), or by the deployment (Terraform).
        String createdBy = server.get()
                .decisionId()
                .filter(x -> DecisionId.parse(x).filter(DecisionId::hasNode).isPresent())
                .orElse(null);
        String port = cloud.portOf(server.get().id(), network).map(Port::id).orElse(null);
        return new ScalerMember(id, address, server.get().id(), port, createdBy);
    }

    private void refreshInventory(Instant now) {
        if (lastInventory != null && Duration.between(lastInventory, now).compareTo(inventoryPeriod) < 0) {
            return;
        }
        lastInventory = now;
        inventory.clear();
        for (Server s : cloud.listServers(spec.tag(), null)) {
            inventory.put(s.id(), s);
        }
        for (PairConfig cfg : spec.pairs().values()) {
            cloud.floatingIpByAddress(cfg.floatingIp()).ifPresent(f -> floatingIps.put(cfg.name(), f));
        }
        inventorySeen = true;
        inventoryFresh = true;
        notes.remove("cloud");
    }

    private void pairPass(PairConfig cfg, Instant now, DecisionIds ids) {
        Optional<PairState> maybe = consensus.state().pair(cfg.name());
        if (maybe.isEmpty()) {
            return;
        }
        PairState pair = maybe.get();
        Map<String, TargetHealth> h = new HashMap<>();
        for (Member m : pair.members()) {
            h.put(
                    m.serverId(),
                    health.getOrDefault(cfg.probe().target(m.address()).key(), TargetHealth.NEVER_PROBED));
        }
        boolean workOpen = consensus.state().open().values().stream()
                .anyMatch(r ->
                        r.decision().scope().equals(cfg.name()) && !(r.decision() instanceof Decision.DeleteOrphan));
        FloatingIp fip = floatingIps.get(cfg.name());
        List<Instant> replaced = new ArrayList<>();
        consensus.state().history().forEach(r -> addReplacement(r, cfg.name(), replaced));
        consensus.state().open().values().forEach(r -> addReplacement(r, cfg.name(), replaced));
        PairObservation obs = new PairObservation(h, false, null, Map.of(), workOpen, replaced).withFloatingIp(fip);
        PairVerdict v = FailoverPolicy.decide(pair, obs, cfg.failover(), now, ids);
        if (v.needsConfirmation()) {
            String serverId = v.confirmServerId();
            Member m = pair.member(serverId).orElseThrow();
            Confirmation c = confirm(
                    cfg.probe().target(m.address()).key(), cfg.failover().confirmTimeout());
            obs = obs.withConfirmation(serverId, c);
            v = FailoverPolicy.decide(pair, obs, cfg.failover(), now, ids);
        }
        if (v.decisions().stream().anyMatch(ControlLoop::movesFloatingIp)) {
            // A move commits where the floating IP is and is carried out only while it is still there: read it now,
            // not from the inventory (up to a period old), and decide again on what was read.
            Optional<FloatingIp> fresh = cloud.floatingIpByAddress(cfg.floatingIp());
            if (fresh.isEmpty()) {
                floatingIps.remove(cfg.name());
                raise(new Alarm(cfg.name(), "floating IP " + cfg.floatingIp() + " not found: no move"));
                return;
            }
            floatingIps.put(cfg.name(), fresh.get());
            obs = obs.withFloatingIp(fresh.get());
            v = FailoverPolicy.decide(pair, obs, cfg.failover(), now, ids);
        }
        notes.put(cfg.name(), v.note());
        if (v.alarms().isEmpty() && !workOpen) {
            // While a decision of the pair is open the policy does not look: the standing alarm stays.
            clear(cfg.name());
        }
        v.alarms().forEach(this::raise);
        for (Decision d : v.decisions()) {
            // Carry a move or hold out in the same pass: the floating IP is the clients' path back. Anything else
            // (a member replacement) belongs to the rest lane, which advances it from the next pass: two lanes
            // advancing one decision at once would create two servers for it.
            propose(d, now).ifPresent(rec -> {
                floatingIps.remove(cfg.name());
                if (onPairLane(d)) {
                    advanceOne(rec.id(), now);
                }
            });
        }
    }

    private static void addReplacement(DecisionRecord r, String pair, List<Instant> out) {
        if (r.decision() instanceof Decision.ReplaceMember m && m.pair().equals(pair)) {
            out.add(r.proposedAt());
        }
    }

    private static boolean movesFloatingIp(Decision d) {
        return d instanceof Decision.Failover || d instanceof Decision.Reassociate;
    }

    private Confirmation confirm(String targetKey, Duration timeout) {
        int down = localView(targetKey) == ProbeStatus.UP ? 0 : 1;
        try {
            Map<String, ProbeStatus> answers =
                    peers.ask(targetKey, timeout).get(timeout.toMillis() + 200, TimeUnit.MILLISECONDS);
            for (ProbeStatus s : answers.values()) {
                if (s == ProbeStatus.DOWN) {
                    down++;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            notes.put("peers", "asking peers failed: " + e);
        }
        int size = peers.clusterSize().orElse(spec.clusterSize());
        return new Confirmation(Math.min(down, size), size);
    }

    private void poolPass(PoolConfig cfg, Instant now, DecisionIds ids) {
        Optional<PoolState> maybe = consensus.state().pool(cfg.name());
        if (maybe.isEmpty() || !inventorySeen) {
            return; // nothing destructive before the first full observation
        }
        Instant last = lastScaling.get(cfg.name());
        if (last != null && Duration.between(last, now).compareTo(cfg.evaluationPeriod()) < 0) {
            return;
        }
        lastScaling.put(cfg.name(), now);
        PoolState pool = maybe.get();
        if (pool.mode() == PoolMode.AUTO && cfg.mode() != PoolMode.AUTO) {
            pool = pool.withMode(cfg.mode()); // the configured mode holds: fail closed
        }
        Map<String, HostObservation> hosts = new HashMap<>();
        Set<String> open = new HashSet<>();
        for (DecisionRecord r : consensus.state().open().values()) {
            if (r.decision() instanceof Decision.CreateHost c && c.pool().equals(cfg.name())) {
                open.add(c.hostName());
            } else if (r.decision() instanceof Decision.DeleteHost x && x.pool().equals(cfg.name())) {
                open.add(x.hostName());
            }
        }
        for (Host host : pool.hostList()) {
            TargetHealth th = host.address() == null
                    ? null
                    : health.get(statusTarget(cfg, host).key());
            ServerStatus status = host.serverId() == null
                    ? ServerStatus.UNKNOWN
                    : Optional.ofNullable(inventory.get(host.serverId()))
                            .map(Server::status)
                            .orElse(ServerStatus.DELETED);
            Instant silentSince = th == null
                    ? (host.state() == org.sipmediadeploy.core.model.HostState.CREATING ? null : host.stateSince())
                    : th.failingSince();
            hosts.put(host.name(), new HostObservation(th == null ? null : th.last(), silentSince, status));
        }
        ScalingVerdict v = ScalingPolicy.decide(
                pool,
                new PoolObservation(hosts, open),
                cfg,
                scaling.getOrDefault(cfg.name(), ScalingMemory.NONE),
                now,
                ids);
        scaling.put(cfg.name(), v.memory());
        if (v.closedMinute() != null) {
            // The learnt demand is replicated: a new leader forecasts from the same history.
            commit(new Command.RecordArrivals(
                    cfg.name(), v.closedMinute().minute(), v.closedMinute().count(), term, now));
        }
        notes.put(
                cfg.name(),
                "target " + v.targetSpare() + " idle (" + v.driver() + "), " + v.idle() + " idle on " + v.liveHosts()
                        + " hosts");
        if (v.alarms().isEmpty()) {
            clear(cfg.name());
        }
        v.alarms().forEach(this::raise);
        for (Decision d : v.decisions()) {
            propose(d, now).ifPresent(rec -> advanceOne(rec.id(), now));
        }
    }

    /** The orphan sweep ({@link OrphanCollector} decides what may be deleted or adopted). */
    private void orphans(Instant now, DecisionIds ids) {
        // Only on a fresh inventory: between reads it goes stale (a server deleted since is still listed).
        if (!inventoryFresh) {
            return;
        }
        inventoryFresh = false;
        OrphanCollector.Sweep sweep = orphans.sweep(
                consensus.state(),
                List.copyOf(inventory.values()),
                t -> health.getOrDefault(t.key(), TargetHealth.NEVER_PROBED),
                ids);
        adoptable.clear();
        adoptable.addAll(sweep.adoptable());
        sweep.alarm().ifPresentOrElse(this::raise, () -> clear(OrphanCollector.SCOPE));
        sweep.decision().ifPresent(d -> {
            propose(d, now).ifPresent(rec -> advanceOne(rec.id(), now));
            if (d instanceof Decision.DeleteOrphan o) {
                inventory.remove(o.serverId());
            }
        });
    }

    private void advanceOne(String id, Instant now) {
        DecisionRecord rec = consensus.state().open().get(id);
        if (rec == null) {
            return;
        }
        executor.advance(rec, consensus.state(), term, now).ifPresent(r -> record(id, r, now));
    }

    private Optional<DecisionRecord> propose(Decision d, Instant now) {
        Consensus.CommitResult c = commit(new Command.Propose(d, term, now));
        if (!c.accepted()) {
            events.decisionRefused(d.id(), c.refusal());
            return Optional.empty();
        }
        Optional<DecisionRecord> rec = consensus.state().decision(d.id());
        rec.ifPresent(events::decisionCommitted);
        return rec;
    }

    private Consensus.CommitResult commit(Command c) {
        try {
            return consensus.propose(c).get(COMMIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotCommitted("interrupted while committing");
        } catch (ExecutionException | TimeoutException e) {
            throw new NotCommitted("commit failed: " + e);
        }
    }

    private void raise(Alarm a) {
        Alarm old = alarms.put(a.scope(), a);
        if (old == null || !old.message().equals(a.message())) {
            events.alarm(a.scope(), a.message());
        }
    }

    private void clear(String scope) {
        if (alarms.remove(scope) != null) {
            events.alarmCleared(scope);
        }
    }

    private static ProbeTarget statusTarget(PoolConfig cfg, Host h) {
        return new ProbeTarget.GatewayStatus(
                h.address(),
                cfg.status().port(),
                cfg.status().path(),
                cfg.status().idleKey(),
                cfg.status().terminateKey());
    }

    /** A command could not be committed (no quorum, lost leadership): the pass stops, the next one retries. */
    private static final class NotCommitted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotCommitted(String message) {
            super(message, null, false, false);
        }
    }
}
