package org.sipmediadeploy.core.policy;

import java.time.Instant;
import org.sipmediadeploy.core.config.FailoverSettings;
import org.sipmediadeploy.core.model.ProbeResult;
import org.sipmediadeploy.core.model.ProbeStatus;

/**
 * Running verdict on one probe target: consecutive failures and successes, the last result, since when it has
 * been failing ({@code failingSince} null while it passes), what its path normally looks like ({@code path}) and
 * the current run of failures by kind ({@code streak}). UNKNOWN results count as failures: a target we cannot see
 * is not healthy (but it takes a majority of nodes to call it down). Whether a target is suspect is for the
 * pair's detector to say ({@link FailureDetector}).
 */
public record TargetHealth(
        int consecutiveFailures,
        int consecutiveSuccesses,
        ProbeResult last,
        Instant failingSince,
        PathStats path,
        FailureStreak streak) {
    public static final TargetHealth NEVER_PROBED =
            new TargetHealth(0, 0, null, null, PathStats.UNKNOWN, FailureStreak.NONE);

    /** Without learnt path figures (a test's or a replay's). */
    public TargetHealth(int consecutiveFailures, int consecutiveSuccesses, ProbeResult last, Instant failingSince) {
        this(
                consecutiveFailures,
                consecutiveSuccesses,
                last,
                failingSince,
                PathStats.UNKNOWN,
                new FailureStreak(consecutiveFailures, 0, 0));
    }

    public TargetHealth next(ProbeResult r) {
        if (r.status() == ProbeStatus.UP) {
            return new TargetHealth(
                    0,
                    consecutiveSuccesses + 1,
                    r,
                    null,
                    path.answered(r.latency(), streak.silent()),
                    FailureStreak.NONE);
        }
        FailureStreak run = consecutiveFailures == 0 ? FailureStreak.NONE : streak;
        return new TargetHealth(
                consecutiveFailures + 1,
                0,
                r,
                failingSince == null ? r.at() : failingSince,
                path,
                run.plus(r.evidence(), path, r.latency()));
    }

    /** Passing its probe right now (its latest probe succeeded). */
    public boolean isUp() {
        return last != null && last.status() == ProbeStatus.UP;
    }

    /**
     * What this node answers when another node asks "do you see it down?" (majority confirmation): DOWN only once
     * its own detector finds the target suspect, UP while its latest probe passed, UNKNOWN in between. A single lost
     * packet on this node's path must not count as a vote for a failover: the asker is itself suspecting, and a
     * majority means that many nodes each reached their own verdict.
     */
    public ProbeStatus peerVerdict(FailoverSettings s) {
        if (last == null) {
            return ProbeStatus.UNKNOWN;
        }
        if (FailureDetector.suspects(this, s, false)) {
            return ProbeStatus.DOWN;
        }
        return isUp() ? ProbeStatus.UP : ProbeStatus.UNKNOWN;
    }

    /** As {@link #peerVerdict(FailoverSettings)} with the count detector and this threshold. */
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
