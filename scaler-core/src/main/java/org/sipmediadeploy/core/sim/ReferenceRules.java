package org.sipmediadeploy.core.sim;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.sipmediadeploy.core.config.PoolConfig;
import org.sipmediadeploy.core.decision.Decision;
import org.sipmediadeploy.core.model.GatewayCapacity;
import org.sipmediadeploy.core.model.Host;
import org.sipmediadeploy.core.model.HostState;
import org.sipmediadeploy.core.model.PoolState;
import org.sipmediadeploy.core.policy.DecisionIds;
import org.sipmediadeploy.core.policy.PoolObservation;

/**
 * The scalers this project is compared with, as their own code runs them (each polls every 60 s and counts in
 * gateways): SimpleScaleVM of 2022 and the SIPMediaGW v1.5 scaler.
 */
public final class ReferenceRules {
    static final Duration POLL = Duration.ofSeconds(60);

    private ReferenceRules() {}

    /** One line of the v1.5 threshold table: from {@code from} (local time) on, these two settings hold. */
    public record Threshold(LocalTime from, int unlockedMin, double loadMax) {
        public Threshold {
            Objects.requireNonNull(from, "from");
            if (unlockedMin < 0 || !(loadMax > 0 && loadMax <= 1)) {
                throw new IllegalArgumentException(
                        "need unlockedMin >= 0 and 0 < loadMax <= 1, got " + unlockedMin + ", " + loadMax);
            }
        }
    }

    /** The v1.5 table: the line in force is the latest one starting at or before the local time of day. */
    public record ThresholdTable(List<Threshold> lines, ZoneId zone) {
        public ThresholdTable {
            lines = lines.stream().sorted(Comparator.comparing(Threshold::from)).toList();
            Objects.requireNonNull(zone, "zone");
            if (lines.isEmpty() || !lines.get(0).from().equals(LocalTime.MIDNIGHT)) {
                throw new IllegalArgumentException("the threshold table needs a line from 00:00");
            }
        }

        /** The sample table shipped with SIPMediaGW v1.5 (French office hours). */
        public static ThresholdTable sample(ZoneId zone) {
            return new ThresholdTable(
                    List.of(
                            new Threshold(LocalTime.of(0, 0), 2, 0.9),
                            new Threshold(LocalTime.of(7, 0), 4, 0.75),
                            new Threshold(LocalTime.of(9, 0), 8, 0.75),
                            new Threshold(LocalTime.of(10, 30), 8, 0.75),
                            new Threshold(LocalTime.of(12, 30), 4, 0.8),
                            new Threshold(LocalTime.of(13, 0), 8, 0.75),
                            new Threshold(LocalTime.of(14, 30), 4, 0.75),
                            new Threshold(LocalTime.of(17, 0), 2, 0.8),
                            new Threshold(LocalTime.of(20, 0), 2, 0.9)),
                    zone);
        }

        public Threshold at(Instant now) {
            LocalTime t = now.atZone(zone).toLocalTime();
            Threshold in = lines.get(0);
            for (Threshold l : lines) {
                if (!l.from().isAfter(t)) {
                    in = l;
                }
            }
            return in;
        }
    }

    /**
     * SimpleScaleVM (2022): a gateway host serves one call and is deleted when that call ends; every 60 s, if the
     * idle plus the creating gateways are fewer than {@code min}, it creates the difference.
     */
    public static PoolStrategy simpleScaleVm2022(PoolConfig cfg, int min) {
        return new Rule("simplescalevm-2022", true) {
            @Override
            public List<Decision> decide(PoolState pool, PoolObservation obs, Instant now, DecisionIds ids) {
                List<Decision> out = new ArrayList<>();
                Gateways g = count(pool, obs, cfg, out, ids);
                int missing = min - g.idle - g.creating;
                int room = cfg.maxHosts() - g.hosts;
                create(
                        pool,
                        Math.min(room, ceilDiv(missing, cfg.capacityPerHost())),
                        ids,
                        out,
                        "idle " + g.idle + " + creating " + g.creating + " < min " + min);
                return out;
            }
        };
    }

