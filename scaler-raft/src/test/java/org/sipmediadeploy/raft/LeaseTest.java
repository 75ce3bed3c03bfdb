package org.sipmediadeploy.raft;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The lease behind isLeaderIn: a leader that has not heard from a majority lately must not act. The ages are those
 * of the <em>send</em> time of each follower's latest answered request: the check used to read Ratis' reply time, so
 * a follower that answered a 5 s old request just now counted as fresh contact and renewed a lease that another
 * node's election may already have ended. Tested through the voter-set check isLeaderIn uses, with the previous
 * voters of a joint configuration.
 */
class LeaseTest {
    private static final Set<String> THREE = Set.of("a", "b", "c");
    private static final Set<String> FIVE = Set.of("a", "b", "c", "d", "e");
    private static final Set<String> NO_CHANGE = Set.of();

    @Test
    void leaderWhoseRequestToOneOfTwoFollowersWasAnsweredLatelyMayAct() {
        assertTrue(LeaderLease.holds(Map.of("b", 40L, "c", 9_000L), 300, "a", THREE, NO_CHANGE));
    }

    @Test
    void aDelayedReplyToAnOldRequestDoesNotRenewTheLease() {
        // b's reply arrived a moment ago, but answers a request sent 5 s ago: the age that counts is 5 000 ms.
        assertFalse(LeaderLease.holds(Map.of("b", 5_000L, "c", 9_000L), 300, "a", THREE, NO_CHANGE));
    }

    @Test
    void contactExactlyAtTheLimitIsTooOld() {
        assertFalse(LeaderLease.holds(Map.of("b", 300L, "c", 300L), 300, "a", THREE, NO_CHANGE));
    }

    @Test
    void fiveVotersNeedTwoFreshFollowers() {
        assertFalse(LeaderLease.holds(Map.of("b", 10L, "c", 900L, "d", 900L, "e", 900L), 300, "a", FIVE, NO_CHANGE));
        assertTrue(LeaderLease.holds(Map.of("b", 10L, "c", 20L, "d", 900L, "e", 900L), 300, "a", FIVE, NO_CHANGE));
    }

    @Test
    void freshFollowersOutsideTheVoterSetDoNotCount() {
        // A listener or a peer being added answers quickly, but only voters make a majority.
        assertFalse(LeaderLease.holds(Map.of("x", 10L, "y", 10L, "b", 900L), 300, "a", THREE, NO_CHANGE));
    }

    @Test
    void aLeaderThatIsNotAVoterDoesNotCountItself() {
        // The new configuration {b, c, d} removes the leader a: only b of {b, c, d} is fresh.
        assertFalse(LeaderLease.holds(Map.of("b", 10L, "c", 900L, "d", 900L), 300, "a", Set.of("b", "c", "d"), THREE));
    }

    @Test
    void aJointConfigurationWithOnlyTheOldMajorityFreshHasNoLease() {
        // Old {a, b, c}, new {a, d, e}: b is fresh (old majority), d and e are not (no new majority).
        Map<String, Long> acked = Map.of("b", 10L, "c", 900L, "d", 900L, "e", 900L);
        assertFalse(LeaderLease.holds(acked, 300, "a", Set.of("a", "d", "e"), THREE));
    }

    @Test
    void aJointConfigurationWithOnlyTheNewMajorityFreshHasNoLease() {
        // Old {a, b, c}, new {a, d, e}: d is fresh (new majority), b and c are not (no old majority).
        Map<String, Long> acked = Map.of("b", 900L, "c", 900L, "d", 10L, "e", 900L);
        assertFalse(LeaderLease.holds(acked, 300, "a", Set.of("a", "d", "e"), THREE));
    }

    @Test
    void aJointConfigurationWithBothMajoritiesFreshHoldsTheLease() {
        Map<String, Long> acked = Map.of("b", 10L, "c", 900L, "d", 10L, "e", 900L);
        assertTrue(LeaderLease.holds(acked, 300, "a", Set.of("a", "d", "e"), THREE));
    }

    @Test
    void aLeaderLeavingInAJointConfigurationNeedsAFreshMajorityOfTheNewVotersWithoutItself() {
        // Old {a, b, c}, new {b, c, d}: a counts for the old voters only; b alone is not a majority of the new.
        assertFalse(LeaderLease.holds(Map.of("b", 10L, "c", 900L, "d", 900L), 300, "a", Set.of("b", "c", "d"), THREE));
        assertTrue(LeaderLease.holds(Map.of("b", 10L, "c", 10L, "d", 900L), 300, "a", Set.of("b", "c", "d"), THREE));
    }

    @Test
    void noVotersMeansNoContact() {
        assertFalse(LeaderLease.holds(Map.of("b", 10L), 300, "a", Set.of(), NO_CHANGE));
    }
}
