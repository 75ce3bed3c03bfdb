package org.sipmediadeploy.raft;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sipmediadeploy.raft.Fixtures.AWAIT;
import static org.sipmediadeploy.raft.Fixtures.T0;
import static org.sipmediadeploy.raft.Fixtures.commit;
import static org.sipmediadeploy.raft.Fixtures.failover;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipmediadeploy.core.command.Command;
import org.sipmediadeploy.core.model.ArrivalHistory;
import org.sipmediadeploy.core.model.PoolMode;
import org.sipmediadeploy.core.model.ProbeStatus;
import org.sipmediadeploy.core.port.Consensus.CommitResult;

class RaftClusterTest {
    @TempDir
    Path dir;

    private LocalCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private LocalCluster threeNodes() {
        cluster = new LocalCluster(dir, 3, s -> s).startAll();
        return cluster;
    }

    @Test
    void electsExactlyOneReadyLeaderAndTellsItsListener() {
        threeNodes();
        RaftNode leader = cluster.awaitLeader(AWAIT);
        long term = leader.leaderTerm().orElseThrow();
        await().atMost(AWAIT).until(() -> cluster.listeners.get(leader.id()).readyIn(term));
        assertTrue(leader.isLeaderIn(term));
        assertFalse(leader.isLeaderIn(term - 1));
        for (RaftNode f : cluster.followers(leader)) {
            assertFalse(f.isLeaderIn(term), f.id());
            assertTrue(f.leaderTerm().isEmpty(), f.id());
        }
    }

    @Test
    void committedCommandIsAppliedOnEveryNode() {
        threeNodes();
        RaftNode leader = cluster.awaitLeader(AWAIT);
        long term = leader.leaderTerm().orElseThrow();
        CommitResult r = commit(leader, new Command.InitPair(Fixtures.kamailio(), term, T0));
        assertTrue(r.accepted(), r.refusal());
        assertEquals(term, r.term());
        for (RaftNode n : cluster.nodes.values()) {
            await().atMost(AWAIT).until(() -> n.state().pair("kamailio").isPresent());
        }
        // A follower's proposal is routed to the leader by the client.
        RaftNode follower = cluster.followers(leader).get(0);
        assertTrue(commit(follower, new Command.InitPool("gw", term, T0)).accepted());
    }

    /**
     * A proposal goes first to the leader this node knows. The defect: the proposing client kept the leader it had
     * cached (the old one); when that one is cut off rather than closed, each proposal spent a whole request timeout
     * on it before trying another peer, and an operator action on the new leader answered "unavailable" (exit 3)
     * on a loaded machine while the proposal could still commit.
     */
    @Test
    void aProposalIsSentToTheLeaderTheNodeKnowsNotToTheOneItsClientLastUsed() {
        threeNodes();
        RaftNode old = cluster.awaitLeader(AWAIT);
        long oldTerm = old.leaderTerm().orElseThrow();
        for (RaftNode n : cluster.nodes.values()) {
            assertTrue(
                    commit(n, new Command.InitPool("gw-" + n.id(), oldTerm, T0)).accepted());
        }
        cluster.kill(old.id());
        RaftNode next = cluster.awaitLeader(AWAIT);
        assertNotEquals(old.id(), next.id());
        for (RaftNode n : cluster.nodes.values()) {
            await().atMost(AWAIT).until(() -> n.leaderId().equals(java.util.Optional.of(next.id())));
            assertEquals(next.id(), n.proposalTarget(), "the first try of a proposal on " + n.id());
        }
    }

    @Test
    void newLeaderBecomesReadyAfterTheLeaderIsKilled() {
        threeNodes();
        RaftNode old = cluster.awaitLeader(AWAIT);
        long oldTerm = old.leaderTerm().orElseThrow();
        assertTrue(commit(old, new Command.InitPool("gw", oldTerm, T0)).accepted());
        cluster.kill(old.id());
        assertTrue(cluster.listeners.get(old.id()).sawNotLeader(), "a closing leader stops its leader work");
        RaftNode next = cluster.awaitLeader(AWAIT);
        long newTerm = next.leaderTerm().orElseThrow();
        assertNotEquals(old.id(), next.id());
        assertTrue(newTerm > oldTerm);
        await().atMost(AWAIT).until(() -> cluster.listeners.get(next.id()).readyIn(newTerm));
        assertTrue(next.state().pool("gw").isPresent(), "the new leader has every committed entry applied");
    }

