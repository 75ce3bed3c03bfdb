package org.sipmediadeploy.daemon.metrics;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.util.HierarchicalNameMapper;
import io.micrometer.jmx.JmxConfig;
import io.micrometer.jmx.JmxMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.sipmediadeploy.core.model.HostState;
import org.sipmediadeploy.core.model.PairMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's meters: one Micrometer {@link CompositeMeterRegistry} feeding JMX (domain {@value #JMX_DOMAIN}, on
 * the platform MBean server) and Prometheus ({@link #scrape()}, served at {@code /metrics}).
 *
 * <p>Meter names (Micrometer dotted form; Prometheus turns dots into underscores and adds {@code _seconds},
 * {@code _total}):
 * <pre>
 * scaler.probe.latency          timer    target, status            each probe's latency
 * scaler.probe.results          counter  target, status            each probe's result (UP, DOWN, UNKNOWN)
 * scaler.decisions.committed    counter  kind                      decisions committed to the log
 * scaler.decisions.outcomes     counter  kind, outcome             final outcomes (DONE, FAILED, SKIPPED, ABANDONED)
 * scaler.decisions.refused      counter  -                         proposals the state machine refused
 * scaler.failovers              counter  pair, outcome             failovers carried out (outcome recorded)
 * scaler.failover.duration      timer    pair                      decided (after confirmation) to floating IP moved
 * scaler.cloud.latency          timer    operation, result         cloud API calls (result ok or error)
 * scaler.cloud.errors           counter  operation, kind           failed cloud calls by CloudException.Kind
 * scaler.leader.changes         counter  -                         leader changes this node saw
 * scaler.alarms.active          gauge    -                         open alarms
 * scaler.alarms.raised          counter  scope                     alarms raised
 * scaler.raft.role              gauge    role                      1 for this node's current role, 0 for the others
 * scaler.raft.term              gauge    -                         current Raft term
 * scaler.raft.commit.index      gauge    -                         Raft commit index
 * scaler.pool.hosts             gauge    pool, state               hosts by HostState
 * scaler.pool.idle.gateways     gauge    pool                      idle gateways reported by the pool's hosts
 * scaler.pool.min.hosts         gauge    pool                      configured min-hosts
 * scaler.pool.max.hosts         gauge    pool                      configured max-hosts
 * scaler.pair.mode              gauge    pair, mode                1 for the pair's current mode (AUTO, PAUSED, MANUAL)
 * </pre>
 * In JMX each meter is an MBean {@code sipmediadeploy:name=<camelCaseName>.<tag>.<value>...,type=<kind>} with
 * tags sorted by key and {@code :/,=} in values replaced by {@code _}; counters are {@code type=meters}
 * (attribute {@code Count}), gauges {@code type=gauges} ({@code Value}), timers {@code type=timers}
 * ({@code Count}, {@code Mean}, {@code Max}, percentiles, in milliseconds). For example
 * {@code sipmediadeploy:name=scalerLeaderChanges,type=meters} and
 * {@code sipmediadeploy:name=scalerProbeLatency.status.UP.target.sip-udp_127.0.1.1_5060,type=timers}.
 */
public final class Metrics implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Metrics.class);

    /** The JMX domain every meter is registered under. */
    public static final String JMX_DOMAIN = "sipmediadeploy";
    /** The Raft roles {@code scaler.raft.role} has a series for. */
    public static final List<String> RAFT_ROLES = List.of("LEADER", "FOLLOWER", "CANDIDATE", "UNKNOWN");

    /**
     * Micrometer's hierarchical names, with what an ObjectName value cannot hold unquoted (the {@code ://} and
     * {@code :} of target keys) turned into {@code _}: quoted names would lose their {@code type} key.
     */
    private static final HierarchicalNameMapper JMX_NAMES = (id, convention) ->
            HierarchicalNameMapper.DEFAULT.toHierarchicalName(id, convention).replaceAll("[:/,=*?\"\\s\\\\]+", "_");

    private final CompositeMeterRegistry registry;
    private final JmxMeterRegistry jmx;
    private final PrometheusMeterRegistry prometheus;
    private final MetricsEvents events;

    public Metrics() {
        this.jmx = new JmxMeterRegistry(
                new JmxConfig() {
                    @Override
                    public String get(String key) {
                        return null;
                    }

                    @Override
                    public String domain() {
                        return JMX_DOMAIN;
                    }

                    @Override
                    public Duration step() {
                        return Duration.ofSeconds(10);
                    }
                },
                Clock.SYSTEM,
                JMX_NAMES);
        this.prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.registry = new CompositeMeterRegistry();
        registry.add(jmx);
        registry.add(prometheus);
        this.events = new MetricsEvents(this);
    }

    /** The registry to add meters to (both JMX and Prometheus see them). */
    public MeterRegistry registry() {
        return registry;
    }

    /** The listener recording probe, decision, cloud, leader and alarm events (fast, never throws). */
    public MetricsEvents events() {
        return events;
    }

    /** Prometheus text exposition format 0.0.4, for {@code GET /metrics}. */
    public String scrape() {
        return prometheus.scrape();
    }

    /**
     * Failover duration of {@code pair}. {@link MetricsEvents} records into it when a failover's outcome is DONE
     * (from the decision's {@code proposedAt} to its {@code outcomeAt}); the daemon need not record it again.
     */
    public Timer failoverDuration(String pair) {
        return Timer.builder("scaler.failover.duration")
                .description("from the failover decision (after confirmation) to the floating IP moved")
                .tag("pair", pair)
                .register(registry);
    }

    /** Raft gauges read at each scrape; {@code role} gives one of {@link #RAFT_ROLES}. Suppliers must be cheap. */
    public void registerRaft(Supplier<String> role, LongSupplier term, LongSupplier commitIndex) {
        Objects.requireNonNull(role, "role");
        for (String r : RAFT_ROLES) {
            Gauge.builder("scaler.raft.role", () -> safe(() -> r.equals(role.get()) ? 1 : 0))
                    .description("1 for this node's current Raft role")
                    .tag("role", r)
                    .strongReference(true)
                    .register(registry);
        }
        Gauge.builder("scaler.raft.term", () -> safe(term::getAsLong))
                .strongReference(true)
                .register(registry);
        Gauge.builder("scaler.raft.commit.index", () -> safe(commitIndex::getAsLong))
                .strongReference(true)
                .register(registry);
    }

    /**
     * Pool gauges read at each scrape: hosts by state (a missing state counts 0) and idle gateways.
     */
    public void registerPool(String pool, Supplier<Map<HostState, Integer>> hostsByState, IntSupplier idleGateways) {
        for (HostState s : HostState.values()) {
            Gauge.builder(
                            "scaler.pool.hosts",
                            () -> safe(() -> {
                                Integer n = hostsByState.get().get(s);
                                return n == null ? 0 : n;
                            }))
                    .description("gateway hosts by state")
                    .tags("pool", pool, "state", s.name())
                    .strongReference(true)
                    .register(registry);
        }
        Gauge.builder("scaler.pool.idle.gateways", () -> safe(idleGateways::getAsInt))
                .description("idle gateways reported by the pool's hosts")
                .tag("pool", pool)
                .strongReference(true)
                .register(registry);
    }

    /**
     * Pair gauge read at each scrape: 1 for the pair's current mode, 0 for the others (all 0 while {@code mode}
     * gives null: the pair is not in the replicated state yet). An alert on MANUAL or PAUSED needs it.
     */
    public void registerPair(String pair, Supplier<PairMode> mode) {
        Objects.requireNonNull(mode, "mode");
        for (PairMode m : PairMode.values()) {
            Gauge.builder("scaler.pair.mode", () -> safe(() -> m == mode.get() ? 1 : 0))
                    .description("1 for the pair's current mode")
                    .tags("pair", pair, "mode", m.name())
                    .strongReference(true)
                    .register(registry);
        }
    }

    /** The pool's configured bounds, so that an alert can compare the pool's size with its max-hosts. */
    public void registerPoolLimits(String pool, int minHosts, int maxHosts) {
        Gauge.builder("scaler.pool.min.hosts", () -> minHosts)
                .description("configured min-hosts")
                .tag("pool", pool)
                .strongReference(true)
                .register(registry);
        Gauge.builder("scaler.pool.max.hosts", () -> maxHosts)
                .description("configured max-hosts")
                .tag("pool", pool)
                .strongReference(true)
                .register(registry);
    }

    /** A gauge must never throw into the registry: a failing supplier reads as NaN and is logged once per call. */
    private static Number safe(Supplier<Number> s) {
        try {
            return s.get();
        } catch (RuntimeException e) {
            log.debug("gauge supplier failed: {}", e.toString());
            return Double.NaN;
        }
    }

    /** Unregisters the JMX MBeans and closes both registries. */
    @Override
    public void close() {
        registry.close();
        jmx.close();
        prometheus.close();
    }
}
