package org.sipmediadeploy.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Constructor;
import java.util.function.Function;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.leader.FollowerInfo;
import org.apache.ratis.util.Timestamp;
import org.junit.jupiter.api.Test;

class RejoinSafeAppenderTest {
    @Test
    void aHintAtOrBelowTheMatchIndexContradictsItAndOneAboveDoesNot() {
        assertTrue(RejoinSafeAppender.contradicts(56, 53), "follower holds up to 52, leader thought 56");
        assertTrue(RejoinSafeAppender.contradicts(53, 53), "the entry at the match index is not the leader's");
        assertFalse(RejoinSafeAppender.contradicts(52, 53), "the usual case: resend from the match index + 1");
        assertFalse(RejoinSafeAppender.contradicts(-1, 0), "a new follower record");
        assertFalse(RejoinSafeAppender.contradicts(10, -1), "no hint");
    }

    /** Ratis' follower record only ever raises its match index; the appender must be able to lower it. */
    @Test
    void theMatchIndexOfRatisFollowerRecordCanBeLowered() throws Exception {
        FollowerInfo f = ratisFollowerRecord();
        assertTrue(f.updateMatchIndex(56));
        assertEquals(56, f.getMatchIndex());

        assertTrue(RejoinSafeAppender.lowerMatchIndex(f, 52));

        assertEquals(52, f.getMatchIndex());
        assertTrue(f.updateMatchIndex(53), "raised again by the next success");
    }

    private static FollowerInfo ratisFollowerRecord() throws Exception {
        Class<?> impl = Class.forName("org.apache.ratis.server.impl.FollowerInfoImpl");
        Constructor<?> c = impl.getDeclaredConstructor(
                RaftGroupMemberId.class, RaftPeer.class, Function.class, Timestamp.class, long.class, boolean.class);
        c.setAccessible(true);
        RaftPeer peer = RaftPeer.newBuilder()
                .setId("follower")
                .setAddress("127.0.0.1:1")
                .build();
        Function<RaftPeerId, RaftPeer> peers = id -> peer;
        return (FollowerInfo) c.newInstance(
                RaftGroupMemberId.valueOf(RaftPeerId.valueOf("leader"), RaftGroupId.randomId()),
                peer,
                peers,
                Timestamp.currentTime(),
                0L,
                true);
    }
}
