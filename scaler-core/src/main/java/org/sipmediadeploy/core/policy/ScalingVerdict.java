package org.sipmediadeploy.core.policy;

import java.util.List;
import org.sipmediadeploy.core.decision.Decision;

/**
 * What {@link ScalingPolicy} concluded, with the figures it used (for status and logs): the idle target and the
 * term that set it ({@code driver}: floor, schedule, headroom or forecast), and the calls of a minute just over
 * ({@code closedMinute}, null when none) for the caller to commit to the replicated arrival history.
 */
public record ScalingVerdict(
        List<Decision> decisions,
        List<Alarm> alarms,
        ScalingMemory memory,
        int targetSpare,
        int idle,
        int liveHosts,
        String driver,
        MinuteArrivals closedMinute) {
    public ScalingVerdict {
        decisions = List.copyOf(decisions);
        alarms = List.copyOf(alarms);
    }

    /** Calls seen arriving in one minute (minutes since the epoch). */
    public record MinuteArrivals(long minute, int count) {}
}
