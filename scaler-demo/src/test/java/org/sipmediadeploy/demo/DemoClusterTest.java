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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.sipmediadeploy.daemon.cli.ScalerCtl;

/**
 * The README's walk-through, automated: the embedded default comes up (three scaler processes on the sandbox with
 * a Kamailio pair, a Coturn pair and a gateway pool), {@code scalerctl status} shows a leader, both pairs healthy and
 * the pool at its target; killing the active Kamailio moves the floating IP and {@code scalerctl history} shows
 * the failover.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DemoClusterTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path work;

    static DemoCluster demo;

    @BeforeAll
    static void startDemo() throws Exception {
        demo = DemoCluster.start(work.resolve("demo"), 3, false);
    }

    @AfterAll
    static void stopDemo() {
        if (demo != null) {
            demo.close();
        }
    }

    record Run(int code, String out, String err) {}

    static Run ctl(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ScalerCtl.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    static JsonNode status(String node) throws Exception {
        Run r = ctl("status", "--json", "--config", demo.config(node).toString());
        assertEquals(0, r.code(), r.err());
        return JSON.readTree(r.out());
    }

    static boolean pairUp(JsonNode pair) {
        return "UP"
                        .equals(pair.path("active")
                                .path("probes")
                                .path(0)
                                .path("status")
                                .asText())
                && "UP"
                        .equals(pair.path("standby")
                                .path("probes")
                                .path(0)
                                .path("status")
                                .asText());
    }

    @Test
    @Order(1)
    void comesUpWithALeaderHealthyPairsAndThePoolAtItsTarget() {
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .untilAsserted(() -> {
                    JsonNode s = status("scaler-1");
                    assertTrue(!s.path("node").path("leader_id").isNull(), "a leader: " + s.path("node"));
                    assertEquals(2, s.path("pairs").size(), s.path("pairs").toString());
                    for (JsonNode p : s.path("pairs")) {
                        assertTrue(pairUp(p), p.toString());
                    }
                    JsonNode pool = s.path("pools").path(0);
                    int idle = 0;
                    for (JsonNode h : pool.path("hosts")) {
                        assertEquals("READY", h.path("state").asText(), h.toString());
                        idle += h.path("idle_gateways").asInt();
                    }
                    // spare target = gateways per host + 1 in the demo config
                    assertTrue(idle >= 5, "idle gateways " + idle + " in " + pool);
                    // Alarms are the leader's: ask it.
                    JsonNode leader = status(s.path("node").path("leader_id").asText());
                    assertEquals("LEADER", leader.path("node").path("role").asText());
                    assertTrue(
                            leader.path("alarms").isEmpty(),
                            leader.path("alarms").toString());
                    for (JsonNode peer : leader.path("peers")) {
                        assertTrue(!peer.path("last_contact").isNull(), "last contact of " + peer);
                    }
                });
        Run human = ctl("status", "--config", demo.config("scaler-2").toString());
        assertEquals(0, human.code(), human.err());
        assertTrue(human.out().contains("kamailio") && human.out().contains("leader scaler-"), human.out());
    }

    @Test
    @Order(2)
    void killingTheActiveKamailioMovesTheFloatingIpAndHistoryShowsIt() throws Exception {
        String fip = demo.kamailio().floatingAddress();
        assertEquals(demo.kamailio().fixedA(), demo.sandbox().floatingTarget(fip));
        demo.sandbox().kill(demo.kamailio().serverA());
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> demo.kamailio().fixedB().equals(demo.sandbox().floatingTarget(fip)));
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .untilAsserted(() -> {
                    Run h = ctl("history", "--config", demo.config("scaler-3").toString());
                    assertEquals(0, h.code(), h.err());
                    Matcher m = Pattern.compile("Failover\\s+kamailio\\s+DONE\\s+kamailio-a failed")
                            .matcher(h.out());
                    assertTrue(m.find(), h.out());
                });
        JsonNode s = status("scaler-1");
        for (JsonNode p : s.path("pairs")) {
            if (p.path("name").asText().equals("kamailio")) {
                assertEquals("kamailio-b", p.path("active").path("name").asText());
            }
        }
    }

    @Test
    @Order(3)
    void noSecretAppearsInAnyNodeOutput() throws Exception {
        String token = Files.readString(demo.tokenFile()).strip();
        String turn =
                Files.readString(demo.workDir().resolve("secrets/turn-probe")).strip();
        java.util.List<String> passwords = new java.util.ArrayList<>();
        for (String node : demo.nodes().keySet()) {
            // each node calls the cloud as its own Keystone user
            passwords.add(Files.readString(demo.workDir().resolve("secrets/os-password-" + node))
                    .strip());
        }
        for (String node : demo.nodes().keySet()) {
            for (Path f : new Path[] {
                demo.workDir().resolve(node + ".out"), demo.workDir().resolve(node + ".log")
            }) {
                if (Files.exists(f)) {
                    String log = Files.readString(f);
                    assertTrue(
                            !log.contains(token) && passwords.stream().noneMatch(log::contains) && !log.contains(turn),
                            "a secret leaked into " + f);
                }
            }
        }
    }

    @Test
    @Order(4)
    void anUnreachableClusterExitsThree() {
        Run r = ctl(
                "status",
                "--url",
                "http://127.0.0.1:1",
                "--token-file",
                demo.tokenFile().toString(),
                "--timeout",
                "PT1S");
        assertEquals(3, r.code(), r.out() + r.err());
    }
}