    @Test
    void aNewLeaderKeepsTheArrivalsTheOldOneLearnt() {
        threeNodes();
        RaftNode old = cluster.awaitLeader(AWAIT);
        long term = old.leaderTerm().orElseThrow();
        await().atMost(AWAIT).until(() -> cluster.listeners.get(old.id()).readyIn(term));
        assertTrue(commit(old, new Command.InitPool("gw", term, T0)).accepted());
        long minute = T0.getEpochSecond() / 60;
        for (int i = 0; i < 40; i++) {
            // A :00 / :30 burst pattern: what the forecast needs to scale ahead of the next one.
            CommitResult r = commit(old, new Command.RecordArrivals("gw", minute + i, i % 30 == 0 ? 60 : 3, term, T0));
            assertTrue(r.accepted(), r.refusal());
        }
        ArrivalHistory learnt = old.state().pool("gw").orElseThrow().arrivals();
        assertEquals(60 + 60 + 38 * 3, learnt.sum(minute, 40));
        cluster.kill(old.id());
        RaftNode next = cluster.awaitLeader(AWAIT);
        long newTerm = next.leaderTerm().orElseThrow();
        await().atMost(AWAIT).until(() -> cluster.listeners.get(next.id()).readyIn(newTerm));
        assertEquals(learnt, next.state().pool("gw").orElseThrow().arrivals());
        // The new leader goes on adding to the same history.
        assertTrue(commit(next, new Command.RecordArrivals("gw", minute + 40, 5, newTerm, T0))
                .accepted());
        assertEquals(
                60 + 60 + 38 * 3 + 5,
                next.state().pool("gw").orElseThrow().arrivals().sum(minute, 41));
    }

    @Test
    void restartedFollowerCatchesUpFromDisk() {
        threeNodes();
        RaftNode leader = cluster.awaitLeader(AWAIT);
        long term = leader.leaderTerm().orElseThrow();
        assertTrue(commit(leader, new Command.InitPool("gw", term, T0)).accepted());
        String fid = cluster.followers(leader).get(0).id();
        await().atMost(AWAIT)
                .until(() -> cluster.nodes.get(fid).state().pool("gw").isPresent());
        cluster.kill(fid);
        assertTrue(commit(leader, new Command.SetPoolMode("gw", PoolMode.PAUSED, "op", term, T0))
                .accepted());
        assertTrue(commit(leader, new Command.InitPair(Fixtures.kamailio(), term, T0))
                .accepted());
        RaftNode back = cluster.start(fid);
        await().atMost(AWAIT).until(() -> back.state().equals(leader.state()));
        assertEquals(PoolMode.PAUSED, back.state().pool("gw").orElseThrow().mode());
    }

