package org.sipmediadeploy.core.port;

import java.time.Duration;
import org.sipmediadeploy.core.decision.DecisionRecord;
import org.sipmediadeploy.core.model.ProbeResult;
import org.sipmediadeploy.core.model.ProbeTarget;
import org.sipmediadeploy.core.model.ReplaceStep;

/**
 * What happens, for metrics and logs. Implementations must be fast and must never throw; every method has a
 * no-op default so a listener implements only what it needs.
 */
public interface ScalerEvents {
    ScalerEvents NONE = new ScalerEvents() {};

    default void probed(ProbeTarget target, ProbeResult result) {}

    default void decisionCommitted(DecisionRecord record) {}

    default void decisionRefused(String decisionId, String reason) {}

    default void outcomeRecorded(DecisionRecord record) {}

    /** A step of a scaler replacement was committed. */
    default void stepRecorded(String decisionId, ReplaceStep step, String detail) {}

    /** A cloud call finished; {@code errorKind} is null on success. */
    default void cloudCall(String operation, Duration latency, CloudException.Kind errorKind) {}

    default void leaderChanged(String leaderId, long term) {}

    default void alarm(String scope, String message) {}

    default void alarmCleared(String scope) {}
}
