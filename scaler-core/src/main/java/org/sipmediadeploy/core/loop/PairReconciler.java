package org.sipmediadeploy.core.loop;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.sipmediadeploy.core.config.PairConfig;
import org.sipmediadeploy.core.decision.Decision;
import org.sipmediadeploy.core.decision.DecisionRecord;
import org.sipmediadeploy.core.model.FloatingIp;
import org.sipmediadeploy.core.model.Member;
import org.sipmediadeploy.core.model.PairState;
import org.sipmediadeploy.core.model.ProbeStatus;
import org.sipmediadeploy.core.policy.Alarm;
import org.sipmediadeploy.core.policy.Confirmation;
import org.sipmediadeploy.core.policy.DecisionIds;
import org.sipmediadeploy.core.policy.FailoverPolicy;
import org.sipmediadeploy.core.policy.PairObservation;
import org.sipmediadeploy.core.policy.PairVerdict;
import org.sipmediadeploy.core.policy.TargetHealth;
import org.sipmediadeploy.core.port.Cloud;
import org.sipmediadeploy.core.port.PeerProbes;

/**
 * The pair lane's pass over one pair: the probes' verdicts, confirmed by the peers, become failover decisions
 * ({@link FailoverPolicy}); a floating-IP move or hold is carried out in the same pass. Reads only the floating IP
 * from the cloud, never the server inventory.
 */
final class PairReconciler {
    private final LoopSpec spec;
    private final LeaderLog log;
    private final Cloud cloud;
    private final PeerProbes peers;
    private final Map<String, TargetHealth> health;
    private final Function<String, ProbeStatus> localView;
    private final Inventory inventory;
    private final Alarms alarms;
    private final Map<String, String> notes;

    PairReconciler(
            LoopSpec spec,
            LeaderLog log,
            Cloud cloud,
            PeerProbes peers,
            Map<String, TargetHealth> health,
            Function<String, ProbeStatus> localView,
            Inventory inventory,
            Alarms alarms,
            Map<String, String> notes) {
        this.spec = spec;
        this.log = log;
        this.cloud = cloud;
        this.peers = peers;
        this.health = health;
        this.localView = localView;
        this.inventory = inventory;
        this.alarms = alarms;
        this.notes = notes;
    }

    void pairPass(PairConfig cfg, Instant now, DecisionIds ids) {
        Optional<PairState> maybe = log.state().pair(cfg.name());
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
        boolean workOpen = log.state().open().values().stream()
                .anyMatch(r ->
                        r.decision().scope().equals(cfg.name()) && !(r.decision() instanceof Decision.DeleteOrphan));
        FloatingIp fip = inventory.floatingIp(cfg.name()).orElse(null);
        List<Instant> replaced = new ArrayList<>();
        log.state().history().forEach(r -> addReplacement(r, cfg.name(), replaced));
        log.state().open().values().forEach(r -> addReplacement(r, cfg.name(), replaced));
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
        if (v.decisions().stream().anyMatch(PairReconciler::movesFloatingIp)) {
            // A move commits where the floating IP is and is carried out only while it is still there: read it now,
            // not from the inventory (up to a period old), and decide again on what was read.
            Optional<FloatingIp> fresh = cloud.floatingIpByAddress(cfg.floatingIp());
            if (fresh.isEmpty()) {
                inventory.forgetFloatingIp(cfg.name());
                alarms.raise(new Alarm(cfg.name(), "floating IP " + cfg.floatingIp() + " not found: no move"));
                return;
            }
            inventory.floatingIp(cfg.name(), fresh.get());
            obs = obs.withFloatingIp(fresh.get());
            v = FailoverPolicy.decide(pair, obs, cfg.failover(), now, ids);
        }
        notes.put(cfg.name(), v.note());
        if (v.alarms().isEmpty() && !workOpen) {
            // While a decision of the pair is open the policy does not look: the standing alarm stays.
            alarms.clear(cfg.name());
        }
        v.alarms().forEach(alarms::raise);
        for (Decision d : v.decisions()) {
            // Carry a move or hold out in the same pass: the floating IP is the clients' path back. Anything else
            // (a member replacement) belongs to the rest lane, which advances it from the next pass: two lanes
            // advancing one decision at once would create two servers for it.
            log.propose(d, now).ifPresent(rec -> {
                inventory.forgetFloatingIp(cfg.name());
                if (LeaderLog.onPairLane(d)) {
                    log.advanceOne(rec.id(), now);
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
        int down = localView.apply(targetKey) == ProbeStatus.UP ? 0 : 1;
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
}
