package org.sipmediadeploy.core;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.sipmediadeploy.core.config.FailoverSettings;
import org.sipmediadeploy.core.config.PoolConfig;
import org.sipmediadeploy.core.config.ServerTemplate;
import org.sipmediadeploy.core.config.SpareSchedule;
import org.sipmediadeploy.core.config.StatusEndpoint;
import org.sipmediadeploy.core.model.GatewayCapacity;
import org.sipmediadeploy.core.model.Host;
import org.sipmediadeploy.core.model.HostState;
import org.sipmediadeploy.core.model.Member;
import org.sipmediadeploy.core.model.PairMode;
import org.sipmediadeploy.core.model.PairState;
import org.sipmediadeploy.core.model.ProbeResult;
import org.sipmediadeploy.core.model.ServerStatus;
import org.sipmediadeploy.core.policy.HostObservation;
import org.sipmediadeploy.core.sim.Call;

/** Shared test values: one pair, one pool, a fixed clock origin. Nothing here reads the real clock. */
public final class Fixtures {
    /** A Monday, 10:00 UTC. */
    public static final Instant T0 = Instant.parse("2026-01-05T10:00:00Z");

    public static final Member A = new Member("srv-a", "sip-a", "port-a", "10.0.0.1");
    public static final Member B = new Member("srv-b", "sip-b", "port-b", "10.0.0.2");
    public static final String PAIR = "sip";
    public static final String POOL = "gw";
    public static final Duration MS = Duration.ofMillis(3);

    private Fixtures() {}

    /**
     * Calls from lines {@code start,end} in seconds after {@link #T0} (a note may follow after blanks), sorted by
     * start; lines not starting with a digit are notes.
     */
    // A line's first word is "start,end" (both present): dropping trailing empty fields cannot change it.
    @SuppressWarnings("StringSplitter")
    public static List<Call> calls(String lines) {
        return lines.lines()
                .map(String::strip)
                .filter(l -> !l.isEmpty() && Character.isDigit(l.charAt(0)))
                .map(l -> l.split("\\s")[0].split(","))
                .map(f -> new Call(
                        T0.plusSeconds(Long.parseLong(f[0].strip())), T0.plusSeconds(Long.parseLong(f[1].strip()))))
                .sorted(java.util.Comparator.comparing(Call::start))
                .toList();
    }

    /** Pair "sip" with A active, B standby, AUTO, no failover history, nothing being replaced. */
    public static PairState pair() {
        return new PairState(
                PAIR, List.of(A, B), A.serverId(), "fip-1", "203.0.113.10", PairMode.AUTO, List.of(), null);
    }

    public static FailoverSettings failover() {
        return FailoverSettings.defaults();
    }

    public static ServerTemplate template() {
        return new ServerTemplate("img", "flavor", "net", List.of("sg"), null, null, "");
    }

    public static StatusEndpoint status() {
        return new StatusEndpoint(8080, "/status", "idle", "terminate", Duration.ofSeconds(10), Duration.ofSeconds(1));
    }

    public static PoolCfg poolCfg() {
        return new PoolCfg();
    }

    /** Builder of {@link PoolConfig} with test defaults (capacity 4 per host, 0..10 hosts, spare 4). */
    public static final class PoolCfg {
        public int capacity = 4;
        public int min = 0;
        public int max = 10;
        public SpareSchedule spare = SpareSchedule.constant(4);
        public Duration period = Duration.ofSeconds(10);
        public Duration bootTimeout = Duration.ofMinutes(5);
        public Duration scaleInAfter = Duration.ofMinutes(10);
        public Duration protectNew = Duration.ofMinutes(15);
        public Duration unknownGrace = Duration.ofSeconds(60);
        public Duration backoffBase = Duration.ofSeconds(30);
        public Duration backoffMax = Duration.ofMinutes(10);

        public PoolCfg capacity(int v) {
            capacity = v;
            return this;
        }

        public PoolCfg min(int v) {
            min = v;
            return this;
        }

        public PoolCfg max(int v) {
            max = v;
            return this;
        }

        public PoolCfg spare(int v) {
            spare = SpareSchedule.constant(v);
            return this;
        }

        public PoolCfg spare(SpareSchedule v) {
            spare = v;
            return this;
        }

        public PoolCfg period(Duration v) {
            period = v;
            return this;
        }

        public PoolCfg bootTimeout(Duration v) {
            bootTimeout = v;
            return this;
        }

        public PoolCfg scaleInAfter(Duration v) {
            scaleInAfter = v;
            return this;
        }

        public PoolCfg protectNew(Duration v) {
            protectNew = v;
            return this;
        }

        public PoolCfg unknownGrace(Duration v) {
            unknownGrace = v;
            return this;
        }

        public PoolCfg backoff(Duration base, Duration maxDelay) {
            backoffBase = base;
            backoffMax = maxDelay;
            return this;
        }

        public PoolConfig build() {
            return new PoolConfig(
                    POOL,
                    template(),
                    capacity,
                    min,
                    max,
                    spare,
                    status(),
                    period,
                    bootTimeout,
                    scaleInAfter,
                    protectNew,
                    unknownGrace,
                    backoffBase,
                    backoffMax);
        }
    }

    public static Host host(String name, HostState state, Instant createdAt) {
        return new Host(
                name,
                "srv-" + name,
                "10.1.0." + Math.abs(name.hashCode() % 250),
                state,
                createdAt,
                createdAt,
                "d0-" + name);
    }

    /** A host that answered its status probe at {@code at}. */
    public static HostObservation answers(int idle, boolean canBeTerminated, Instant at) {
        return new HostObservation(
                ProbeResult.gateway(MS, new GatewayCapacity(idle, canBeTerminated), at), null, ServerStatus.ACTIVE);
    }

    /** A host whose status has not answered since {@code since}. */
    public static HostObservation silent(Instant since, Instant at) {
        return new HostObservation(ProbeResult.down(MS, "connection refused", at), since, ServerStatus.ACTIVE);
    }

    public static Map<String, String> facts(String... kv) {
        java.util.Map<String, String> m = new java.util.HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
