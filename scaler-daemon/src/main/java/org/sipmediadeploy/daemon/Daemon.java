package org.sipmediadeploy.daemon;

import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.sipmediadeploy.core.loop.ControlLoop;
import org.sipmediadeploy.core.loop.LoopSpec;
import org.sipmediadeploy.core.model.HostState;
import org.sipmediadeploy.core.model.PairMode;
import org.sipmediadeploy.core.model.PairState;
import org.sipmediadeploy.core.model.ProbeTarget;
import org.sipmediadeploy.core.port.Cloud;
import org.sipmediadeploy.core.port.Prober;
import org.sipmediadeploy.core.port.ScalerEvents;
import org.sipmediadeploy.daemon.admin.AdminServer;
import org.sipmediadeploy.daemon.config.ScalerConfig;
import org.sipmediadeploy.openstack.OpenStackCloud;
import org.sipmediadeploy.probes.ProbeScheduler;
import org.sipmediadeploy.probes.ProbeSettings;
import org.sipmediadeploy.probes.Probes;
import org.sipmediadeploy.raft.LeadershipListener;
import org.sipmediadeploy.raft.ProbeView;
import org.sipmediadeploy.raft.RaftMembership;
import org.sipmediadeploy.raft.RaftNode;
import org.sipmediadeploy.raft.SelfMembership;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One scaler node, wired: the Raft node, the probes (every node probes, so followers can confirm), the cloud
 * adapter and the control loop ticking on two lanes (it acts only while this node is the ready leader): the pair
 * lane never waits for the rest lane's inventory reads or host creation.
 * The only place where the modules meet.
 */
