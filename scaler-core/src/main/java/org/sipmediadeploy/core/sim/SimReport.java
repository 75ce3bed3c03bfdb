package org.sipmediadeploy.core.sim;

import java.util.List;

/**
 * What a replay found. {@code rejected}: calls that arrived when no gateway was idle. {@code gatewayHours}: gateways
 * provisioned (booting ones included, since they are paid for) integrated over time. {@code busyDeleted}: hosts
 * deleted while a call was on them (must be 0). {@code timeline}: one sample per strategy period.
 */
public record SimReport(
        String strategy,
        int calls,
        int rejected,
        double gatewayHours,
        int peakHosts,
        int creates,
        int deletes,
        int busyDeleted,
        List<Sample> timeline) {
    public SimReport {
        timeline = List.copyOf(timeline);
    }

    /** Pool figures at one moment, seconds after the trace start. */
    public record Sample(long second, int hosts, int busyGateways, int idleGateways, int rejectedSoFar) {}

    public double rejectedPercent() {
        return calls == 0 ? 0 : 100.0 * rejected / calls;
    }
}
