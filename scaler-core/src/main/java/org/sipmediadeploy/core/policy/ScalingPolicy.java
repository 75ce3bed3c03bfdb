package org.sipmediadeploy.core.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.sipmediadeploy.core.config.PoolConfig;
import org.sipmediadeploy.core.decision.Decision;
import org.sipmediadeploy.core.model.GatewayCapacity;
import org.sipmediadeploy.core.model.Host;
import org.sipmediadeploy.core.model.HostState;
import org.sipmediadeploy.core.model.PoolMode;
import org.sipmediadeploy.core.model.PoolState;
import org.sipmediadeploy.core.model.ServerStatus;

/**
 * Keeps enough idle gateways in the pool. Pure: {@code (pool, observation, config, memory, now)} in, decisions out.
 * <ul>
 *   <li>target idle = the largest of the floor (the schedule's default spare, one while the pool is quiet), the
 *       schedule (cold start only), a headroom proportional to the busy gateways, a surge proportional to the calls
 *       seen in the last 60 s and the {@link DemandForecast} of the calls arriving before a host created now
 *       answers; every create or drain names the term that set it; live hosts stay within
 *       [min, max];</li>
 *   <li>the calls seen arriving (rises of busy gateways) are counted per minute; a finished minute is handed back
 *       for the replicated {@link org.sipmediadeploy.core.model.ArrivalHistory} the forecast reads;</li>
 *   <li>a CREATING host counts as full capacity until {@code bootTimeout} (no create storm while hosts boot), then
 *       it is deleted; a READY host counts what it reports; a host that does not answer counts nothing and is
 *       replaced after {@code unknownGrace};</li>
 *   <li>scale out at once: first put draining hosts back, then create; never above max, never during a quota
 *       back-off;</li>
 *   <li>scale in only after a whole host's worth of surplus held for {@code scaleInAfter}: drain one idle host
 *       older than {@code protectNew}, delete it once it reports no busy gateway;</li>
 *   <li>a host reporting "can be terminated" is deleted (and its capacity replaced by the count above);</li>
 *   <li>at most one destructive decision (drain or delete) per pass.</li>
 * </ul>
 */
public final class ScalingPolicy {
    public static final String FLOOR = "floor";
    public static final String SURGE_TERM = "surge";
    public static final String SCHEDULE = "schedule";
    public static final String HEADROOM_TERM = "headroom";
    public static final String FORECAST = "forecast";

    private ScalingPolicy() {}

