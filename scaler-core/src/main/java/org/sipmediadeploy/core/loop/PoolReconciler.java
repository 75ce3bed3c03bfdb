package org.sipmediadeploy.core.loop;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.sipmediadeploy.core.command.Command;
import org.sipmediadeploy.core.config.PoolConfig;
import org.sipmediadeploy.core.decision.Decision;
import org.sipmediadeploy.core.decision.DecisionRecord;
import org.sipmediadeploy.core.model.Host;
import org.sipmediadeploy.core.model.HostState;
import org.sipmediadeploy.core.model.PoolMode;
import org.sipmediadeploy.core.model.PoolState;
import org.sipmediadeploy.core.model.ProbeTarget;
import org.sipmediadeploy.core.model.Server;
import org.sipmediadeploy.core.model.ServerStatus;
import org.sipmediadeploy.core.policy.DecisionIds;
import org.sipmediadeploy.core.policy.HostObservation;
import org.sipmediadeploy.core.policy.PoolObservation;
import org.sipmediadeploy.core.policy.ScalingMemory;
import org.sipmediadeploy.core.policy.ScalingPolicy;
import org.sipmediadeploy.core.policy.ScalingVerdict;
import org.sipmediadeploy.core.policy.TargetHealth;

/**
 * The rest lane's pass over one gateway pool, once per evaluation period: the hosts' status probes and the cached
 * inventory become scaling decisions ({@link ScalingPolicy}), each carried out from the pass that proposed it. Keeps
 * the policy's memory between passes; it is the rest lane's alone and forgotten when a new term starts.
 */
final class PoolReconciler {
    /**
     * How long a pool waits, from the first pass of a term, for its running gateway servers unknown to the state
     * (after a state loss) to be adopted before it scales anyway; a server that never answers its status stays in
     * the orphan alarm.
     */
    static final Duration ADOPTION_WAIT = Duration.ofMinutes(2);

    private final LeaderLog log;
    private final Map<String, TargetHealth> health;
    private final Inventory inventory;
    private final Alarms alarms;
    private final Map<String, String> notes;
    private final Map<String, ScalingMemory> scaling = new HashMap<>();
    private final Map<String, Instant> lastScaling = new HashMap<>();
    private final Map<String, Instant> adoptionWaitSince = new HashMap<>();
    private PoolRouters routers = PoolRouters.NONE;
    private PendingAdoptions pendingAdoptions = pool -> 0;

    /** How many running servers of a pool wait for adoption into it. */
    interface PendingAdoptions {
        int count(String pool);
    }

    PoolReconciler(
            LeaderLog log,
            Map<String, TargetHealth> health,
            Inventory inventory,
            Alarms alarms,
            Map<String, String> notes) {
        this.log = log;
        this.health = health;
        this.inventory = inventory;
        this.alarms = alarms;
        this.notes = notes;
    }

    /** The call routers read each pool pass (none by default). */
    void routers(PoolRouters r) {
        this.routers = r;
    }

    /** Where the pool learns of the servers waiting for adoption into it (none by default). */
    void pendingAdoptions(PendingAdoptions p) {
        this.pendingAdoptions = p;
    }

    /** A new term: what was kept of the previous one is not this leader's to continue. */
    void forget() {
        scaling.clear();
        lastScaling.clear();
        adoptionWaitSince.clear();
    }

    void poolPass(PoolConfig cfg, Instant now, DecisionIds ids) {
        Optional<PoolState> maybe = log.state().pool(cfg.name());
        if (maybe.isEmpty() || !inventory.seen()) {
            return; // nothing destructive before the first full observation
        }
        int waiting = pendingAdoptions.count(cfg.name());
        if (waiting > 0) {
            Instant since = adoptionWaitSince.computeIfAbsent(cfg.name(), k -> now);
            if (Duration.between(since, now).compareTo(ADOPTION_WAIT) < 0) {
                notes.put(cfg.name(), waiting + " running gateway server(s) wait for adoption: no scaling before");
                return;
            }
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
        for (DecisionRecord r : log.state().open().values()) {
            if (r.decision() instanceof Decision.CreateHost c && c.pool().equals(cfg.name())) {
                open.add(c.hostName());
            } else if (r.decision() instanceof Decision.DeleteHost x && x.pool().equals(cfg.name())) {
                open.add(x.hostName());
            }
        }
        PoolRouters.Reading routed = routers.read(cfg.name(), log.state());
        if (routed.note() != null) {
            notes.put(cfg.name() + ".router", routed.note());
        } else {
            notes.remove(cfg.name() + ".router");
        }
        for (Host host : pool.hostList()) {
            TargetHealth th = host.address() == null
                    ? null
                    : health.get(statusTarget(cfg, host).key());
            ServerStatus status = host.serverId() == null
                    ? ServerStatus.UNKNOWN
                    : inventory.server(host.serverId()).map(Server::status).orElse(ServerStatus.DELETED);
            Instant silentSince =
                    th == null ? (host.state() == HostState.CREATING ? null : host.stateSince()) : th.failingSince();
            hosts.put(
                    host.name(),
                    new HostObservation(
                            th == null ? null : th.last(),
                            silentSince,
                            status,
                            routed.hosts().apply(host.name())));
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
            log.commit(new Command.RecordArrivals(
                    cfg.name(), v.closedMinute().minute(), v.closedMinute().count(), log.term(), now));
        }
        notes.put(
                cfg.name(),
                "target " + v.targetSpare() + " idle (" + v.driver() + "), " + v.idle() + " idle on " + v.liveHosts()
                        + " hosts");
        if (v.alarms().isEmpty()) {
            alarms.clear(cfg.name());
        }
        v.alarms().forEach(alarms::raise);
        for (Decision d : v.decisions()) {
            log.propose(d, now).ifPresent(rec -> log.advanceOne(rec.id(), now));
        }
    }

    /** The status endpoint of a pool host, what is probed to tell whether it is up and idle. */
    static ProbeTarget statusTarget(PoolConfig cfg, Host h) {
        return new ProbeTarget.GatewayStatus(
                h.address(),
                cfg.status().port(),
                cfg.status().path(),
                cfg.status().idleKey(),
                cfg.status().terminateKey());
    }
}
