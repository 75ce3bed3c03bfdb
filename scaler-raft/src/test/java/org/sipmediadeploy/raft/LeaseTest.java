package org.sipmediadeploy.raft;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The contact check behind isLeaderIn: a leader that has not heard from a majority lately must not act. The ages
 * are those of the <em>send</em> time of each follower's latest answered request: the check used to read Ratis'
 * reply time, so a follower that answered a 5 s old request just now counted as fresh contact and renewed a lease
 * that another node's election may already have ended.
 */
class LeaseTest {
    private static final Set<String> THREE = Set.of("a", "b", "c");
    private static final Set<String> FIVE = Set.of("a", "b", "c", "d", "e");

    @Test
    void leaderWhoseRequestToOneOfTwoFollowersWasAnsweredLatelyMayAct() {
        assertTrue(LeaderContacts.majorityContact(Map.of("b", 40L, "c", 9_000L), 300, "a", THREE));
    }

    @Test
    void aDelayedReplyToAnOldRequestDoesNotRenewTheLease() {
        // b's reply arrived a moment ago, but answers a request sent 5 s ago: the age that counts is 5 000 ms.
        assertFalse(LeaderContacts.majorityContact(Map.of("b", 5_000L, "c", 9_000L), 300, "a", THREE));
    }

    @Test
    void contactExactlyAtTheLimitIsTooOld() {
        assertFalse(LeaderContacts.majorityContact(Map.of("b", 300L, "c", 300L), 300, "a", THREE));
    }

    @Test
    void fiveVotersNeedTwoFreshFollowers() {
        assertFalse(LeaderContacts.majorityContact(Map.of("b", 10L, "c", 900L, "d", 900L, "e", 900L), 300, "a", FIVE));
        assertTrue(LeaderContacts.majorityContact(Map.of("b", 10L, "c", 20L, "d", 900L, "e", 900L), 300, "a", FIVE));
    }

    @Test
    void freshFollowersOutsideTheVoterSetDoNotCount() {
        // A listener or a peer being added answers quickly, but only voters make a majority.
        assertFalse(LeaderContacts.majorityContact(Map.of("x", 10L, "y", 10L, "b", 900L), 300, "a", THREE));
    }

    @Test
    void aLeaderThatIsNotAVoterDoesNotCountItself() {
        // The leader of a joint configuration that removes it: only b of {b, c, d} is fresh.
        assertFalse(LeaderContacts.majorityContact(
                Map.of("b", 10L, "c", 900L, "d", 900L), 300, "a", Set.of("b", "c", "d")));
    }

    @Test
    void aJointConfigurationNeedsAMajorityOfTheOldAndOfTheNewVoters() {
        // Old {a, b, c}, new {a, d, e}: b is fresh (old majority), d and e are not (no new majority).
        Map<String, Long> acked = Map.of("b", 10L, "c", 900L, "d", 900L, "e", 900L);
        assertTrue(LeaderContacts.majorityContact(acked, 300, "a", THREE));
        assertFalse(LeaderContacts.majorityContact(acked, 300, "a", Set.of("a", "d", "e")));
    }

    @Test
    void noVotersMeansNoContact() {
        assertFalse(LeaderContacts.majorityContact(Map.of("b", 10L), 300, "a", Set.of()));
    }
}
