package org.sipmediadeploy.daemon.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.sipmediadeploy.core.decision.Decision;
import org.sipmediadeploy.core.decision.DecisionRecord;
import org.sipmediadeploy.core.decision.Outcome;
import org.sipmediadeploy.core.model.ProbeResult;
import org.sipmediadeploy.core.model.ProbeTarget;
import org.sipmediadeploy.core.port.CloudException;
import org.sipmediadeploy.core.port.ScalerEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns scaler events into meters (names in {@link Metrics}). Fast and never throws: each body is guarded, since
 * a metrics bug must not stop a probe or a failover.
 */
public final class MetricsEvents implements ScalerEvents {
    private static final Logger log = LoggerFactory.getLogger(MetricsEvents.class);

    private final Metrics metrics;
    private final MeterRegistry registry;
    private final Map<String, String> openAlarms = new ConcurrentHashMap<>();

    MetricsEvents(Metrics metrics) {
        this.metrics = metrics;
        this.registry = metrics.registry();
        Gauge.builder("scaler.alarms.active", openAlarms, Map::size)
                .description("open alarms")
                .strongReference(true)
                .register(registry);
    }

    @Override
    public void probed(ProbeTarget target, ProbeResult result) {
        try {
            String status = result.status().name();
            Timer.builder("scaler.probe.latency")
                    .tags("target", target.key(), "status", status)
                    .register(registry)
                    .record(result.latency());
            Counter.builder("scaler.probe.results")
                    .tags("target", target.key(), "status", status)
                    .register(registry)
                    .increment();
        } catch (RuntimeException e) {
            swallow("probed", e);
        }
    }

    @Override
    public void decisionCommitted(DecisionRecord record) {
        try {
            Counter.builder("scaler.decisions.committed")
                    .tag("kind", kind(record.decision()))
                    .register(registry)
                    .increment();
            // decisions that do not act on the cloud are final as soon as they are committed
            if (record.outcome().isFinal()) {
                outcome(record);
            }
        } catch (RuntimeException e) {
            swallow("decisionCommitted", e);
        }
    }

    @Override
    public void decisionRefused(String decisionId, String reason) {
        try {
            Counter.builder("scaler.decisions.refused").register(registry).increment();
        } catch (RuntimeException e) {
            swallow("decisionRefused", e);
        }
    }

    @Override
    public void outcomeRecorded(DecisionRecord record) {
        try {
            if (record.outcome().isFinal()) {
                outcome(record);
            }
        } catch (RuntimeException e) {
            swallow("outcomeRecorded", e);
        }
    }

    @Override
    public void stepRecorded(String decisionId, org.sipmediadeploy.core.model.ReplaceStep step, String detail) {
        try {
            Counter.builder("scaler.replacement.steps")
                    .tag("step", step.name())
                    .description("Steps of scaler-node replacements (self-healing) committed")
                    .register(registry)
                    .increment();
        } catch (RuntimeException e) {
            swallow("stepRecorded", e);
        }
    }

    private void outcome(DecisionRecord record) {
        Decision d = record.decision();
        Counter.builder("scaler.decisions.outcomes")
                .tags("kind", kind(d), "outcome", record.outcome().name())
                .register(registry)
                .increment();
        if (d instanceof Decision.ReplaceScaler) {
            Counter.builder("scaler.replacements")
                    .tag("outcome", record.outcome().name())
                    .description("Scaler-node replacements (self-healing) by outcome")
                    .register(registry)
                    .increment();
        }
        if (d instanceof Decision.Failover f) {
            Counter.builder("scaler.failovers")
                    .tags("pair", f.pair(), "outcome", record.outcome().name())
                    .register(registry)
                    .increment();
            if (record.outcome() == Outcome.DONE
                    && record.outcomeAt() != null
                    && !record.outcomeAt().isBefore(record.proposedAt())) {
                metrics.failoverDuration(f.pair()).record(Duration.between(record.proposedAt(), record.outcomeAt()));
            }
        }
    }

    @Override
    public void cloudCall(String operation, Duration latency, CloudException.Kind errorKind) {
        try {
            Timer.builder("scaler.cloud.latency")
                    .tags("operation", operation, "result", errorKind == null ? "ok" : "error")
                    .register(registry)
                    .record(latency);
            if (errorKind != null) {
                Counter.builder("scaler.cloud.errors")
                        .tags("operation", operation, "kind", errorKind.name())
                        .register(registry)
                        .increment();
            }
        } catch (RuntimeException e) {
            swallow("cloudCall", e);
        }
    }

    @Override
    public void leaderChanged(String leaderId, long term) {
        try {
            Counter.builder("scaler.leader.changes").register(registry).increment();
        } catch (RuntimeException e) {
            swallow("leaderChanged", e);
        }
    }

    @Override
    public void alarm(String scope, String message) {
        try {
            if (openAlarms.put(scope, message == null ? "" : message) == null) {
                Counter.builder("scaler.alarms.raised")
                        .tag("scope", scope)
                        .register(registry)
                        .increment();
            }
        } catch (RuntimeException e) {
            swallow("alarm", e);
        }
    }

    @Override
    public void alarmCleared(String scope) {
        try {
            openAlarms.remove(scope);
        } catch (RuntimeException e) {
            swallow("alarmCleared", e);
        }
    }

    private static String kind(Decision d) {
        return d.getClass().getSimpleName();
    }

    private static void swallow(String event, RuntimeException e) {
        try {
            log.warn("metrics for {} failed: {}", event, e.toString());
        } catch (RuntimeException ignored) {
            // never throw from a listener, not even from its logging
        }
    }
}
