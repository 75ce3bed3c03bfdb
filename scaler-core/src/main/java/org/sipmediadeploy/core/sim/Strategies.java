package org.sipmediadeploy.core.sim;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.sipmediadeploy.core.config.PoolConfig;
import org.sipmediadeploy.core.config.SpareSchedule;
import org.sipmediadeploy.core.decision.Decision;
import org.sipmediadeploy.core.model.GatewayCapacity;
import org.sipmediadeploy.core.model.Host;
import org.sipmediadeploy.core.model.HostState;
import org.sipmediadeploy.core.model.PoolState;
import org.sipmediadeploy.core.policy.DecisionIds;
import org.sipmediadeploy.core.policy.PoolObservation;
import org.sipmediadeploy.core.policy.ScalingMemory;
import org.sipmediadeploy.core.policy.ScalingPolicy;
import org.sipmediadeploy.core.policy.ScalingVerdict;

/** The strategies the simulator compares. */
public final class Strategies {
    private Strategies() {
    }

    /** This project's {@link ScalingPolicy}, run every evaluation period. */
    public static PoolStrategy scalingPolicy(PoolConfig cfg) {
        return new PoolStrategy() {
            private ScalingMemory memory = ScalingMemory.NONE;

            @Override
            public String name() {
                return "scaling-policy";
            }

            @Override
            public Duration period() {
                return cfg.evaluationPeriod();
            }

            @Override
            public List<Decision> decide(PoolState pool, PoolObservation obs, Instant now, DecisionIds ids) {
                ScalingVerdict v = ScalingPolicy.decide(pool, obs, cfg, memory, now, ids);
                memory = v.memory();
                return v.decisions();
            }
        };
    }

    /**
     * The 2022 system's rule: every 60 s, if fewer than the spare minimum are idle on answering hosts, create the
     * difference; booting hosts are not counted, nothing is ever deleted.
     */
    public static PoolStrategy fixedSpareMinimum(PoolConfig cfg, int spareMin) {
        return every60s("fixed-spare-min-60s", (pool, obs, now, ids) -> {
            List<Decision> out = new ArrayList<>();
            readyHosts(pool, obs, out, ids);
            int idle = idleOnAnswering(pool, obs);
            for (int i = 0; i < ceilDiv(spareMin - idle, cfg.capacityPerHost()); i++) {
                String id = ids.next();
                out.add(new Decision.CreateHost(id, pool.name(), pool.name() + "-" + id, "idle < spare-min"));
            }
            return out;
        });
    }

    /**
     * The time-of-day threshold rule (SIPMediaGW v1.5 style): every 60 s, compare the idle gateways of answering
     * hosts with the threshold of the hour; below it create one host, above it by a whole host delete one idle host.
     */
    public static PoolStrategy timeOfDayThreshold(PoolConfig cfg) {
        return timeOfDayThreshold(cfg, cfg.spare());
    }

    /** The time-of-day threshold rule with its own thresholds ({@code thresholds}) instead of the pool's spare. */
    public static PoolStrategy timeOfDayThreshold(PoolConfig cfg, SpareSchedule thresholds) {
        return every60s("time-of-day-threshold-60s", (pool, obs, now, ids) -> {
            List<Decision> out = new ArrayList<>();
            readyHosts(pool, obs, out, ids);
            int idle = idleOnAnswering(pool, obs);
            int threshold = thresholds.spareAt(now);
            long live = pool.hostList().stream().filter(h -> h.state() != HostState.DELETING).count();
            if (idle < threshold && live < cfg.maxHosts()) {
                String id = ids.next();
                out.add(new Decision.CreateHost(id, pool.name(), pool.name() + "-" + id, "below threshold"));
            } else if (idle - threshold >= cfg.capacityPerHost() && live > cfg.minHosts()) {
                pool.hostList().stream()
                        .filter(h -> h.state() == HostState.READY)
                        .filter(h -> {
                            GatewayCapacity c = obs.of(h.name()).capacity();
                            return c != null && c.idleGateways() >= cfg.capacityPerHost();
                        })
                        .max(Comparator.comparing(Host::createdAt))
                        .ifPresent(h -> out.add(new Decision.DeleteHost(ids.next(), pool.name(), h.name(),
                                "above threshold")));
            }
            return out;
        });
    }

    /** The reference rules' shape: a name, a 60 s poll, a decision function. */
    private interface Rule {
        List<Decision> decide(PoolState pool, PoolObservation obs, Instant now, DecisionIds ids);
    }

    private static PoolStrategy every60s(String name, Rule rule) {
        return new PoolStrategy() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Duration period() {
                return Duration.ofSeconds(60);
            }

            @Override
            public List<Decision> decide(PoolState pool, PoolObservation obs, Instant now, DecisionIds ids) {
                return rule.decide(pool, obs, now, ids);
            }
        };
    }

    private static void readyHosts(PoolState pool, PoolObservation obs, List<Decision> out, DecisionIds ids) {
        for (Host h : pool.hostList()) {
            if (h.state() == HostState.CREATING && obs.of(h.name()).capacity() != null) {
                out.add(new Decision.HostReady(ids.next(), pool.name(), h.name(), "answers"));
            }
        }
    }

    private static int idleOnAnswering(PoolState pool, PoolObservation obs) {
        int idle = 0;
        for (Host h : pool.hostList()) {
            GatewayCapacity c = obs.of(h.name()).capacity();
            if (c != null && h.state() != HostState.DRAINING && h.state() != HostState.DELETING) {
                idle += c.idleGateways();
            }
        }
        return idle;
    }

    private static int ceilDiv(int a, int b) {
        return a <= 0 ? 0 : (a + b - 1) / b;
    }
}
