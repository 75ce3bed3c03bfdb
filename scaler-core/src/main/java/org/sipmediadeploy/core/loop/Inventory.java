package org.sipmediadeploy.core.loop;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.sipmediadeploy.core.config.PairConfig;
import org.sipmediadeploy.core.model.FloatingIp;
import org.sipmediadeploy.core.model.Server;
import org.sipmediadeploy.core.port.Cloud;

/**
 * The cached cloud listing: the tagged servers and the pairs' floating IPs, re-read at most every period by the rest
 * lane. The servers are the rest lane's alone; the floating IPs are shared with the pair lane (any thread), which
 * reads a pair's afresh before a move and drops it after one.
 */
final class Inventory {
    private final LoopSpec spec;
    private final Cloud cloud;
    private final Map<String, Server> servers = new HashMap<>();
    private final Map<String, FloatingIp> floatingIps = new ConcurrentHashMap<>();
    private Duration period = Duration.ofSeconds(5);
    private Instant lastRead;
    private boolean seen;
    private boolean fresh;

    Inventory(LoopSpec spec, Cloud cloud) {
        this.spec = spec;
        this.cloud = cloud;
    }

    void period(Duration p) {
        this.period = p;
    }

    /** Re-reads the listing when it is a period old (or never read); whether it did. */
    boolean refresh(Instant now) {
        if (lastRead != null && Duration.between(lastRead, now).compareTo(period) < 0) {
            return false;
        }
        lastRead = now;
        servers.clear();
        for (Server s : cloud.listServers(spec.tag(), null)) {
            servers.put(s.id(), s);
        }
        for (PairConfig cfg : spec.pairs().values()) {
            cloud.floatingIpByAddress(cfg.floatingIp()).ifPresent(f -> floatingIps.put(cfg.name(), f));
        }
        seen = true;
        fresh = true;
        return true;
    }

    /** A new term: the next pass reads the listing again. */
    void expire() {
        lastRead = null;
    }

    /** Whether the listing was read at least once: nothing destructive before the first full observation. */
    boolean seen() {
        return seen;
    }

    /** Whether the listing was read since the last call (the orphan sweep runs only on a fresh one). */
    boolean takeFresh() {
        boolean was = fresh;
        fresh = false;
        return was;
    }

    Optional<Server> server(String id) {
        return Optional.ofNullable(servers.get(id));
    }

    List<Server> servers() {
        return List.copyOf(servers.values());
    }

    /** Forgets a server the loop just deleted (until the next read). */
    void removeServer(String id) {
        servers.remove(id);
    }

    Optional<FloatingIp> floatingIp(String pair) {
        return Optional.ofNullable(floatingIps.get(pair));
    }

    void floatingIp(String pair, FloatingIp f) {
        floatingIps.put(pair, f);
    }

    void forgetFloatingIp(String pair) {
        floatingIps.remove(pair);
    }
}
