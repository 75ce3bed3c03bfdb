package org.sipmediadeploy.core.sim;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import org.sipmediadeploy.core.command.Command;
import org.sipmediadeploy.core.command.Facts;
import org.sipmediadeploy.core.config.PoolConfig;
import org.sipmediadeploy.core.decision.Decision;
import org.sipmediadeploy.core.decision.Outcome;
import org.sipmediadeploy.core.model.GatewayCapacity;
import org.sipmediadeploy.core.model.Host;
import org.sipmediadeploy.core.model.HostState;
import org.sipmediadeploy.core.model.PoolState;
import org.sipmediadeploy.core.model.ProbeResult;
import org.sipmediadeploy.core.model.ServerStatus;
import org.sipmediadeploy.core.policy.DecisionIds;
import org.sipmediadeploy.core.policy.HostObservation;
import org.sipmediadeploy.core.policy.PoolObservation;
import org.sipmediadeploy.core.state.Applied;
import org.sipmediadeploy.core.state.ClusterState;
import org.sipmediadeploy.core.state.Transitions;

/**
 * Replays a call trace through a {@link PoolStrategy} in simulated time. Hosts boot in {@code bootDelay}; a call
 * takes a gateway on the fullest ready host with room (packing keeps whole hosts idle for scale-in) or is
 * rejected; decisions go through the real state transitions, so the lifecycle rules apply as in production.
 */
public final class TraceSimulator {
    private static final String POOL = "sim";
    /** The name the physical limit is reported under. */
    public static final String PHYSICAL_LIMIT = "physical-limit";

    private final PoolConfig cfg;
    private final Duration bootDelay;

    public TraceSimulator(PoolConfig cfg, Duration bootDelay) {
        this.cfg = cfg;
        this.bootDelay = bootDelay;
    }

    public SimReport run(List<Call> trace, PoolStrategy strategy) {
        if (trace.isEmpty()) {
            return new SimReport(strategy.name(), 0, 0, 0, 0, 0, 0, 0, List.of());
        }
        Instant start = trace.get(0).start();
        Instant end = trace.stream()
                .map(Call::end)
                .max(Instant::compareTo)
                .orElseThrow()
                .plus(cfg.scaleInAfter());
        ClusterState state = apply(ClusterState.empty(), new Command.InitPool(POOL, 1, start));
        Map<String, Integer> busy = new HashMap<>();
        Map<String, Instant> bootedAt = new HashMap<>();
        Set<String> used = new HashSet<>();
        PriorityQueue<Release> releases = new PriorityQueue<>((a, b) -> a.at.compareTo(b.at));
        DecisionIds ids = DecisionIds.forTerm(1, 1);
        List<SimReport.Sample> timeline = new ArrayList<>();
        int rejected = 0;
        int creates = 0;
        int deletes = 0;
        int busyDeleted = 0;
        int peak = 0;
        double gatewaySeconds = 0;
        int nextCall = 0;
        Instant now = start;
        Duration period = strategy.period();
        while (now.isBefore(end) || nextCall < trace.size()) {
            Instant tickEnd = now.plus(period);
            // Calls and releases inside this period, in time order.
            while (true) {
                Instant nextRelease = releases.isEmpty() ? null : releases.peek().at;
                Instant nextStart =
                        nextCall < trace.size() ? trace.get(nextCall).start() : null;
                if (nextRelease != null
                        && !nextRelease.isAfter(tickEnd)
                        && (nextStart == null || !nextStart.isBefore(nextRelease))) {
                    Release r = releases.poll();
                    Integer left = busy.computeIfPresent(r.host, (k, v) -> v - 1);
                    if (strategy.singleUseHosts() && left != null && left == 0) {
                        // A single-use host goes away with its last call, deleted by the rule's own hook.
                        state = deleteAtOnce(state, r.host, ids.next(), r.at);
                        deletes++;
                        busy.remove(r.host);
                        bootedAt.remove(r.host);
                    }
                } else if (nextStart != null && nextStart.isBefore(tickEnd)) {
                    Call c = trace.get(nextCall++);
                    String host = place(state.pools().get(POOL), busy, bootedAt, used, c.start());
                    if (host == null) {
                        rejected++;
                    } else {
                        busy.merge(host, 1, Integer::sum);
                        releases.add(new Release(c.end(), host));
                        if (strategy.singleUseHosts()) {
                            used.add(host);
                        }
                    }
                } else {
                    break;
                }
            }
            now = tickEnd;
            PoolState pool = state.pools().get(POOL);
            Map<String, HostObservation> obs = new HashMap<>();
            for (Host h : pool.hostList()) {
                Instant booted = bootedAt.get(h.name());
                if (booted != null && !booted.isAfter(now)) {
                    int idle = cfg.capacityPerHost() - busy.getOrDefault(h.name(), 0);
                    obs.put(
                            h.name(),
                            new HostObservation(
                                    ProbeResult.gateway(Duration.ofMillis(5), new GatewayCapacity(idle, false), now),
                                    null,
                                    ServerStatus.ACTIVE));
                } else {
                    obs.put(h.name(), new HostObservation(null, null, ServerStatus.BUILD));
                }
            }
            List<Decision> decisions = strategy.decide(pool, new PoolObservation(obs, Set.of()), now, ids);
            for (Command c : strategy.toCommit(1, now)) {
                state = Transitions.apply(state, retarget(c), 0).state();
            }
            for (Decision d : decisions) {
                Applied a = Transitions.apply(state, new Command.Propose(d, 1, now), 0);
                if (!a.isAccepted()) {
                    continue;
                }
                state = a.state();
                if (d instanceof Decision.CreateHost c) {
                    creates++;
                    bootedAt.put(c.hostName(), now.plus(bootDelay));
                    state = apply(
                            state,
                            new Command.RecordOutcome(
                                    d.id(),
                                    Outcome.DONE,
                                    "",
                                    Map.of(Facts.SERVER_ID, "srv-" + c.hostName(), Facts.ADDRESS, "sim"),
                                    1,
                                    now));
                } else if (d instanceof Decision.DeleteHost x) {
                    deletes++;
                    if (busy.getOrDefault(x.hostName(), 0) > 0) {
                        busyDeleted++;
                    }
                    busy.remove(x.hostName());
                    bootedAt.remove(x.hostName());
                    releases.removeIf(r -> r.host.equals(x.hostName()));
                    state = apply(state, new Command.RecordOutcome(d.id(), Outcome.DONE, "", Map.of(), 1, now));
                }
            }
            pool = state.pools().get(POOL);
            int hosts = pool.hosts().size();
            peak = Math.max(peak, hosts);
            gatewaySeconds += (double) hosts * cfg.capacityPerHost() * period.toMillis() / 1000.0;
            int busyNow = busy.values().stream().mapToInt(Integer::intValue).sum();
            timeline.add(new SimReport.Sample(
                    Duration.between(start, now).toSeconds(),
                    hosts,
                    busyNow,
                    hosts * cfg.capacityPerHost() - busyNow,
                    rejected));
        }
        return new SimReport(
                strategy.name(),
                trace.size(),
                rejected,
                gatewaySeconds / 3600.0,
                peak,
                creates,
                deletes,
                busyDeleted,
                timeline);
    }

