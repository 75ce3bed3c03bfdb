package org.sipmediadeploy.core.policy;

import java.util.List;

import org.sipmediadeploy.core.decision.Decision;

/** What {@link ScalingPolicy} concluded, with the figures it used (for status and logs). */
public record ScalingVerdict(List<Decision> decisions, List<Alarm> alarms, ScalingMemory memory, int targetSpare,
                             int idle, int liveHosts) {
    public ScalingVerdict {
        decisions = List.copyOf(decisions);
        alarms = List.copyOf(alarms);
    }
}
