package org.sipmediadeploy.demo;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.sipmediadeploy.daemon.cli.ScalerCtl;

/**
 * {@code scalerctl members} against three real scaler processes (the demo on the sandbox, built-in responders;
 * sandbox block 127.66.x.y, nodes on 127.66.250.1): the configuration with each member's last contact; an unknown
 * node refused; a fourth process started with the cluster's peers waits (JOINING), is added and catches up, is
 * removed and says so, and with its old log refuses to start again (exit 78); a removal that would leave no
 * majority while a node is stopped is refused.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MembersClusterTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration LONG = Duration.ofMinutes(2);

    @TempDir
    static Path work;

    static DemoCluster demo;

    @BeforeAll
    static void startDemo() throws Exception {
        demo = DemoCluster.start(work.resolve("demo"), 66, true, DemoCluster.Pool.DEMO, "127.66.250.1");
    }

    @AfterAll
    static void stopDemo() {
        if (demo != null) {
            demo.close();
        }
    }

    record Run(int code, String out, String err) {}

    static Run ctl(String node, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--config", demo.config(node).toString()));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ScalerCtl.run(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    static JsonNode status(String node) throws Exception {
        Run r = ctl(node, "status", "--json", "--timeout", "PT3S");
        assertEquals(0, r.code(), r.err());
        return JSON.readTree(r.out());
    }

    static String leader() {
        String[] l = new String[1];
        await().atMost(LONG)
                .pollInterval(Duration.ofMillis(300))
                .ignoreExceptions()
                .until(() -> {
                    JsonNode n = status("scaler-1").path("node");
                    l[0] = n.path("leader_id").asText(null);
                    return l[0] != null
                            && "LEADER"
                                    .equals(status(l[0])
                                            .path("node")
                                            .path("role")
                                            .asText());
                });
        return l[0];
    }

    static List<String> memberIds(JsonNode status) {
        List<String> ids = new ArrayList<>();
        status.path("peers").forEach(p -> ids.add(p.path("id").asText()));
        return ids;
    }

    @Test
    @Order(1)
    void membersShowsTheConfigurationWithEachMembersLastContact() {
        String leader = leader();
        await().atMost(LONG)
                .pollInterval(Duration.ofMillis(300))
                .ignoreExceptions()
                .untilAsserted(() -> {
                    JsonNode s = status(leader);
                    assertEquals(List.of("scaler-1", "scaler-2", "scaler-3"), memberIds(s));
                    for (JsonNode p : s.path("peers")) {
                        assertTrue(!p.path("last_contact").isNull(), "the leader tracks every member: " + p);
                    }
                    assertEquals("MEMBER", s.path("node").path("membership").asText());
                });
        // An election may happen at any moment on a loaded machine: the table names a leader once there is one.
        await().atMost(LONG).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
            Run r = ctl(leader, "members");
            assertEquals(0, r.code(), r.err());
            assertTrue(
                    r.out().contains("configuration index")
                            && r.out().contains("leader")
                            && r.out().contains("(this node)"),
                    r.out());
        });
    }

    @Test
    @Order(2)
    void removingAnUnknownNodeIsRefused() {
        // Exit 3 (no leader for a moment, during an election) is retried, as an operator would; the refusal is 1.
        Run[] last = new Run[1];
        await().atMost(LONG).pollInterval(Duration.ofMillis(300)).until(() -> {
            last[0] = ctl("scaler-2", "members", "remove", "scaler-9");
            return last[0].code() != 3;
        });
        Run r = last[0];
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("unknown node 'scaler-9'"), r.err());
    }

    @Test
    @Order(3)
    void aFourthNodeWaitsIsAddedAndCatchesUp() throws Exception {
        String address = demo.prepareNode("scaler-4");
        demo.startNode("scaler-4");
        await().atMost(LONG)
                .pollInterval(Duration.ofMillis(300))
                .ignoreExceptions()
                .untilAsserted(() -> {
                    JsonNode s = status("scaler-4");
                    assertEquals(
                            "JOINING",
                            s.path("node").path("membership").asText(),
                            s.path("node").toString());
                });
        Run waiting = ctl("scaler-4", "status");
        assertTrue(waiting.out().contains("NOT in the Raft configuration: it waits to be added"), waiting.out());

        Run add = ctl("scaler-1", "members", "add", "scaler-4", address);
        assertEquals(0, add.code(), add.out() + add.err());
        assertTrue(add.out().contains("scaler-4"), add.out());
        String leader = leader();
        await().atMost(LONG)
                .pollInterval(Duration.ofMillis(300))
                .ignoreExceptions()
                .untilAsserted(() -> {
                    JsonNode s4 = status("scaler-4");
                    JsonNode sl = status(leader);
                    assertEquals("MEMBER", s4.path("node").path("membership").asText());
                    assertEquals(List.of("scaler-1", "scaler-2", "scaler-3", "scaler-4"), memberIds(sl));
                    // caught up: the same pairs as the leader, and its applied index at least the leader's of a moment
                    // ago
                    assertEquals(
                            sl.path("pairs").path(0).path("active").path("server_id"),
                            s4.path("pairs").path(0).path("active").path("server_id"));
                    assertTrue(
                            s4.path("node").path("applied_index").asLong()
                                    >= sl.path("node").path("applied_index").asLong() - 5,
                            s4.path("node") + " vs " + sl.path("node"));
                });
    }

    @Test
    @Order(4)
    void theRemovedNodeSaysSoAndWithItsOldLogRefusesToStartAgain() throws Exception {
        Run remove = ctl("scaler-2", "members", "remove", "scaler-4");
        assertEquals(0, remove.code(), remove.out() + remove.err());
        await().atMost(LONG)
                .pollInterval(Duration.ofMillis(300))
                .ignoreExceptions()
                .untilAsserted(() -> {
                    assertEquals(List.of("scaler-1", "scaler-2", "scaler-3"), memberIds(status(leader())));
                    assertEquals(
                            "REMOVED",
                            status("scaler-4").path("node").path("membership").asText());
                });
        Run st = ctl("scaler-4", "status");
        assertTrue(st.out().contains("NOT in the Raft configuration any more"), st.out());
        Path log = demo.workDir().resolve("scaler-4.log");
        assertEquals(1, countLines(log, "no longer in the Raft configuration: it stops acting"), "logged once");

        demo.stopNode("scaler-4");
        demo.startNode("scaler-4");
        Process p = demo.nodes().get("scaler-4");
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "a removed node with its old log exits");
        assertEquals(78, p.exitValue());
        String out = Files.readString(demo.workDir().resolve("scaler-4.out"));
        assertTrue(out.contains("is not a member of cluster") && out.contains("members add scaler-4"), out);
    }

    @Test
    @Order(5)
    void aRemovalThatWouldLeaveNoMajorityIsRefusedWhileANodeIsDown() throws Exception {
        String leader = leader();
        List<String> followers = new ArrayList<>(List.of("scaler-1", "scaler-2", "scaler-3"));
        followers.remove(leader);
        String down = followers.get(0);
        String live = followers.get(1);
        demo.stopNode(down);
        try {
            // until the leader has not heard from it for longer than the reachability bound (3 x 600 ms)
            await().atMost(LONG)
                    .pollInterval(Duration.ofMillis(300))
                    .ignoreExceptions()
                    .untilAsserted(() -> {
                        for (JsonNode p : status(leader).path("peers")) {
                            if (p.path("id").asText().equals(down)) {
                                assertTrue(
                                        java.time.Instant.parse(
                                                        p.path("last_contact").asText())
                                                .isBefore(
                                                        java.time.Instant.now().minusSeconds(3)),
                                        p.toString());
                            }
                        }
                    });
            Run r = ctl(leader, "members", "remove", live);
            assertEquals(1, r.code(), r.out() + r.err());
            assertTrue(
                    r.err().contains("409")
                            && r.err().contains("no majority")
                            && r.err().contains(down),
                    r.err());
            assertEquals(List.of("scaler-1", "scaler-2", "scaler-3"), memberIds(status(leader)));
        } finally {
            demo.startNode(down);
        }
    }

    private static long countLines(Path f, String text) throws Exception {
        try (var lines = Files.lines(f)) {
            return lines.filter(l -> l.contains(text)).count();
        }
    }
}
