package org.sipmediadeploy.daemon.logging;

import static net.logstash.logback.argument.StructuredArguments.entries;
import static net.logstash.logback.argument.StructuredArguments.kv;
import static net.logstash.logback.argument.StructuredArguments.v;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.sipmediadeploy.core.decision.Decision;
import org.sipmediadeploy.core.decision.DecisionRecord;
import org.sipmediadeploy.core.decision.Outcome;
import org.sipmediadeploy.core.model.ProbeResult;
import org.sipmediadeploy.core.model.ProbeStatus;
import org.sipmediadeploy.core.model.ProbeTarget;
import org.sipmediadeploy.core.port.CloudException;
import org.sipmediadeploy.core.port.ScalerEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs what the scaler decides and what happens to it, on logger {@value #LOGGER}. Every decision line carries
 * the structured fields {@code decision_id}, {@code kind}, {@code term}, {@code index}, {@code scope} and
 * {@code pair} or {@code pool}; outcome lines add {@code outcome}, {@code outcome_detail} and {@code facts}.
 * Probe results are logged when a target's status changes (every result at DEBUG). Fast and never throws.
 */
public final class DecisionLog implements ScalerEvents {
    public static final String LOGGER = "org.sipmediadeploy.decisions";
    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    private final Map<String, ProbeStatus> lastStatus = new ConcurrentHashMap<>();

    @Override
    public void decisionCommitted(DecisionRecord r) {
        try {
            Decision d = r.decision();
            Object[] args = decisionArgs(
                    r,
                    List.of(
                            v("decision_id", r.id()),
                            v("kind", DecisionFields.kind(d)),
                            v(DecisionFields.scopeField(d), d.scope()),
                            v("term", r.term()),
                            v("index", r.index()),
                            v("reason", d.reason())),
                    true);
            log.info("decision {} committed: {} on {} (term {}, index {}): {}", args);
        } catch (RuntimeException e) {
            swallow(e);
        }
    }

    @Override
    public void outcomeRecorded(DecisionRecord r) {
        try {
            Decision d = r.decision();
            Object[] args = decisionArgs(
                    r,
                    List.of(
                            v("decision_id", r.id()),
                            v("outcome", r.outcome().name()),
                            v("kind", DecisionFields.kind(d)),
                            v(DecisionFields.scopeField(d), d.scope()),
                            v("term", r.term()),
                            v("index", r.index()),
                            v("outcome_detail", r.outcomeDetail())),
                    false);
            String msg = "decision {} {}: {} on {} (term {}, index {}): {}";
            if (r.outcome() == Outcome.FAILED) {
                log.warn(msg, args);
            } else {
                log.info(msg, args);
            }
        } catch (RuntimeException e) {
            swallow(e);
        }
    }

    /** The message arguments, then the fields that are not in the message (JSON only). */
    private static Object[] decisionArgs(DecisionRecord r, List<Object> shown, boolean addOutcome) {
        Decision d = r.decision();
        List<Object> args = new ArrayList<>(shown);
        if (!"scope".equals(DecisionFields.scopeField(d))) {
            args.add(kv("scope", d.scope()));
        }
        if (addOutcome) {
            args.add(kv("outcome", r.outcome().name()));
        }
        Map<String, String> details = DecisionFields.details(d);
        if (!details.isEmpty()) {
            args.add(entries(details));
        }
        if (!r.facts().isEmpty()) {
            args.add(kv("facts", r.facts()));
        }
        return args.toArray();
    }

    @Override
    public void stepRecorded(String decisionId, org.sipmediadeploy.core.model.ReplaceStep step, String detail) {
        try {
            log.info(
                    "scaler replacement {} step {} done: {}",
                    v("decision_id", decisionId),
                    v("step", step.name()),
                    v("detail", detail));
        } catch (RuntimeException e) {
            swallow(e);
        }
    }

    @Override
    public void decisionRefused(String decisionId, String reason) {
        try {
            log.warn("decision {} refused by the state machine: {}", v("decision_id", decisionId), v("reason", reason));
        } catch (RuntimeException e) {
            swallow(e);
        }
    }

    @Override
    public void leaderChanged(String leaderId, long term) {
        try {
            log.info("leader is {} in term {}", v("leader_id", leaderId), v("term", term));
        } catch (RuntimeException e) {
            swallow(e);
        }
    }

    @Override
    public void alarm(String scope, String message) {
        try {
            log.warn("alarm on {}: {}", v("scope", scope), v("alarm", message));
        } catch (RuntimeException e) {
            swallow(e);
        }
    }

    @Override
    public void alarmCleared(String scope) {
        try {
            log.info("alarm cleared on {}", v("scope", scope));
        } catch (RuntimeException e) {
            swallow(e);
        }
    }

    @Override
    public void cloudCall(String operation, Duration latency, CloudException.Kind errorKind) {
        try {
            if (errorKind != null) {
                log.warn(
                        "cloud call {} failed ({}) after {} ms",
                        v("operation", operation),
                        v("error_kind", errorKind.name()),
                        v("latency_ms", latency.toMillis()));
            } else if (log.isDebugEnabled()) {
                log.debug("cloud call {} took {} ms", v("operation", operation), v("latency_ms", latency.toMillis()));
            }
        } catch (RuntimeException e) {
            swallow(e);
        }
    }

    @Override
    public void probed(ProbeTarget target, ProbeResult result) {
        try {
            ProbeStatus before = lastStatus.put(target.key(), result.status());
            if (before != result.status()) {
                log.info(
                        "probe {} is {} (was {}): {}",
                        v("target", target.key()),
                        v("status", result.status().name()),
                        v("previous_status", before == null ? "NONE" : before.name()),
                        v("probe_reason", result.reason()),
                        kv("latency_ms", result.latency().toMillis()));
            } else if (log.isDebugEnabled()) {
                log.debug(
                        "probe {} is {}: {}",
                        v("target", target.key()),
                        v("status", result.status().name()),
                        v("probe_reason", result.reason()),
                        kv("latency_ms", result.latency().toMillis()));
            }
        } catch (RuntimeException e) {
            swallow(e);
        }
    }

    private static void swallow(RuntimeException e) {
        try {
            log.debug("decision log failed: {}", e.toString());
        } catch (RuntimeException ignored) {
            // a listener never throws
        }
    }
}
