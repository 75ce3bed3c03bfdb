package org.sipmediadeploy.core.loop;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.sipmediadeploy.core.command.Command;
import org.sipmediadeploy.core.config.CallRouterConfig;
import org.sipmediadeploy.core.config.FailoverSettings;
import org.sipmediadeploy.core.config.PairConfig;
import org.sipmediadeploy.core.config.PoolConfig;
import org.sipmediadeploy.core.config.SelfHealingConfig;
import org.sipmediadeploy.core.decision.Decision;
import org.sipmediadeploy.core.decision.DecisionId;
import org.sipmediadeploy.core.decision.DecisionRecord;
import org.sipmediadeploy.core.model.FloatingIpSource;
import org.sipmediadeploy.core.model.PairState;
import org.sipmediadeploy.core.model.ProbeResult;
import org.sipmediadeploy.core.model.ProbeStatus;
import org.sipmediadeploy.core.model.ProbeTarget;
import org.sipmediadeploy.core.policy.Alarm;
import org.sipmediadeploy.core.policy.DecisionIds;
import org.sipmediadeploy.core.policy.SelfHealingPolicy;
import org.sipmediadeploy.core.policy.TargetHealth;
import org.sipmediadeploy.core.port.CallRouter;
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
    private final LoopSpec spec;
    private final Consensus consensus;
    private final Cloud cloud;
    private final ScalerEvents events;
    private final DecisionExecutor executor;
    private final OrphanCollector orphans;
    /** Status targets of unknown gateway servers to probe until they can be adopted (set by the sweep). */
    private final Set<ProbeTarget> adoptable = ConcurrentHashMap.newKeySet();

    private final Map<String, TargetHealth> health = new ConcurrentHashMap<>();
    private final Map<String, String> notes = new ConcurrentHashMap<>();
    private final Alarms alarms;
    private final Inventory inventory;
    private final LeaderLog log;
    private final Bootstrap bootstrap;
    private final PairReconciler pairs;
    private final PoolReconciler pools;
    /** Set by {@link #withSelfHealing}; none while the scaler cluster does not heal itself. */
    private ScalerReconciler scalers;

    private final AtomicLong seq = new AtomicLong();
    /** Set when a new term starts; the rest lane then forgets what it kept of the previous term. */
    private volatile boolean restStale;

    public ControlLoop(LoopSpec spec, Consensus consensus, Cloud cloud, PeerProbes peers, ScalerEvents events) {
        this.spec = spec;
        this.consensus = consensus;
        this.cloud = cloud;
        this.events = events;
        this.executor = new DecisionExecutor(
                spec, cloud, consensus::isLeaderIn, t -> health.getOrDefault(t.key(), TargetHealth.NEVER_PROBED));
        this.orphans = new OrphanCollector(spec);
        this.alarms = new Alarms(events);
        this.inventory = new Inventory(spec, cloud);
        this.log = new LeaderLog(consensus, events, executor, alarms);
        this.bootstrap = new Bootstrap(spec, log, cloud, alarms);
        this.pairs = new PairReconciler(spec, log, cloud, peers, health, this::localView, inventory, alarms, notes);
        this.pools = new PoolReconciler(log, health, inventory, alarms, notes);
        pools.pendingAdoptions(pool -> orphans.awaitingAdoption(consensus.state(), inventory.servers(), pool)
                .size());
    }

    /** How often the cloud inventory and floating IPs are re-read (failovers never wait for it). */
    public ControlLoop withInventoryPeriod(Duration period) {
        inventory.period(period);
        return this;
    }

    /**
     * Enables self-healing of the scaler cluster: the leader replaces a member unreachable for {@code replace-after}
     * (see {@link SelfHealingPolicy}) through {@code membership} and the cloud, with user data from
     * {@code provisioning}.
     */
    public ControlLoop withSelfHealing(SelfHealingConfig cfg, Membership m, NodeProvisioning provisioning) {
        this.scalers = m == null ? null : new ScalerReconciler(spec, log, cloud, cfg, m, notes);
        executor.selfHealing(new ScalerReplacer(spec, cloud, consensus::isLeaderIn, cfg, m, provisioning));
        return this;
    }

    /**
     * Reads the call router of the pools in {@code byPool} (pool name to its router) each pool pass: a host the
     * router holds a call on is never drained nor deleted (see {@link HostObservation#busyAtRouter}).
     */
    public ControlLoop withCallRouters(Map<String, CallRouterConfig> byPool, CallRouter router) {
        pools.routers(new PoolRouters(byPool, router));
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
        return alarms.standing();
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
                            out.put(
                                    PoolReconciler.statusTarget(cfg, h),
                                    cfg.status().interval());
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
            log.advanceOpen(now, true);
            for (PairConfig cfg : spec.pairs().values()) {
                pairs.pairPass(cfg, now, ids);
            }
        } catch (CloudException e) {
            notes.put("cloud", e.kind() + ": " + e.getMessage());
        } catch (LeaderLog.NotCommitted e) {
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
            inventory.expire();
            pools.forget();
        }
        DecisionIds ids = ids(t);
        try {
            bootstrap.bootstrap(now);
            log.advanceOpen(now, false);
            if (scalers != null) {
                scalers.scalerPass(now, ids);
            }
            if (inventory.refresh(now)) {
                notes.remove("cloud");
            }
            for (PoolConfig cfg : spec.pools().values()) {
                pools.poolPass(cfg, now, ids);
            }
            orphans(now, ids);
        } catch (CloudException e) {
            notes.put("cloud", e.kind() + ": " + e.getMessage());
        } catch (LeaderLog.NotCommitted e) {
            notes.put("log", e.getMessage());
        }
        try {
            alarms.toReplicate(consensus.state().alarms(), now)
                    .ifPresent(live -> log.commit(new Command.SetAlarms(live, log.term(), now)));
        } catch (LeaderLog.NotCommitted e) {
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
            log.term(-1);
            return -1;
        }
        if (t.getAsLong() != log.term()) {
            log.term(t.getAsLong());
            // Leadership can blink within one term (not ready for a moment): continue after the highest id this
            // node already used in the term, or new decisions would reuse committed ids and be refused.
            seq.set(highestSeq(consensus.state(), t.getAsLong(), spec.nodeId()));
            restStale = true;
            events.leaderChanged(spec.nodeId(), t.getAsLong());
        }
        return t.getAsLong();
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

    /** The orphan sweep ({@link OrphanCollector} decides what may be deleted or adopted). */
    private void orphans(Instant now, DecisionIds ids) {
        // Only on a fresh inventory: between reads it goes stale (a server deleted since is still listed).
        if (!inventory.takeFresh()) {
            return;
        }
        OrphanCollector.Sweep sweep = orphans.sweep(
                consensus.state(),
                inventory.servers(),
                t -> health.getOrDefault(t.key(), TargetHealth.NEVER_PROBED),
                ids);
        adoptable.clear();
        adoptable.addAll(sweep.adoptable());
        sweep.alarm().ifPresentOrElse(alarms::raise, () -> alarms.clear(OrphanCollector.SCOPE));
        sweep.decision().ifPresent(d -> {
            log.propose(d, now).ifPresent(rec -> log.advanceOne(rec.id(), now));
            if (d instanceof Decision.DeleteOrphan o) {
                inventory.removeServer(o.serverId());
            }
        });
    }
}
