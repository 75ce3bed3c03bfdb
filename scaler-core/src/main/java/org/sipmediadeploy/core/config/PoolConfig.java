package org.sipmediadeploy.core.config;

import java.time.Duration;
import java.util.Objects;
import org.sipmediadeploy.core.model.PoolMode;

/**
 * The gateway pool. Hosts count {@code capacityPerHost} gateways; the pool stays within
 * [{@code minHosts}, {@code maxHosts}] and aims at the schedule's spare idle gateways. A creating host counts as full
 * capacity until {@code bootTimeout}; surplus is removed only after it held for {@code scaleInAfter}, and never
 * from hosts younger than {@code protectNew}; a host not answering for {@code unknownGrace} is replaced. Quota
 * errors back off from {@code backoffBase}, doubling up to {@code backoffMax}. {@code mode} is the configured
 * mode: DRY_RUN or PAUSED holds whatever the replicated mode says (an operator's "auto" cannot undo the file).
 */
public record PoolConfig(
        String name,
        ServerTemplate server,
        int capacityPerHost,
        int minHosts,
        int maxHosts,
        SpareSchedule spare,
        StatusEndpoint status,
        Duration evaluationPeriod,
        Duration bootTimeout,
        Duration scaleInAfter,
        Duration protectNew,
        Duration unknownGrace,
        Duration backoffBase,
        Duration backoffMax,
        PoolMode mode) {
    /** A pool configured in mode AUTO. */
    public PoolConfig(
            String name,
            ServerTemplate server,
            int capacityPerHost,
            int minHosts,
            int maxHosts,
            SpareSchedule spare,
            StatusEndpoint status,
            Duration evaluationPeriod,
            Duration bootTimeout,
            Duration scaleInAfter,
            Duration protectNew,
            Duration unknownGrace,
            Duration backoffBase,
            Duration backoffMax) {
        this(
                name,
                server,
                capacityPerHost,
                minHosts,
                maxHosts,
                spare,
                status,
                evaluationPeriod,
                bootTimeout,
                scaleInAfter,
                protectNew,
                unknownGrace,
                backoffBase,
                backoffMax,
                PoolMode.AUTO);
    }

    public PoolConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(mode, "mode");
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