    public static ScalingVerdict decide(
            PoolState pool, PoolObservation obs, PoolConfig cfg, ScalingMemory memory, Instant now, DecisionIds ids) {
        int scheduled = cfg.spare().spareAt(now);
        List<Decision> out = new ArrayList<>();
        List<Alarm> alarms = new ArrayList<>();
        DemandEstimate demand = memory.demand();
        if (pool.mode() == PoolMode.PAUSED) {
            return new ScalingVerdict(
                    out,
                    alarms,
                    new ScalingMemory(null, demand, memory.minute(), memory.minuteArrivals()),
                    scheduled,
                    0,
                    0,
                    SCHEDULE,
                    null);
        }
        int idle = 0;
        int live = 0;
        int busy = 0;
        int readyIdle = 0;
        // One destructive decision per pass: a host leaves the live count only when it is the one deleted, since
        // the others still exist and still count towards max-hosts.
        Decision destructive = null;
        List<Host> draining = new ArrayList<>();
        List<Host> removable = new ArrayList<>();
        for (Host h : pool.hostList()) {
            HostObservation o = obs.of(h.name());
            GatewayCapacity cap = o.capacity();
            boolean open = obs.hostsWithOpenWork().contains(h.name());
            if (cap != null && h.state() != HostState.DELETING) {
                busy += Math.max(0, cfg.capacityPerHost() - cap.idleGateways());
            }
            switch (h.state()) {
                case CREATING -> {
                    live++;
                    boolean timedOut = Duration.between(h.createdAt(), now).compareTo(cfg.bootTimeout()) > 0;
                    if (open) {
                        idle += cfg.capacityPerHost();
                    } else if (cap != null) {
                        demand = demand.observeBoot(Duration.between(h.createdAt(), now));
                        out.add(new Decision.HostReady(
                                ids.next(),
                                pool.name(),
                                h.name(),
                                h.name() + " answers its status with " + cap.idleGateways() + " idle"));
                        idle += cap.idleGateways();
                    } else if (timedOut || o.serverStatus() == ServerStatus.ERROR) {
                        if (destructive == null) {
                            live--;
                            destructive = new Decision.DeleteHost(
                                    ids.next(),
                                    pool.name(),
                                    h.name(),
                                    h.name()
                                            + (timedOut
                                                    ? " not ready after boot-timeout " + cfg.bootTimeout()
                                                    : " server in ERROR"));
                        }
                    } else {
                        idle += cfg.capacityPerHost();
                    }
                }
                case READY -> {
                    live++;
                    if (cap != null && cap.canBeTerminated()) {
                        if (destructive == null) {
                            live--;
                            destructive = new Decision.DeleteHost(
                                    ids.next(), pool.name(), h.name(), h.name() + " reports it can be terminated");
                        }
                    } else if (cap != null) {
                        idle += cap.idleGateways();
                        readyIdle += cap.idleGateways();
                        if (cap.idleGateways() >= cfg.capacityPerHost() && !o.busyAtRouter()) {
                            removable.add(h);
                        }
                    } else if ((silentFor(o, now).compareTo(cfg.unknownGrace()) >= 0 && !o.callAtRouter())
                            || o.serverStatus() == ServerStatus.DELETED
                            || o.serverStatus() == ServerStatus.ERROR) {
                        if (destructive == null) {
                            live--;
                            destructive = new Decision.DeleteHost(
                                    ids.next(), pool.name(), h.name(), h.name() + " lost: " + lostReason(o, now));
                        }
                    }
                }
                case DRAINING -> {
                    live++;
                    draining.add(h);
                    if (cap != null && cap.idleGateways() >= cfg.capacityPerHost() && !o.busyAtRouter()) {
                        if (destructive == null) {
                            live--;
                            destructive = new Decision.DeleteHost(
                                    ids.next(), pool.name(), h.name(), h.name() + " drained: no busy gateway");
                        }
                    } else if (cap == null
                            && silentFor(o, now).compareTo(cfg.unknownGrace()) >= 0
                            && !o.callAtRouter()) {
                        if (destructive == null) {
                            live--;
                            destructive = new Decision.DeleteHost(
                                    ids.next(),
                                    pool.name(),
                                    h.name(),
                                    h.name() + " lost while draining: " + lostReason(o, now));
                        }
                    }
                }
                case FAILED ->
                    destructive = first(
                            destructive,
                            new Decision.DeleteHost(
                                    ids.next(), pool.name(), h.name(), h.name() + " failed to create: cleaning up"));
                case DELETING -> {
                    // In dry run a delete is recorded SKIPPED: retrying it every pass would only flood the history.
                    if (!open && pool.mode() != PoolMode.DRY_RUN) {
                        destructive = first(
                                destructive,
                                new Decision.DeleteHost(
                                        ids.next(),
                                        pool.name(),
                                        h.name(),
                                        h.name() + " still present: retrying delete"));
                    }
                }
                default -> throw new AssertionError(h.state());
            }
        }

        // Calls that arrived since the last pass (net rises of busy gateways), counted per minute.
        int rise = demand.lastBusy() < 0 ? 0 : Math.max(0, busy - demand.lastBusy());
        demand = demand.observeBusy(busy, now);
        long minute = Math.floorDiv(now.getEpochSecond(), 60);
        ScalingVerdict.MinuteArrivals closed = null;
        long countingMinute = memory.minute();
        int counted = memory.minuteArrivals() + rise;
        if (countingMinute < 0 || minute > countingMinute) {
            if (countingMinute >= 0) {
                closed = new ScalingVerdict.MinuteArrivals(countingMinute, memory.minuteArrivals());
            }
            countingMinute = minute;
            counted = rise;
        }

        // The calls of the last 60 s: this minute so far and the part of the previous one still inside the window.
        int previous =
                closed != null ? closed.count() : Math.max(0, pool.arrivals().at(minute - 1));
        long second = Math.floorMod(now.getEpochSecond(), 60);
        int lastMinute = counted + (int) Math.ceil(previous * (60 - second) / 60.0 - 1e-9);
        SpareTarget.Target t = SpareTarget.of(pool, cfg, demand, busy, lastMinute, readyIdle == 0, now);
        int target = t.spare();
        int deficit = target - idle;
        int wantHosts = Math.max(cfg.minHosts() - live, deficit > 0 ? ceilDiv(deficit, cfg.capacityPerHost()) : 0);
        ScalingMemory nextMemory = new ScalingMemory(null, demand, countingMinute, counted);
        if (wantHosts > 0) {
            // Scale out at once: first take back draining hosts that still answer.
            for (Host h : draining) {
                GatewayCapacity cap = obs.of(h.name()).capacity();
                if (wantHosts > 0 && cap != null && (destructive == null || !targets(destructive, h.name()))) {
                    out.add(new Decision.UndrainHost(
                            ids.next(), pool.name(), h.name(), "demand back: " + idle + " idle < target " + target));
                    idle += cap.idleGateways();
                    wantHosts =
                            Math.max(cfg.minHosts() - live, ceilDiv(Math.max(0, target - idle), cfg.capacityPerHost()));
                }
            }
            int room = cfg.maxHosts() - live;
            int create = Math.min(wantHosts, room);
            if (create < wantHosts) {
                alarms.add(new Alarm(
                        pool.name(),
                        "at max-hosts " + cfg.maxHosts() + ": " + idle + " idle gateways, target " + target));
            }
            if (create > 0 && pool.backoffUntil() != null && now.isBefore(pool.backoffUntil())) {
                alarms.add(new Alarm(
                        pool.name(),
                        "cloud refused creates (quota / no valid host) " + pool.createFailures()
                                + " times: backing off until " + pool.backoffUntil()));
                create = 0;
            }
            for (int i = 0; i < create; i++) {
                String id = ids.next();
                out.add(new Decision.CreateHost(
                        id,
                        pool.name(),
                        pool.name() + "-" + id,
                        "idle " + idle + " < target " + target + " set by " + t.reason() + " (live hosts " + live
                                + ", min " + cfg.minHosts() + ")"));
            }
        } else if (idle - target >= cfg.capacityPerHost() && live > cfg.minHosts()) {
            // The surplus timer keeps running while another host is being drained or deleted: resetting it there
            // would scale in one host per scale-in-after, holding idle hosts long after demand left.
            Instant since = memory.surplusSince() == null ? now : memory.surplusSince();
            nextMemory = new ScalingMemory(since, demand, countingMinute, counted);
            if (destructive == null && Duration.between(since, now).compareTo(cfg.scaleInAfter()) >= 0) {
                Optional<Host> victim = removable.stream()
                        .filter(h -> Duration.between(h.createdAt(), now).compareTo(cfg.protectNew()) >= 0)
                        .filter(h -> !obs.hostsWithOpenWork().contains(h.name()))
                        .max(Comparator.comparing(Host::createdAt).thenComparing(Host::name));
                if (victim.isPresent()) {
                    destructive = new Decision.DrainHost(
                            ids.next(),
                            pool.name(),
                            victim.get().name(),
                            "surplus: " + idle + " idle > target " + target + " (" + t.reason() + ") for "
                                    + Duration.between(since, now).toSeconds() + " s");
                }
            }
        }
        if (destructive != null) {
            out.add(destructive);
        }
        // DRY_RUN decides as AUTO: the loop commits the decisions and records them SKIPPED instead of acting.
        return new ScalingVerdict(out, alarms, nextMemory, target, idle, live, t.driver(), closed);
    }

