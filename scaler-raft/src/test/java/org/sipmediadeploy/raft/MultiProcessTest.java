package org.sipmediadeploy.raft;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipmediadeploy.core.testing.FreePort;

/** Three scaler nodes in three JVMs; the leader is killed with SIGKILL or frozen with SIGSTOP. */
class MultiProcessTest {
    private static final Duration AWAIT = Duration.ofSeconds(60);
    private static final Duration ASK = Duration.ofSeconds(70);

    @TempDir
    Path dir;

    private final List<NodeProcess> procs = new ArrayList<>();

    @BeforeEach
    void startThree() throws Exception {
        Map<String, String> peers = new TreeMap<>();
        for (int i = 1; i <= 3; i++) {
            peers.put("n" + i, "127.0.0.1:" + FreePort.onLoopback());
        }
        for (String id : peers.keySet()) {
            procs.add(NodeProcess.start(id, peers, dir.resolve(id)));
        }
    }

    @AfterEach
    void killAll() {
        for (NodeProcess p : procs) {
            p.close();
        }
    }

    private Optional<NodeProcess> leaderAbove(long term) {
        return NodeProcess.leaderAbove(procs, term);
    }

    private static long lastReady(NodeProcess p) {
        return p.lastReadyTerm();
    }

    @Test
    void killingTheLeaderWithSigkillElectsANewLeader() {
        NodeProcess old = await().atMost(AWAIT)
                .until(() -> leaderAbove(0), Optional::isPresent)
                .orElseThrow();
        long oldTerm = lastReady(old);
        assertTrue(old.ask("initPair " + oldTerm, ASK).startsWith("ACCEPTED"));
        old.signal("KILL");
        NodeProcess next = await().atMost(AWAIT)
                .until(() -> leaderAbove(oldTerm), Optional::isPresent)
                .orElseThrow();
        long newTerm = lastReady(next);
        assertTrue(next != old);
        assertTrue(next.ask("status", ASK).startsWith(newTerm + " " + newTerm + " "));
        assertEquals("srv-a", next.ask("active", ASK));
        assertTrue(next.ask("failover d" + newTerm + "-1 srv-a srv-b " + newTerm, ASK)
                .startsWith("ACCEPTED"));
    }

    @Test
    void aFrozenLeaderIsReplacedAndOnceResumedIsFenced() {
        NodeProcess old = await().atMost(AWAIT)
                .until(() -> leaderAbove(0), Optional::isPresent)
                .orElseThrow();
        long oldTerm = lastReady(old);
        assertTrue(old.ask("initPair " + oldTerm, ASK).startsWith("ACCEPTED"));
        old.signal("STOP");
        NodeProcess next;
        try {
            next = await().atMost(AWAIT)
                    .until(() -> leaderAbove(oldTerm), Optional::isPresent)
                    .orElseThrow();
        } finally {
            old.signal("CONT");
        }
        long newTerm = lastReady(next);
        assertTrue(next != old);
        // First thing after resuming: the old leader must not believe it may still act in its term.
        assertEquals("false", old.ask("isLeaderIn " + oldTerm, ASK));
        String stale = old.ask("failover d" + oldTerm + "-7 srv-a srv-b " + oldTerm, ASK);
        assertTrue(stale.startsWith("REFUSED") && stale.contains("stale term"), stale);
        assertEquals("srv-a", next.ask("active", ASK));
        // The new leader still decides normally.
        assertTrue(next.ask("failover d" + newTerm + "-1 srv-a srv-b " + newTerm, ASK)
                .startsWith("ACCEPTED"));
        await().atMost(AWAIT).until(() -> old.ask("active", ASK).equals("srv-b"));
        assertEquals("false", old.ask("isLeaderIn " + oldTerm, ASK));
    }

    @Test
    void aLeaderStoppedWithSigtermHandsOverLeadershipAndStopsItsLeaderWork() throws Exception {
        NodeProcess old = await().atMost(AWAIT)
                .until(() -> leaderAbove(0), Optional::isPresent)
                .orElseThrow();
        long oldTerm = lastReady(old);
        assertTrue(old.ask("initPair " + oldTerm, ASK).startsWith("ACCEPTED"));
        old.signal("TERM");
        NodeProcess next = await().atMost(AWAIT)
                .until(() -> leaderAbove(oldTerm), Optional::isPresent)
                .orElseThrow();
        assertTrue(next != old);
        assertTrue(old.process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "the stopped node exits");
        assertTrue(old.lines.stream().anyMatch(l -> l.endsWith(" NOTLEADER")), "leader work was told to stop");
        long newTerm = lastReady(next);
        assertTrue(next.ask("failover d" + newTerm + "-1 srv-a srv-b " + newTerm, ASK)
                .startsWith("ACCEPTED"));
    }
}
