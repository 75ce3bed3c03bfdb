package org.sipmediadeploy.raft;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipmediadeploy.core.testing.FreePort;

/**
 * A leader cut off from its peers right after it appended decisions of its own term (an uncommitted tail longer than
 * what the new leader will hold) must, once the link is back, drop that tail and catch up with the new leader: the
 * e2e partition scenario, reduced to the Raft group. Three JVMs, each with a group id of its own so that nftables can
 * cut exactly one node's links (root, {@code nft} and {@code setpriv}, as the link-loss benchmark). The stall the e2e
 * run saw once under heavy load (see the e2e README) did not show here on a quiet machine: this pins the path, it
 * does not reproduce that stall.
 */
class RejoinAfterPartitionTest {
    private static final long GID_BASE = 46910;
    private static final Duration AWAIT = Duration.ofSeconds(60);
    private static final Duration ASK = Duration.ofSeconds(70);

    @TempDir
    Path dir;

    private final Map<String, Integer> ports = new TreeMap<>();
    private final Map<String, NodeProcess> procs = new TreeMap<>();

    @AfterEach
    void killAll() {
        procs.values().forEach(NodeProcess::close);
    }

    @Test
    void aCutOffLeaderWithAnUncommittedTailCatchesUpWithTheNewLeaderAfterTheHeal() throws Exception {
        Map<String, String> peers = new TreeMap<>();
        for (int i = 1; i <= 3; i++) {
            int port = FreePort.onLoopback();
            ports.put("n" + i, port);
            peers.put("n" + i, "127.0.0.1:" + port);
        }
        for (String id : peers.keySet()) {
            procs.put(id, NodeProcess.startInGroup(id, peers, dir.resolve(id), gid(id)));
        }
        NodeProcess old = await().atMost(AWAIT)
                .until(() -> NodeProcess.leaderAbove(procs.values(), 0), Optional::isPresent)
                .orElseThrow();
        long oldTerm = old.lastReadyTerm();
        String init = old.ask("initPair " + oldTerm, ASK);
        assertTrue(init.startsWith("ACCEPTED"), init);

        List<NodeProcess> others = new ArrayList<>(procs.values());
        others.remove(old);
        List<Integer> otherPorts = others.stream().map(p -> ports.get(p.id)).toList();
        NodeProcess next;
        try (LinkLoss cut = LinkLoss.isolating("sipmd_rafttest_cut", gid(old.id), ports.get(old.id), otherPorts)) {
            // Within the old leader's lease: decisions of its term go into its own log only.
            for (int i = 1; i <= 8; i++) {
                assertEquals("SENT", old.ask("failoverAsync d" + oldTerm + "-9" + i + " srv-a srv-b " + oldTerm, ASK));
            }
            next = await().atMost(AWAIT)
                    .until(() -> NodeProcess.leaderAbove(others, oldTerm), Optional::isPresent)
                    .orElseThrow();
            assertNotSame(old, next);
            long newTerm = next.lastReadyTerm();
            // The new leader commits decisions that the cut-off node cannot receive (its appends to it pend).
            String reply = next.ask("initPool pool-1 " + newTerm, ASK);
            assertTrue(reply.startsWith("ACCEPTED"), reply);
            assertTrue(cut.dropped() > 0, "the cut dropped nothing: the test did not cut the node off");
        }
        long leaderApplied = applied(next);
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertTrue(
                        applied(old) >= leaderApplied,
                        () -> "the rejoined node is still at index " + applied(old) + ", the leader at "
                                + leaderApplied));
        assertEquals(next.ask("active", ASK), old.ask("active", ASK), "the rejoined node has the leader's state");
    }

    private static long applied(NodeProcess p) {
        return Long.parseLong(NodeProcess.words(p.ask("status", ASK))[2]);
    }

    private static long gid(String id) {
        return GID_BASE + Integer.parseInt(id.substring(1));
    }
}
