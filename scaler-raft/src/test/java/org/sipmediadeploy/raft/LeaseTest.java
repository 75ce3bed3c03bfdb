package org.sipmediadeploy.raft;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.ratis.proto.RaftProtos.LeaderInfoProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.junit.jupiter.api.Test;

/** The contact check behind isLeaderIn: a leader that has not heard from a majority lately must not act. */
class LeaseTest {
    private static RoleInfoProto leaderHeardFrom(long... elapsedMs) {
        LeaderInfoProto.Builder b = LeaderInfoProto.newBuilder().setTerm(7);
        for (long e : elapsedMs) {
            b.addFollowerInfo(ServerRpcProto.newBuilder().setLastRpcElapsedTimeMs(e));
        }
        return RoleInfoProto.newBuilder().setRole(RaftPeerRole.LEADER).setLeaderInfo(b).build();
    }

    @Test
    void leaderThatHeardFromOneOfTwoFollowersLatelyMayAct() {
        assertTrue(RaftNode.majorityContact(leaderHeardFrom(40, 9_000), 300, 3));
    }

    @Test
    void leaderBackFromAPauseHasStaleContactsAndMustNotAct() {
        assertFalse(RaftNode.majorityContact(leaderHeardFrom(5_000, 9_000), 300, 3));
    }

    @Test
    void contactExactlyAtTheLimitIsTooOld() {
        assertFalse(RaftNode.majorityContact(leaderHeardFrom(300, 300), 300, 3));
    }

    @Test
    void fiveNodesNeedTwoFreshFollowers() {
        assertFalse(RaftNode.majorityContact(leaderHeardFrom(10, 900, 900, 900), 300, 5));
        assertTrue(RaftNode.majorityContact(leaderHeardFrom(10, 20, 900, 900), 300, 5));
    }

    @Test
    void aNodeThatIsNotLeaderHasNoContactToSpeakOf() {
        assertFalse(RaftNode.majorityContact(RoleInfoProto.newBuilder().setRole(RaftPeerRole.FOLLOWER).build(),
                300, 1));
    }
}
