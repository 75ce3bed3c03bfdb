package org.sipmediadeploy.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The gateway pool. Hosts count {@code capacityPerHost} gateways; the pool stays within
 * [{@code minHosts}, {@code maxHosts}] and aims at the schedule's spare idle gateways. A creating host counts as full
 * capacity until {@code bootTimeout}; surplus is removed only after it held for {@code scaleInAfter}, and never
 * from hosts younger than {@code protectNew}; a host not answering for {@code unknownGrace} is replaced. Quota
 * errors back off from {@code backoffBase}, doubling up to {@code backoffMax}.
 */
public record PoolConfig(String name, ServerTemplate server, int capacityPerHost, int minHosts, int maxHosts,
                         SpareSchedule spare, StatusEndpoint status, Duration evaluationPeriod, Duration bootTimeout,
                         Duration scaleInAfter, Duration protectNew, Duration unknownGrace, Duration backoffBase,
                         Duration backoffMax) {
    public PoolConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(spare, "spare");
        Objects.requireNonNull(status, "status");
        if (capacityPerHost < 1) {
            throw new IllegalArgumentException("capacity per host must be >= 1");
        }
        if (minHosts < 0 || maxHosts < minHosts) {
            throw new IllegalArgumentException("need 0 <= min-hosts <= max-hosts, got " + minHosts + ", " + maxHosts);
        }
    }
}
