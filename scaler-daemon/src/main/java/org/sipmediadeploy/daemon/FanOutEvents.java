package org.sipmediadeploy.daemon;

import java.time.Duration;
import java.util.List;
import org.sipmediadeploy.core.decision.DecisionRecord;
import org.sipmediadeploy.core.model.ProbeResult;
import org.sipmediadeploy.core.model.ProbeTarget;
import org.sipmediadeploy.core.port.CloudException;
import org.sipmediadeploy.core.port.ScalerEvents;

/** Hands every event to each listener; a listener that throws is skipped, never the caller. */
final class FanOutEvents implements ScalerEvents {
    private final List<ScalerEvents> listeners;

    FanOutEvents(List<ScalerEvents> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    private interface Call {
        void on(ScalerEvents l);
    }

    private void each(Call c) {
        for (ScalerEvents l : listeners) {
            try {
                c.on(l);
            } catch (RuntimeException e) {
                // Listeners must not throw; one that does loses this event, nothing else does.
            }
        }
    }

    @Override
    public void probed(ProbeTarget target, ProbeResult result) {
        each(l -> l.probed(target, result));
    }

    @Override
    public void decisionCommitted(DecisionRecord record) {
        each(l -> l.decisionCommitted(record));
    }

    @Override
    public void decisionRefused(String decisionId, String reason) {
        each(l -> l.decisionRefused(decisionId, reason));
    }

    @Override
    public void outcomeRecorded(DecisionRecord record) {
        each(l -> l.outcomeRecorded(record));
    }

    @Override
    public void cloudCall(String operation, Duration latency, CloudException.Kind errorKind) {
        each(l -> l.cloudCall(operation, latency, errorKind));
    }

    @Override
    public void leaderChanged(String leaderId, long term) {
        each(l -> l.leaderChanged(leaderId, term));
    }

    @Override
    public void alarm(String scope, String message) {
        each(l -> l.alarm(scope, message));
    }

    @Override
    public void alarmCleared(String scope) {
        each(l -> l.alarmCleared(scope));
    }
}
