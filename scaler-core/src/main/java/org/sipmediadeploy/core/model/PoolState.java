package org.sipmediadeploy.core.model;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Replicated state of the gateway pool: hosts by name (sorted, for deterministic iteration), mode, and the
 * cloud back-off after quota or no-valid-host errors ({@code backoffUntil} null when none), and the calls seen
 * arriving per minute ({@code arrivals}), from which the scaling policy forecasts the next boot window.
 */
public record PoolState(
        String name,
        PoolMode mode,
        Map<String, Host> hosts,
        int createFailures,
        Instant backoffUntil,
        ArrivalHistory arrivals) {
    public PoolState {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(mode, "mode");
        hosts = java.util.Collections.unmodifiableMap(new TreeMap<>(hosts));
        if (createFailures < 0) {
            throw new IllegalArgumentException("createFailures must be >= 0");
        }
        arrivals = arrivals == null ? ArrivalHistory.EMPTY : arrivals;
    }

    /** A pool without learnt demand (what states written before it was replicated hold). */
    public PoolState(String name, PoolMode mode, Map<String, Host> hosts, int createFailures, Instant backoffUntil) {
        this(name, mode, hosts, createFailures, backoffUntil, ArrivalHistory.EMPTY);
    }

    public static PoolState empty(String name) {
        return new PoolState(name, PoolMode.AUTO, Map.of(), 0, null);
    }

    public Optional<Host> host(String hostName) {
        return Optional.ofNullable(hosts.get(hostName));
    }

    public Collection<Host> hostList() {
        return hosts.values();
    }

    public PoolState withHost(Host host) {
        TreeMap<String, Host> next = new TreeMap<>(hosts);
        next.put(host.name(), host);
        return new PoolState(name, mode, next, createFailures, backoffUntil, arrivals);
    }

    public PoolState withoutHost(String hostName) {
        TreeMap<String, Host> next = new TreeMap<>(hosts);
        next.remove(hostName);
        return new PoolState(name, mode, next, createFailures, backoffUntil, arrivals);
    }

    public PoolState withMode(PoolMode next) {
        return new PoolState(name, next, hosts, createFailures, backoffUntil, arrivals);
    }

    public PoolState withArrivals(long minute, int count) {
        return new PoolState(name, mode, hosts, createFailures, backoffUntil, arrivals.record(minute, count));
    }

    public PoolState withBackoff(int failures, Instant until) {
        return new PoolState(name, mode, hosts, failures, until, arrivals);
    }
}
