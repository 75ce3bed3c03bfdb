package org.sipmediadeploy.core.policy;

import java.util.List;
import org.sipmediadeploy.core.decision.Decision;

/**
 * What {@link FailoverPolicy} concluded: at most one decision, the alarms that hold, and whether it needs the
 * other nodes' view of a member before it can decide ({@code confirmServerId}, null when not).
 */
public record PairVerdict(List<Decision> decisions, List<Alarm> alarms, String confirmServerId, String note) {
    public PairVerdict {
        decisions = List.copyOf(decisions);
        alarms = List.copyOf(alarms);
    }

    static PairVerdict nothing(String note) {
        return new PairVerdict(List.of(), List.of(), null, note);
    }

    static PairVerdict alarm(Alarm a, String note) {
        return new PairVerdict(List.of(), List.of(a), null, note);
    }

    static PairVerdict decide(Decision d, List<Alarm> alarms) {
        return new PairVerdict(List.of(d), alarms, null, d.reason());
    }

    static PairVerdict askPeers(String serverId, List<Alarm> alarms, String note) {
        return new PairVerdict(List.of(), alarms, serverId, note);
    }

    public boolean needsConfirmation() {
        return confirmServerId != null;
    }
}
