package org.sipmediadeploy.raft;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.ratis.server.RaftConfiguration;

/**
 * The lease behind {@link RaftNode#isLeaderIn}: a majority (this node included) answered requests sent within the
 * minimum election timeout (see {@link LeaderContacts}: a late reply to an old request does not count as recent
 * contact). Until then no other node can have been elected, so acting is safe; a leader back from a long pause has
 * stale contacts and stops. During a membership change (joint configuration) a majority of the old and of the new
 * voters is needed, as for an election.
 */
final class LeaderLease {
    private final LeaderContacts contacts;
    private final String self;
    private final long limitMs;

    LeaderLease(LeaderContacts contacts, String self, Duration electionTimeoutMin) {
        this.contacts = contacts;
        this.self = self;
        this.limitMs = electionTimeoutMin.toMillis();
    }

    /** Whether this node holds the lease in {@code conf} (its configuration; none while starting or closed). */
    boolean holds(Optional<RaftConfiguration> conf) {
        if (conf.isEmpty()) {
            return false;
        }
        return holds(
                contacts.ackedSendAgeMillis(),
                limitMs,
                self,
                LocalDivision.ids(conf.get().getCurrentPeers()),
                LocalDivision.ids(conf.get().getPreviousPeers()));
    }

    /**
     * Whether a majority of the {@code current} voters and, during a change ({@code previous} not empty), of the
     * {@code previous} voters answered a request sent less than {@code limitMs} ago ({@code selfId} counts where it
     * is a voter). {@code ackedSendAgeMs}: per follower, the age of the send time of its latest answered request.
     */
    static boolean holds(
            Map<String, Long> ackedSendAgeMs, long limitMs, String selfId, Set<String> current, Set<String> previous) {
        return majorityContact(ackedSendAgeMs, limitMs, selfId, current)
                && (previous.isEmpty() || majorityContact(ackedSendAgeMs, limitMs, selfId, previous));
    }

    private static boolean majorityContact(
            Map<String, Long> ackedSendAgeMs, long limitMs, String selfId, Set<String> voters) {
        if (voters.isEmpty()) {
            return false;
        }
        Set<String> fresh = new HashSet<>();
        fresh.add(selfId);
        ackedSendAgeMs.forEach((id, age) -> {
            if (age < limitMs) {
                fresh.add(id);
            }
        });
        long n = voters.stream().filter(fresh::contains).count();
        return n * 2 > voters.size();
    }
}
