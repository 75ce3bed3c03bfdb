package org.sipmediadeploy.raft;

import java.lang.reflect.Field;
import org.apache.ratis.grpc.server.GrpcLogAppender;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.leader.FollowerInfo;
import org.apache.ratis.server.leader.LeaderState;
import org.apache.ratis.server.raftlog.RaftLogIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ratis' gRPC log appender, except when a follower's INCONSISTENCY reply contradicts the match index the leader
 * holds for it (the follower's next index is at or below it: it does not hold what the leader thinks it matched).
 * Ratis 3.3.0 then floors the next index at that match index + 1 (for a heartbeat, or a reply whose request has
 * timed out), so every later heartbeat asks for an entry the follower lacks and gets the same reply: the follower
 * never catches up while nothing new is appended. Seen after a partition heals, on the old leader rejoining the
 * cluster (its history stuck entries behind the leader's for minutes). Here the disproved match index is lowered to
 * what the follower says it holds, and the next index follows its reply; entries it already has are skipped by the
 * follower, and a lower match index only makes the leader count this follower more cautiously toward a commit.
 */
final class RejoinSafeAppender extends GrpcLogAppender {
    private static final Logger LOG = LoggerFactory.getLogger(RejoinSafeAppender.class);
    private static final Field MATCH_INDEX = matchIndexField();

    RejoinSafeAppender(RaftServer.Division server, LeaderState leader, FollowerInfo follower) {
        super(server, leader, follower);
    }

    @Override
    protected long getNextIndexForInconsistency(long requestFirstIndex, long replyNextIndex) {
        long match = getFollower().getMatchIndex();
        if (contradicts(match, replyNextIndex)) {
            LOG.warn(
                    "{}: follower's next index {} contradicts match index {}: lowering the match index to {}",
                    this,
                    replyNextIndex,
                    match,
                    replyNextIndex - 1);
            if (!lowerMatchIndex(getFollower(), replyNextIndex - 1)) {
                return replyNextIndex; // cannot lower it: at least do not floor at the disproved match
            }
        }
        return super.getNextIndexForInconsistency(requestFirstIndex, replyNextIndex);
    }

    /** Whether a follower's INCONSISTENCY hint says it does not hold the entry at the leader's match index. */
    static boolean contradicts(long matchIndex, long replyNextIndex) {
        return replyNextIndex >= 0 && replyNextIndex <= matchIndex;
    }

    /** Sets the follower record's match index below its current value (Ratis only ever raises it). */
    static boolean lowerMatchIndex(FollowerInfo follower, long index) {
        if (MATCH_INDEX == null || !MATCH_INDEX.getDeclaringClass().isInstance(follower)) {
            return false;
        }
        try {
            RaftLogIndex match = (RaftLogIndex) MATCH_INDEX.get(follower);
            match.setUnconditionally(index, m -> LOG.info("{}", m));
            return true;
        } catch (IllegalAccessException | RuntimeException e) {
            LOG.warn("cannot lower the match index of {}: {}", follower.getName(), e.toString());
            return false;
        }
    }

    private static Field matchIndexField() {
        try {
            Field f = Class.forName("org.apache.ratis.server.impl.FollowerInfoImpl")
                    .getDeclaredField("matchIndex");
            f.setAccessible(true);
            return RaftLogIndex.class.isAssignableFrom(f.getType()) ? f : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("Ratis' follower record has no matchIndex field to lower: {}", e.toString());
            return null;
        }
    }
}
