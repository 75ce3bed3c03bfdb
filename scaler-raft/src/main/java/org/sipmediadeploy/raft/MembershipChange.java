package org.sipmediadeploy.raft;

import java.util.List;
import java.util.Objects;

/**
 * How a membership change ended.
 *
 * <pre>
 * DONE         the new configuration is committed (or was already the current one)
 * REFUSED      not attempted: it would leave no reachable majority, changes more than one member, ...
 * UNKNOWN_NODE not attempted: it names a member that is not in the configuration
 * UNAVAILABLE  attempted or not, it did not complete: no leader, the new member did not catch up in time, another
 *              change was in progress, the request timed out (safe to retry: the change is compare-and-set)
 * </pre>
 *
 * @param outcome what happened
 * @param detail  the reason, for people (never empty)
 * @param before  the configuration the change was validated against (empty when it could not be read)
 * @param after   the configuration asked for
 */
public record MembershipChange(Outcome outcome, String detail, List<RaftMember> before, List<RaftMember> after) {
    public enum Outcome {
        DONE,
        REFUSED,
        UNKNOWN_NODE,
        UNAVAILABLE
    }

    public MembershipChange {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(detail, "detail");
        before = List.copyOf(before);
        after = List.copyOf(after);
    }

    public boolean done() {
        return outcome == Outcome.DONE;
    }

    static MembershipChange refused(String why, List<RaftMember> before, List<RaftMember> after) {
        return new MembershipChange(Outcome.REFUSED, why, before, after);
    }

    static MembershipChange unavailable(String why, List<RaftMember> before, List<RaftMember> after) {
        return new MembershipChange(Outcome.UNAVAILABLE, why, before, after);
    }
}
