package org.sipmediadeploy.raft;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sipmediadeploy.raft.Fixtures.AWAIT;
import static org.sipmediadeploy.raft.Fixtures.T0;
import static org.sipmediadeploy.raft.Fixtures.commit;
import static org.sipmediadeploy.raft.Fixtures.failover;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipmediadeploy.core.command.Command;
import org.sipmediadeploy.core.testing.LoopbackBlock;

/** Membership changes on three real Ratis servers in this JVM (its own loopback block). */
class MembershipTest {
    private static final String HOST = LoopbackBlock.RAFT_MEMBERSHIP.host(0, 1);

    @TempDir
    Path dir;

    private LocalCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private RaftNode threeNodesWithHistory() {
        cluster = new LocalCluster(dir, 3, s -> s, HOST).startAll();
        RaftNode leader = cluster.awaitLeader(AWAIT);
        long term = leader.leaderTerm().orElseThrow();
        assertTrue(commit(leader, new Command.InitPair(Fixtures.kamailio(), term, T0))
                .accepted());
        assertTrue(commit(leader, failover("d1", "srv-a", "srv-b", term)).accepted());
        return leader;
    }

    private static MembershipChange done(java.util.concurrent.CompletableFuture<MembershipChange> f) {
        try {
            return f.get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("membership change did not answer", e);
        }
    }

    private static Set<String> ids(RaftNode n) {
        Set<String> out = new TreeSet<>();
        n.members().forEach(m -> out.add(m.id()));
        return out;
    }

    private RaftNode startJoining(String id) {
        cluster.prepare(id, cluster.peers);
        RaftNode n = cluster.start(id);
        assertEquals(SelfMembership.JOINING, n.membership(), "a fresh node outside the configuration waits");
        return n;
    }

    private static RaftMember member(RaftNode n) {
        return new RaftMember(n.id(), n.settings().peers().get(n.id()));
    }

    @Test
    void addedFourthNodeCatchesUpWithTheHistoryAndVotes() {
        RaftNode leader = threeNodesWithHistory();
        RaftNode n4 = startJoining("n4");

        MembershipChange c = done(leader.addMember(member(n4)));
        assertEquals(MembershipChange.Outcome.DONE, c.outcome(), c.detail());

        await().atMost(AWAIT).until(() -> n4.membership() == SelfMembership.MEMBER);
        await().atMost(AWAIT).until(() -> n4.state().equals(leader.state()));
        for (RaftNode n : cluster.nodes.values()) {
            await().atMost(AWAIT).until(() -> ids(n).equals(Set.of("n1", "n2", "n3", "n4")));
        }
        // The new member takes part: an entry committed now is applied on it too.
        long term = leader.leaderTerm().orElseThrow();
        assertTrue(commit(leader, new Command.InitPool("gw", term, T0)).accepted());
        await().atMost(AWAIT).until(() -> n4.state().pool("gw").isPresent());
        // Adding it again is already done.
        assertEquals(
                MembershipChange.Outcome.DONE,
                done(leader.addMember(member(n4))).outcome());
    }

    @Test
    void removedMemberLeavesTheConfigurationAndSaysSo() {
        RaftNode leader = threeNodesWithHistory();
        RaftNode gone = cluster.followers(leader).get(0);

        MembershipChange c = done(leader.removeMember(gone.id()));
        assertEquals(MembershipChange.Outcome.DONE, c.outcome(), c.detail());

        Set<String> rest = new TreeSet<>(cluster.peers.keySet());
        rest.remove(gone.id());
        for (RaftNode n : cluster.nodes.values()) {
            if (n != gone) {
                await().atMost(AWAIT).until(() -> ids(n).equals(rest));
            }
        }
        await().atMost(AWAIT).until(() -> gone.membership() == SelfMembership.REMOVED);
        // The two remaining members still commit.
        RaftNode now = cluster.awaitLeader(AWAIT);
        assertTrue(!now.id().equals(gone.id()));
        long term = now.leaderTerm().orElseThrow();
        assertTrue(commit(now, new Command.InitPool("gw", term, T0)).accepted());
    }

    @Test
    void deadMemberIsReplacedByANewNodeThatCatchesUp() {
        RaftNode leader = threeNodesWithHistory();
        String dead = cluster.followers(leader).get(0).id();
        cluster.kill(dead);
        RaftNode n4 = startJoining("n4");

        MembershipChange c = done(leader.replaceMember(dead, member(n4)));
        assertEquals(MembershipChange.Outcome.DONE, c.outcome(), c.detail());

        Set<String> want = new TreeSet<>(cluster.peers.keySet());
        want.remove(dead);
        want.add("n4");
        for (RaftNode n : cluster.nodes.values()) {
            await().atMost(AWAIT).until(() -> ids(n).equals(want));
        }
        await().atMost(AWAIT).until(() -> n4.state().equals(leader.state()));
        assertEquals(SelfMembership.MEMBER, n4.membership());
        // Replacing again is already done; the dead node is no longer known.
        assertEquals(
                MembershipChange.Outcome.DONE,
                done(leader.replaceMember(dead, member(n4))).outcome());
        assertEquals(
                MembershipChange.Outcome.UNKNOWN_NODE,
                done(leader.removeMember(dead)).outcome());
    }