    /**
     * The SIPMediaGW v1.5 scaler: reusable hosts; every 60 s, with ready = idle gateways, inCall = busy ones and
     * current = all gateways including creating ones, and the table's unlockedMin / loadMax of the hour: if ready
     * is below unlockedMin it grows by the difference (then counts current as inCall + unlockedMin, as its code
     * does); then target = max(inCall + unlockedMin, ceil(inCall / loadMax)), both capped at max-hosts, and it grows
     * to the target or deletes idle hosts down to it.
     */
    public static PoolStrategy sipMediaGwV15(PoolConfig cfg, ThresholdTable table) {
        return new Rule("sipmediagw-v1.5", false) {
            @Override
            public List<Decision> decide(PoolState pool, PoolObservation obs, Instant now, DecisionIds ids) {
                List<Decision> out = new ArrayList<>();
                Gateways g = count(pool, obs, cfg, out, ids);
                Threshold th = table.at(now);
                int maxGw = cfg.maxHosts() * cfg.capacityPerHost();
                int current = g.idle + g.busy + g.creating;
                if (g.idle < th.unlockedMin()) {
                    int grown = Math.min(current + th.unlockedMin() - g.idle, maxGw);
                    create(
                            pool,
                            ceilDiv(grown - current, cfg.capacityPerHost()),
                            ids,
                            out,
                            "ready " + g.idle + " < unlockedMin " + th.unlockedMin());
                    current = Math.min(g.busy + th.unlockedMin(), maxGw);
                }
                int target = Math.min(maxGw, Math.max(g.busy + th.unlockedMin(), (int)
                        Math.ceil(g.busy / th.loadMax() - 1e-9)));
                if (target > current) {
                    create(
                            pool,
                            ceilDiv(target - current, cfg.capacityPerHost()),
                            ids,
                            out,
                            "inCall " + g.busy + " / loadMax " + th.loadMax() + " > current " + current);
                } else if (current - target >= cfg.capacityPerHost()) {
                    int remove = (current - target) / cfg.capacityPerHost();
                    pool.hostList().stream()
                            .filter(h -> h.state() == HostState.READY)
                            .filter(h -> {
                                GatewayCapacity c = obs.of(h.name()).capacity();
                                return c != null && c.idleGateways() >= cfg.capacityPerHost();
                            })
                            .sorted(Comparator.comparing(Host::createdAt)
                                    .reversed()
                                    .thenComparing(Host::name))
                            .limit(remove)
                            .forEach(h -> out.add(new Decision.DeleteHost(
                                    ids.next(),
                                    pool.name(),
                                    h.name(),
                                    "current " + g.total() + " > target " + target)));
                }
                return out;
            }
        };
    }

    /** Gateways by kind: idle and busy on hosts that answer, creating on hosts that do not yet. */
    private record Gateways(int idle, int busy, int creating, int hosts) {
        int total() {
            return idle + busy + creating;
        }
    }

    /** Counts the pool's gateways, marking hosts that answer for the first time ready (both rules do). */
    private static Gateways count(
            PoolState pool, PoolObservation obs, PoolConfig cfg, List<Decision> out, DecisionIds ids) {
        int idle = 0;
        int busy = 0;
        int creating = 0;
        int hosts = 0;
        for (Host h : pool.hostList()) {
            if (h.state() == HostState.DELETING || h.state() == HostState.FAILED) {
                continue;
            }
            hosts++;
            GatewayCapacity c = obs.of(h.name()).capacity();
            if (c == null) {
                creating += h.state() == HostState.CREATING ? cfg.capacityPerHost() : 0;
                continue;
            }
            if (h.state() == HostState.CREATING) {
                out.add(new Decision.HostReady(ids.next(), pool.name(), h.name(), "answers"));
            }
            idle += c.idleGateways();
            busy += cfg.capacityPerHost() - c.idleGateways();
        }
        return new Gateways(idle, busy, creating, hosts);
    }

    private static void create(PoolState pool, int hosts, DecisionIds ids, List<Decision> out, String reason) {
        for (int i = 0; i < hosts; i++) {
            String id = ids.next();
            out.add(new Decision.CreateHost(id, pool.name(), pool.name() + "-" + id, reason));
        }
    }

    private static int ceilDiv(int a, int b) {
        return a <= 0 ? 0 : (a + b - 1) / b;
    }

    private abstract static class Rule implements PoolStrategy {
        private final String name;
        private final boolean singleUse;

        Rule(String name, boolean singleUse) {
            this.name = name;
            this.singleUse = singleUse;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Duration period() {
            return POLL;
        }

        @Override
        public boolean singleUseHosts() {
            return singleUse;
        }
    }
}