public final class Daemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);
    /** Shortest validity of this node's answer to "do you see X?" (else three probe intervals). */
    private static final Duration MIN_VERDICT_VALIDITY = Duration.ofSeconds(2);
    /** How long a stopping node lets a pass finish, then again after cancelling it. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    private final ScalerConfig config;
    private final Clock clock;
    private final RaftNode raft;
    private final Prober prober;
    private final ProbeScheduler scheduler;
    private final ControlLoop loop;
    private final LoopLanes lanes;
    private final Set<ProbeTarget> scheduled = new HashSet<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile AdminServer admin;

    private Daemon(
            ScalerConfig config,
            Clock clock,
            RaftNode raft,
            Prober prober,
            ProbeScheduler scheduler,
            ControlLoop loop,
            LoopLanes lanes) {
        this.config = config;
        this.clock = clock;
        this.raft = raft;
        this.prober = prober;
        this.scheduler = scheduler;
        this.loop = loop;
        this.lanes = lanes;
    }

    /** Starts a node; {@code dryRun} names pairs and pools whose decisions are recorded but not carried out. */
    public static Daemon start(
            ScalerConfig cfg, List<String> dryRun, List<ScalerEvents> listeners, Supplier<String> prometheus)
            throws Exception {
        Clock clock = Clock.systemUTC();
        ScalerEvents events = new FanOutEvents(listeners);
        LoopLanes lanes = new LoopLanes(cfg.node().id());
        ProbeView view = new ProbeView();
        ControlLoop[] loopRef = new ControlLoop[1];
        RaftNode[] raftRef = new RaftNode[1];
        LeadershipListener leadership = new LeadershipListener() {
            @Override
            public void leaderReady(long term) {
                LOG.info("leader ready in term {}", term);
                // Start the first pass now rather than at the next tick: takeover time counts.
                lanes.kick(
                        () -> {
                            if (raftRef[0] != null && raftRef[0].membership() == SelfMembership.MEMBER) {
                                tickSafely(loopRef[0], clock, true);
                            }
                        },
                        () -> {
                            if (raftRef[0] != null && raftRef[0].membership() == SelfMembership.MEMBER) {
                                tickSafely(loopRef[0], clock, false);
                            }
                        });
            }

            @Override
            public void notLeader() {
                LOG.info("not leader: cancelling leader work in flight");
                lanes.cancelInFlight();
            }
        };
        RaftNode raft = RaftNode.start(
                AdapterSettings.raft(cfg), view, leadership, cfg.cluster().join());
        raftRef[0] = raft;
        Cloud cloud = OpenStackCloud.create(AdapterSettings.openStack(cfg), events);
        // SIP and STUN/TURN probes both leave from this node's own address: its path to each member is its own
        Prober prober = Probes.create(ProbeSettings.defaults()
                .withSipBindAddress(cfg.node().probeAddress())
                .withStunBindAddress(cfg.node().probeAddress())
                .withClock(clock));
        LoopSpec spec = new LoopSpec(
                cfg.node().id(), cfg.cluster().peers().size(), cfg.openstack().tag(), cfg.pairs(), cfg.pools(), dryRun);
        ControlLoop loop = new ControlLoop(spec, raft, cloud, raft.peerProbes(), events);
        if (!cfg.callRouters().isEmpty()) {
            loop.withCallRouters(cfg.callRouters(), Probes.kamailioCallRouter());
            LOG.info("call routers read for pools {}", cfg.callRouters().keySet());
        }
        if (cfg.selfHealing().settings().enabled()) {
            loop.withSelfHealing(cfg.selfHealing().settings(), new RaftMembership(raft), new NodeUserData(cfg));
            LOG.info(
                    "self-healing enabled: a member unreachable for {} s is replaced",
                    cfg.selfHealing().settings().replaceAfter().toSeconds());
        }
        loopRef[0] = loop;
        ProbeScheduler scheduler = Probes.scheduler(prober, clock, (target, result) -> {
            // Outside the configuration this node's verdicts drive nothing (it is never asked, never leads).
            if (raft.membership() == SelfMembership.MEMBER) {
                loop.probed(target, result);
            }
            // peers asking "do you see it down?" get this node's verdict past its own failure threshold, not the
            // last packet's fate: one lost probe must not vote for a failover. It holds for a few intervals only:
            // if this node's prober stalls, it stops voting.
            Duration interval = loop.targets().getOrDefault(target, Duration.ofSeconds(1));
            Duration validFor = interval.multipliedBy(3).compareTo(MIN_VERDICT_VALIDITY) < 0
                    ? MIN_VERDICT_VALIDITY
                    : interval.multipliedBy(3);
            view.update(target.key(), loop.peerAnswer(target.key()), validFor);
        });
        Daemon d = new Daemon(cfg, clock, raft, prober, scheduler, loop, lanes);
        lanes.start(d::pairPass, d::pass, cfg.node().tick());
        try {
            d.admin = AdminServer.start(
                    new AdminServer.Settings(
                            cfg.admin().bind(),
                            cfg.admin().port(),
                            cfg.admin().token(),
                            cfg.admin().allowNonLoopback(),
                            cfg.admin().metricsOpen(),
                            AdminServer.DEFAULT_MAX_BODY_BYTES),
                    new NodeBackend(cfg, d, clock, prometheus));
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
        LOG.info(
                "scaler node {} version {} started: {} peers, pairs {}, pools {}",
                cfg.node().id(),
                BuildInfo.version(),
                cfg.cluster().peers().size(),
                cfg.pairs().keySet(),
                cfg.pools().keySet());
        return d;
    }

    private Map<String, String> lastNotes = Map.of();

    private volatile SelfMembership acting = SelfMembership.MEMBER;

    /** Whether this node may act; logs once when that changes (a removed node says so instead of acting). */
    private boolean member() {
        SelfMembership m = raft.membership();
        if (m != acting) {
            acting = m;
            if (m == SelfMembership.MEMBER) {
                LOG.info(
                        "node {} is in the Raft configuration: acting again",
                        config.node().id());
            } else {
                LOG.warn(
                        "node {} is {}: it stops acting (no control-loop passes, no leader work) until it is a "
                                + "member; see 'scalerctl members'",
                        config.node().id(),
                        m == SelfMembership.JOINING
                                ? "waiting to be added to the Raft configuration"
                                : "no longer in the Raft configuration");
            }
        }
        return m == SelfMembership.MEMBER;
    }

    private void pass() {
        if (!member()) {
            return;
        }
        syncProbeTargets();
        tickSafely(loop, clock, false);
        Map<String, String> notes = loop.notes();
        if (!notes.equals(lastNotes)) {
            // What the loop concluded, when it changes: the operator's "why did (not) it act?"
            notes.forEach((k, v) -> {
                if (!v.equals(lastNotes.get(k))) {
                    LOG.info("loop {}: {}", k, v);
                }
            });
            lastNotes = notes;
        }
    }

    private void pairPass() {
        if (member()) {
            tickSafely(loop, clock, true);
        }
    }

    private static void tickSafely(ControlLoop loop, Clock clock, boolean pairLane) {
        if (loop == null) {
            return;
        }
        try {
            if (pairLane) {
                loop.tickPairs(clock.instant());
            } else {
                loop.tickRest(clock.instant());
            }
        } catch (RuntimeException e) {
            // A pass that fails is retried by the next tick; the loop itself never dies.
            LOG.warn("control loop pass failed: {}", e.toString());
        }
    }

    /** Every node probes the members of every pair and every pool host, so followers can confirm a suspect. */
    private void syncProbeTargets() {
        try {
            Map<ProbeTarget, Duration> want = loop.targets();
            for (Map.Entry<ProbeTarget, Duration> e : want.entrySet()) {
                if (scheduled.add(e.getKey())) {
                    scheduler.schedule(e.getKey(), e.getValue(), timeoutFor(e.getKey()));
                }
            }
            for (ProbeTarget t : Set.copyOf(scheduled)) {
                if (!want.containsKey(t)) {
                    scheduler.unschedule(t);
                    scheduled.remove(t);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("probe target sync failed: {}", e.toString());
        }
    }

    private Duration timeoutFor(ProbeTarget t) {
        if (t instanceof ProbeTarget.GatewayStatus) {
            return config.pools().values().stream()
                    .findFirst()
                    .map(p -> p.status().timeout())
                    .orElse(Duration.ofSeconds(1));
        }
        return config.pairs().values().stream()
                .filter(p -> p.probe().port() == t.port())
                .findFirst()
                .map(p -> p.probe().timeout())
                .orElse(Duration.ofMillis(400));
    }

    /** This node's Raft role for metrics: LEADER, FOLLOWER, CANDIDATE. */
    public String role() {
        return raft.leaderTerm().isPresent() ? "LEADER" : raft.leaderId().isPresent() ? "FOLLOWER" : "CANDIDATE";
    }

    /** Hosts of {@code pool} by lifecycle state, from this node's applied state. */
    public Map<HostState, Integer> hostsByState(String pool) {
        Map<HostState, Integer> m = new EnumMap<>(HostState.class);
        for (HostState st : HostState.values()) {
            m.put(st, 0);
        }
        raft.state().pool(pool).ifPresent(p -> p.hostList().forEach(h -> m.merge(h.state(), 1, Integer::sum)));
        return m;
    }

    /** The mode of {@code pair} in this node's applied state; null while the pair is not in it. */
    public PairMode pairMode(String pair) {
        return raft.state().pair(pair).map(PairState::mode).orElse(null);
    }

    /** Idle gateways of {@code pool} as this node's own status probes last saw them. */
    public int idleGateways(String pool) {
        var cfg = config.pools().get(pool);
        if (cfg == null) {
            return 0;
        }
        Map<String, org.sipmediadeploy.core.policy.TargetHealth> health = loop.health();
        int idle = 0;
        for (var h : raft.state().pool(pool).map(p -> p.hostList()).orElse(List.of())) {
            if (h.address() == null) {
                continue;
            }
            var t = health.get("http://" + h.address() + ":" + cfg.status().port()
                    + cfg.status().path());
            if (t != null && t.isUp() && t.last().capacity() != null) {
                idle += t.last().capacity().idleGateways();
            }
        }
        return idle;
    }

    public RaftNode raft() {
        return raft;
    }

    public ControlLoop loop() {
        return loop;
    }

    public ScalerConfig config() {
        return config;
    }

    /** Stops this node: a leader hands over leadership first, so the cluster keeps a master throughout. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (admin != null) {
            admin.close();
        }
        boolean idle = false;
        try {
            idle = lanes.stop(STOP_GRACE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (raft.leaderTerm().isPresent()) {
            if (idle) {
                boolean moved = raft.transferLeadership(Duration.ofSeconds(3));
                LOG.info("leadership transfer before stop: {}", moved ? "done" : "not completed");
            } else {
                // A new leader must not act while this node's call may still land: let the election timeout pass.
                LOG.warn(
                        "a cloud call of the control loop is still in flight after {} s: leadership is not handed "
                                + "over; the other nodes elect a leader once this one stops",
                        2 * STOP_GRACE.toSeconds());
            }
        }
        scheduler.close();
        prober.close();
        raft.close();
        LOG.info("scaler node {} stopped", config.node().id());
    }
}