    @Test
    void refusesUnknownNodesTwoChangesAtOnceAndChangesLeavingNoMajority() {
        RaftNode leader = threeNodesWithHistory();
        MembershipChange unknown = done(leader.removeMember("n9"));
        assertEquals(MembershipChange.Outcome.UNKNOWN_NODE, unknown.outcome());
        assertTrue(unknown.detail().contains("unknown node 'n9'"), unknown.detail());
        assertEquals(
                MembershipChange.Outcome.UNKNOWN_NODE,
                done(leader.replaceMember("n9", new RaftMember("n8", HOST + ":1")))
                        .outcome());

        MembershipChange two = done(leader.changeMembers(
                List.of(member(leader), new RaftMember("n8", HOST + ":1"), new RaftMember("n9", HOST + ":2"))));
        assertEquals(MembershipChange.Outcome.REFUSED, two.outcome());
        assertTrue(two.detail().contains("one member at a time"), two.detail());

        // One follower down: removing the other live one would leave {leader, dead}: 1 of 2 reachable.
        List<RaftNode> followers = cluster.followers(leader);
        String dead = followers.get(0).id();
        cluster.kill(dead);
        String live = followers.get(1).id();
        // Only once the leader has not heard from it for longer than the reachability bound (3 x 600 ms).
        await().atMost(AWAIT)
                .until(() -> leader.members().stream()
                        .anyMatch(m ->
                                m.id().equals(dead) && m.lastContactMillis() != null && m.lastContactMillis() > 2_500));
        MembershipChange r = done(leader.removeMember(live));
        assertEquals(MembershipChange.Outcome.REFUSED, r.outcome(), r.detail());
        assertTrue(r.detail().contains("no majority") && r.detail().contains(dead), r.detail());
        assertEquals(Set.copyOf(cluster.peers.keySet()), ids(leader), "nothing changed");
    }

    @Test
    void removedNodeWithAnOldLogRefusesToStartAndAFreshOneWaitsToBeAdded() {
        RaftNode leader = threeNodesWithHistory();
        String gone = cluster.followers(leader).get(0).id();
        cluster.kill(gone);
        assertEquals(
                MembershipChange.Outcome.DONE, done(leader.removeMember(gone)).outcome());

        NotAMemberException e = assertThrows(
                NotAMemberException.class,
                () -> RaftNode.start(cluster.settings.get(gone), new ProbeView(), new RecordingListener()));
        assertTrue(
                e.getMessage().contains("is not a member") && e.getMessage().contains("members add " + gone),
                e.getMessage());
    }

    @Test
    void memberRestartedWithAStalePeerListUsesTheCurrentConfiguration() {
        RaftNode leader = threeNodesWithHistory();
        String dead = cluster.followers(leader).get(0).id();
        cluster.kill(dead);
        RaftNode n4 = startJoining("n4");
        assertEquals(
                MembershipChange.Outcome.DONE,
                done(leader.replaceMember(dead, member(n4))).outcome());
        await().atMost(AWAIT).until(() -> n4.membership() == SelfMembership.MEMBER);

        // The other survivor restarts with its old config file (still naming the dead node, not n4).
        String other = cluster.nodes.keySet().stream()
                .filter(id -> !id.equals(leader.id()) && !id.equals("n4"))
                .findFirst()
                .orElseThrow();
        cluster.kill(other);
        RaftNode back = cluster.start(other);
        Map<String, String> stale = new TreeMap<>(back.settings().peers());
        assertTrue(stale.containsKey(dead) && !stale.containsKey("n4"), "the config file is stale: " + stale);
        Set<String> want = Set.of(leader.id(), other, "n4");
        await().atMost(AWAIT).until(() -> ids(back).equals(want));
        assertEquals(SelfMembership.MEMBER, back.membership());
        long term = cluster.awaitLeader(AWAIT).leaderTerm().orElseThrow();
        assertTrue(commit(cluster.awaitLeader(AWAIT), new Command.InitPool("gw", term, T0))
                .accepted());
        await().atMost(AWAIT).until(() -> back.state().pool("gw").isPresent());
    }
}
