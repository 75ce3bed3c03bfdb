package org.sipmediadeploy.raft;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Tells the leader which followers answer it but never catch up. Ratis 3.3.0 can leave a follower that rejoins
 * with a divergent uncommitted tail (a leader cut off from its peers) answering every heartbeat with INCONSISTENCY
 * for ever: a successful heartbeat reply moved the leader's match index for it past the common prefix, and the
 * leader never backs its next index below that (fixed upstream after 3.3.0: "avoid advancing matchIndex from
 * heartbeat AppendEntries success"). A new leader starts with fresh follower records, so handing leadership over
 * lets it catch up. Pure: the caller passes the time and the leader's view.
 */
final class StuckFollowers {
    /** A follower answering the leader whose commit index has not moved for this long while behind is stuck. */
    static final long STUCK_AFTER_MILLIS = 15_000;
    /** It answers: the leader heard from it this recently. */
    static final long ANSWERS_WITHIN_MILLIS = 3_000;

    private record Seen(long commit, long sinceMillis) {}

    private final Map<String, Seen> seen = new HashMap<>();

    /**
     * The followers stuck at {@code nowMillis}: answering within {@link #ANSWERS_WITHIN_MILLIS}, behind
     * {@code leaderCommit}, and at the same commit index for {@link #STUCK_AFTER_MILLIS}.
     *
     * @param followerCommits the commit index each follower last reported, by id (the leader's own id excluded)
     * @param lastContactMillis milliseconds since the leader last heard from each follower, by id
     */
    List<String> stuck(
            long nowMillis, long leaderCommit, Map<String, Long> followerCommits, Map<String, Long> lastContactMillis) {
        seen.keySet().retainAll(followerCommits.keySet());
        List<String> out = new ArrayList<>();
        followerCommits.forEach((id, commit) -> {
            Seen s = seen.get(id);
            if (s == null || s.commit() != commit) {
                s = new Seen(commit, nowMillis);
                seen.put(id, s);
            }
            Long contact = lastContactMillis.get(id);
            boolean answers = contact != null && contact <= ANSWERS_WITHIN_MILLIS;
            if (answers && commit < leaderCommit && nowMillis - s.sinceMillis() >= STUCK_AFTER_MILLIS) {
                out.add(id);
            }
        });
        return out;
    }

    /** Forgets what was seen (a new leadership starts over). */
    void reset() {
        seen.clear();
    }
}
