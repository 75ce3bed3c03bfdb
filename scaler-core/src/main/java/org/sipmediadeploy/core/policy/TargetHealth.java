package org.sipmediadeploy.core.policy;

import java.time.Instant;
import org.sipmediadeploy.core.model.ProbeResult;
import org.sipmediadeploy.core.model.ProbeStatus;

/**
 * Running verdict on one probe target: consecutive failures and successes, the last result, and since when it
 * has been failing ({@code failingSince} null while it passes). UNKNOWN results count as failures: a target we
 * cannot see is not healthy (but it takes a majority of nodes to call it down).
 */
public record TargetHealth(int consecutiveFailures, int consecutiveSuccesses, ProbeResult last, Instant failingSince) {
    public static final TargetHealth NEVER_PROBED = new TargetHealth(0, 0, null, null);

    public TargetHealth next(ProbeResult r) {
        if (r.status() == ProbeStatus.UP) {
            return new TargetHealth(0, consecutiveSuccesses + 1, r, null);
        }
        return new TargetHealth(consecutiveFailures + 1, 0, r, failingSince == null ? r.at() : failingSince);
    }

    /** Passing its probe right now (its latest probe succeeded). */
    public boolean isUp() {
        return last != null && last.status() == ProbeStatus.UP;
    }

    /**
     * What this node answers when another node asks "do you see it down?" (majority confirmation): DOWN only once
     * its own {@code failureThreshold} consecutive probes failed, UP while its latest probe passed, UNKNOWN in
     * between. A single lost packet on this node's path must not count as a vote for a failover: the asker is
     * itself past the threshold, and a majority means that many nodes each reached their own threshold.
     */
    public ProbeStatus peerVerdict(int failureThreshold) {
        if (last == null) {
            return ProbeStatus.UNKNOWN;
        }
        if (failedAtLeast(failureThreshold)) {
            return ProbeStatus.DOWN;
        }
        return isUp() ? ProbeStatus.UP : ProbeStatus.UNKNOWN;
    }

    public boolean failedAtLeast(int n) {
        return consecutiveFailures >= n;
    }

    public String lastReason() {
        return last == null ? "never probed" : last.reason();
    }
}