    @Test
    void restartedNodeIsRestoredFromSnapshotAndItsLogIsPurged() {
        cluster = new LocalCluster(dir, 3, s -> s.withSnapshots(40, 8 * 1024)).startAll();
        RaftNode leader = cluster.awaitLeader(AWAIT);
        long term = leader.leaderTerm().orElseThrow();
        List<CompletableFuture<CommitResult>> pending = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            pending.add(leader.propose(new Command.InitPool(String.format("pool-%03d", i), term, T0)));
        }
        for (CompletableFuture<CommitResult> f : pending) {
            assertTrue(f.join().accepted());
        }
        RaftNode f = cluster.followers(leader).get(0);
        String fid = f.id();
        await().atMost(AWAIT).until(() -> f.state().pools().size() == 300);
        await().atMost(AWAIT).until(() -> f.latestSnapshotIndex() > 0 && f.firstLogIndex() > 1);
        long snapshotIndex = f.latestSnapshotIndex();
        cluster.kill(fid);
        RaftNode back = cluster.start(fid);
        // Entries below the log's start exist only in the snapshot: a complete state proves the restore.
        assertTrue(back.firstLogIndex() > 1, "log purged up to the snapshot, start " + back.firstLogIndex());
        assertTrue(back.latestSnapshotIndex() >= snapshotIndex);
        await().atMost(AWAIT).until(() -> back.state().equals(leader.state()));
        assertTrue(back.state().pool("pool-000").isPresent());
    }

    @Test
    void snapshotOnDemandReturnsItsIndexAndSurvivesRestartOfTheWholeCluster() throws Exception {
        threeNodes();
        RaftNode leader = cluster.awaitLeader(AWAIT);
        long term = leader.leaderTerm().orElseThrow();
        assertTrue(commit(leader, new Command.InitPair(Fixtures.kamailio(), term, T0))
                .accepted());
        long index = leader.snapshotNow(Duration.ofSeconds(20));
        assertTrue(index >= leader.lastAppliedIndex() - 1 && index > 0, "snapshot index " + index);
        cluster.close();
        cluster.nodes.clear();
        cluster.startAll();
        RaftNode again = cluster.awaitLeader(AWAIT);
        await().atMost(AWAIT).until(() -> again.state().pair("kamailio").isPresent());
    }

    @Test
    void proposalWithAStaleTermIsRefused() {
        threeNodes();
        RaftNode old = cluster.awaitLeader(AWAIT);
        long oldTerm = old.leaderTerm().orElseThrow();
        assertTrue(commit(old, new Command.InitPair(Fixtures.kamailio(), oldTerm, T0))
                .accepted());
        cluster.kill(old.id());
        RaftNode next = cluster.awaitLeader(AWAIT);
        long newTerm = next.leaderTerm().orElseThrow();
        assertTrue(commit(
                        next,
                        new Command.SetPairMode(
                                "kamailio", org.sipmediadeploy.core.model.PairMode.PAUSED, "op", newTerm, T0))
                .accepted());
        assertEquals(newTerm, next.state().highestTerm());
        CommitResult stale = commit(next, failover("d" + oldTerm + "-9", "srv-a", "srv-b", oldTerm));
        assertFalse(stale.accepted());
        assertTrue(stale.refusal().contains("stale term"), stale.refusal());
        assertEquals("srv-a", next.state().pair("kamailio").orElseThrow().activeServerId());
    }

    @Test
    void staleTermIsRefusedEvenBeforeTheNewLeaderRaisedTheHighestTerm() {
        threeNodes();
        RaftNode old = cluster.awaitLeader(AWAIT);
        long oldTerm = old.leaderTerm().orElseThrow();
        assertTrue(commit(old, new Command.InitPair(Fixtures.kamailio(), oldTerm, T0))
                .accepted());
        cluster.kill(old.id());
        RaftNode next = cluster.awaitLeader(AWAIT);
        assertEquals(oldTerm, next.state().highestTerm());
        CommitResult stale = commit(next, failover("d" + oldTerm + "-9", "srv-a", "srv-b", oldTerm));
        assertTrue(stale.refusal().contains("stale term"), stale.refusal());
    }

    @Test
    void refusedCommandsReturnTheirReasons() {
        threeNodes();
        RaftNode leader = cluster.awaitLeader(AWAIT);
        long term = leader.leaderTerm().orElseThrow();
        assertTrue(commit(leader, new Command.InitPool("gw", term, T0)).accepted());
        assertEquals(
                "pool gw exists",
                commit(leader, new Command.InitPool("gw", term, T0)).refusal());
        assertTrue(commit(leader, new Command.InitPair(Fixtures.kamailio(), term, T0))
                .accepted());
        CommitResult wrongActive = commit(leader, failover("d" + term + "-1", "srv-b", "srv-a", term));
        assertTrue(wrongActive.refusal().contains("the active member is srv-a"), wrongActive.refusal());
        CommitResult unknown = commit(
                leader,
                new Command.RecordOutcome(
                        "d9-9", org.sipmediadeploy.core.decision.Outcome.DONE, "", Map.of(), term, T0));
        assertEquals("no open decision d9-9", unknown.refusal());
    }

    @Test
    void duplicateFailoverIsRefusedWhetherSequentialOrConcurrent() {
        threeNodes();
        RaftNode leader = cluster.awaitLeader(AWAIT);
        long term = leader.leaderTerm().orElseThrow();
        assertTrue(commit(leader, new Command.InitPair(Fixtures.kamailio(), term, T0))
                .accepted());
        // Concurrent: both validate against the same state before the log; only one can be applied.
        CompletableFuture<CommitResult> a = leader.propose(failover("d" + term + "-1", "srv-a", "srv-b", term));
        CompletableFuture<CommitResult> b =
                cluster.followers(leader).get(0).propose(failover("d" + term + "-2", "srv-a", "srv-b", term));
        List<CommitResult> both = List.of(a.join(), b.join());
        assertEquals(1, both.stream().filter(CommitResult::accepted).count(), both.toString());
        assertEquals("srv-b", leader.state().pair("kamailio").orElseThrow().activeServerId());
        // Sequential: the same decision id again.
        CommitResult again = commit(leader, failover("d" + term + "-1", "srv-a", "srv-b", term));
        assertTrue(again.refusal().contains("duplicate") || again.refusal().contains("active member"), again.refusal());
        for (RaftNode n : cluster.nodes.values()) {
            await().atMost(AWAIT).until(() -> n.state().equals(leader.state()));
        }
        assertEquals(1, leader.state().open().size());
    }

    @Test
    void leaderAsksPeersWhatTheySeeAndAnUnreachablePeerIsAbsent() {
        threeNodes();
        RaftNode leader = cluster.awaitLeader(AWAIT);
        List<RaftNode> followers = cluster.followers(leader);
        String key = "sip-udp://127.0.1.1:5060";
        cluster.views.get(followers.get(0).id()).update(key, ProbeStatus.DOWN);
        cluster.views.get(followers.get(1).id()).update(key, ProbeStatus.UP);
        Map<String, ProbeStatus> seen =
                leader.peerProbes().ask(key, Duration.ofSeconds(5)).join();
        assertEquals(
                Map.of(followers.get(0).id(), ProbeStatus.DOWN, followers.get(1).id(), ProbeStatus.UP), seen);
        Map<String, ProbeStatus> unknownTarget = leader.peerProbes()
                .ask("stun://127.0.1.2:3478", Duration.ofSeconds(5))
                .join();
        assertEquals(
                Map.of(
                        followers.get(0).id(),
                        ProbeStatus.UNKNOWN,
                        followers.get(1).id(),
                        ProbeStatus.UNKNOWN),
                unknownTarget);
        cluster.kill(followers.get(1).id());
        Map<String, ProbeStatus> partial = leader.peerProbes()
                .ask(key, Duration.ofMillis(1500))
                .orTimeout(10, TimeUnit.SECONDS)
                .join();
        assertEquals(Map.of(followers.get(0).id(), ProbeStatus.DOWN), partial);
    }

    @Test
    void leadershipIsTransferredToAFollowerOnRequest() {
        threeNodes();
        RaftNode first = cluster.awaitLeader(AWAIT);
        assertTrue(commit(first, new Command.InitPool("gw", first.leaderTerm().orElseThrow(), T0))
                .accepted());
        // On a loaded machine leadership may move by itself meanwhile: ask whoever leads at that moment.
        RaftNode[] from = new RaftNode[1];
        long[] fromTerm = new long[1];
        await().atMost(AWAIT).until(() -> {
            from[0] = cluster.awaitLeader(AWAIT);
            fromTerm[0] = from[0].leaderTerm().orElse(-1);
            return from[0].transferLeadership(Duration.ofSeconds(5));
        });
        RaftNode leader = from[0];
        long term = fromTerm[0];
        await().atMost(AWAIT)
                .until(() -> cluster.readyLeader().filter(n -> n != leader).isPresent());
        assertFalse(leader.isLeaderIn(term));
        await().atMost(AWAIT).until(() -> cluster.listeners.get(leader.id()).sawNotLeader());
        RaftNode nowLeader = cluster.awaitLeader(AWAIT);
        for (RaftNode n : cluster.followers(nowLeader)) {
            assertFalse(n.transferLeadership(Duration.ofSeconds(1)), "a follower has nothing to transfer");
        }
    }
}