    /**
     * The physical limit of a trace: hosts that boot instantly and exist only while a call is on them reject
     * nothing, and their gateway-hours are the call-hours. Sampled every minute like the reference rules.
     */
    public static SimReport physicalLimit(List<Call> trace) {
        if (trace.isEmpty()) {
            return new SimReport(PHYSICAL_LIMIT, 0, 0, 0, 0, 0, 0, 0, List.of());
        }
        Instant start = trace.get(0).start();
        PriorityQueue<Instant> ends = new PriorityQueue<>();
        List<SimReport.Sample> timeline = new ArrayList<>();
        double callSeconds = 0;
        int peak = 0;
        int next = 0;
        Instant end = trace.stream().map(Call::end).max(Instant::compareTo).orElseThrow();
        for (Instant t = start; !t.isAfter(end.plusSeconds(60)); t = t.plusSeconds(60)) {
            while (next < trace.size() && !trace.get(next).start().isAfter(t)) {
                Call c = trace.get(next++);
                ends.add(c.end());
                callSeconds += Duration.between(c.start(), c.end()).toMillis() / 1000.0;
            }
            while (!ends.isEmpty() && !ends.peek().isAfter(t)) {
                ends.poll();
            }
            peak = Math.max(peak, ends.size());
            timeline.add(new SimReport.Sample(Duration.between(start, t).toSeconds(), ends.size(), ends.size(), 0, 0));
        }
        return new SimReport(
                PHYSICAL_LIMIT, trace.size(), 0, callSeconds / 3600.0, peak, trace.size(), trace.size(), 0, timeline);
    }

    /** The fullest READY host that has booted and has a free gateway, or null. */
    private String place(
            PoolState pool, Map<String, Integer> busy, Map<String, Instant> bootedAt, Set<String> used, Instant at) {
        String best = null;
        int bestBusy = -1;
        for (Host h : pool.hostList()) {
            Instant booted = bootedAt.get(h.name());
            boolean usable = (h.state() == HostState.READY || h.state() == HostState.CREATING)
                    && booted != null
                    && !booted.isAfter(at)
                    && !used.contains(h.name());
            int b = busy.getOrDefault(h.name(), 0);
            if (usable && b < cfg.capacityPerHost() && b > bestBusy) {
                best = h.name();
                bestBusy = b;
            }
        }
        return best;
    }

    /** The simulated pool has its own name: a strategy's replicated facts are recorded against it. */
    private static Command retarget(Command c) {
        return c instanceof Command.RecordArrivals r
                ? new Command.RecordArrivals(POOL, r.minute(), r.count(), r.term(), r.at())
                : c;
    }

    private static ClusterState deleteAtOnce(ClusterState s, String host, String id, Instant at) {
        Decision d = new Decision.DeleteHost(id, POOL, host, "its single call ended");
        ClusterState t = apply(s, new Command.Propose(d, 1, at));
        return apply(t, new Command.RecordOutcome(id, Outcome.DONE, "", Map.of(), 1, at));
    }

    private static ClusterState apply(ClusterState s, Command c) {
        Applied a = Transitions.apply(s, c, 0);
        if (!a.isAccepted()) {
            throw new IllegalStateException("simulator command refused: " + a.refusal());
        }
        return a.state();
    }

    private record Release(Instant at, String host) {}
}