    /** Until when creates are backed off after the {@code failures}-th quota / no-valid-host error in a row. */
    public static Instant backoffUntil(int failures, Instant now, PoolConfig cfg) {
        long base = cfg.backoffBase().toMillis();
        long max = cfg.backoffMax().toMillis();
        long delay = base;
        for (int i = 1; i < failures && delay < max; i++) {
            delay *= 2;
        }
        return now.plusMillis(Math.min(delay, max));
    }

    private static Decision first(Decision current, Decision candidate) {
        return current != null ? current : candidate;
    }

    private static boolean targets(Decision d, String host) {
        return d instanceof Decision.DeleteHost x && x.hostName().equals(host);
    }

    private static Duration silentFor(HostObservation o, Instant now) {
        return o.silentSince() == null ? Duration.ZERO : Duration.between(o.silentSince(), now);
    }

    private static String lostReason(HostObservation o, Instant now) {
        if (o.serverStatus() == ServerStatus.DELETED) {
            return "its server is gone";
        }
        if (o.serverStatus() == ServerStatus.ERROR) {
            return "its server is in ERROR";
        }
        return "no status answer for " + silentFor(o, now).toSeconds() + " s ("
                + (o.lastStatus() == null ? "never answered" : o.lastStatus().reason()) + ")";
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
