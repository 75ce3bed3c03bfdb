package org.sipmediadeploy.sandbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Faults keyed by source: one path (a source address to a server) dropped, rejected or lossy while every other
 * source, and the floating IP, still gets through. This is what lets a test cut one scaler node off a member.
 */
class PathFaultsTest {
    private static final String NODE_A = "127.81.30.1";
    private static final String NODE_B = "127.81.30.2";
    private static Sandbox sandbox;
    private static RawApi raw;

    @BeforeAll
    static void start() {
        sandbox = Sandbox.start(SandboxConfig.defaults().toBuilder()
                .addressBlock(81)
                .processes(SandboxConfig.Processes.BUILTIN)
                .bootDelay(Duration.ofMillis(100))
                .build());
        raw = new RawApi(sandbox);
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    private static Sandbox.Pair boot(String name) {
        Sandbox.Pair pair = sandbox.createPair(name, "sipmediadeploy-gateway", "paths");
        await().atMost(Duration.ofSeconds(15)).until(() -> sandbox.hasInstance(pair.serverA()));
        await().atMost(Duration.ofSeconds(10)).until(() -> answers(NODE_A, sandbox.fixedAddress(pair.serverA())));
        return pair;
    }

    private static boolean answers(String from, String address) {
        try {
            return TinyClients.sipUdpFrom(from, address, 5060, 300)
                    .filter(r -> r.startsWith("SIP/2.0 200"))
                    .isPresent();
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void droppingOnePathSilencesOnlyThatSourceUntilRestored() throws Exception {
        Sandbox.Pair pair = boot("path-drop");
        String id = pair.serverA();
        String fixed = sandbox.fixedAddress(id);

        sandbox.pathTraffic(id, NODE_A, TrafficMode.DROP);

        assertFalse(answers(NODE_A, fixed));
        assertTrue(answers(NODE_B, fixed));
        assertTrue(answers("127.0.0.1", pair.floatingAddress()), "the floating IP path is another source");
        // TCP from the cut source connects (the address is there) but nothing comes back
        assertTrue(TinyClients.sipTcpFrom(NODE_A, fixed, 5060, 500).isEmpty());
        assertTrue(TinyClients.sipTcpFrom(NODE_B, fixed, 5060, 1000).isPresent());
        assertEquals(Map.of(NODE_A, "DROP loss=0.0"), sandbox.pathFaults(id));

        sandbox.pathTraffic(id, NODE_A, TrafficMode.NORMAL);
        assertTrue(answers(NODE_A, fixed));
        assertEquals(Map.of(), sandbox.pathFaults(id));
    }

    @Test
    void rejectingOnePathResetsThatSourcesTcpAndDropsItsUdp() throws Exception {
        String id = boot("path-reject").serverA();
        String fixed = sandbox.fixedAddress(id);

        sandbox.pathTraffic(id, NODE_A, TrafficMode.REJECT);

        assertThrows(SocketException.class, () -> {
            // reset at accept: the read sees the RST (or the write does, depending on timing)
            if (TinyClients.sipTcpFrom(NODE_A, fixed, 5060, 1000).isEmpty()) {
                throw new SocketException("closed without an answer");
            }
        });
        assertFalse(answers(NODE_A, fixed));
        assertTrue(answers(NODE_B, fixed));
        assertTrue(TinyClients.sipTcpFrom(NODE_B, fixed, 5060, 1000).isPresent());

        sandbox.pathTraffic(id, NODE_A, TrafficMode.NORMAL);
        assertTrue(TinyClients.sipTcpFrom(NODE_A, fixed, 5060, 1000).isPresent());
    }

    /** Which of {@code n} sequential requests from {@code from} were answered. */
    private static List<Boolean> pattern(String from, String fixed, int n) {
        List<Boolean> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(answers(from, fixed));
        }
        return l;
    }

    @Test
    void lossOnOnePathLosesAboutThatShareOnlyThereAndReplaysWithTheSameSeed() {
        String id = boot("path-loss").serverA();
        String fixed = sandbox.fixedAddress(id);

        sandbox.pathLoss(id, NODE_A, 0.3, 7L);
        List<Boolean> first = pattern(NODE_A, fixed, 60);
        List<Boolean> other = pattern(NODE_B, fixed, 20);
        sandbox.pathLoss(id, NODE_A, 0.3, 7L);
        List<Boolean> replay = pattern(NODE_A, fixed, 60);
        sandbox.pathLoss(id, NODE_A, 0, 0L);

        long lost = first.stream().filter(ok -> !ok).count();
        // 30 % of 60 is 18; a binomial(60, 0.3) is within 6..32 with overwhelming probability
        assertTrue(lost >= 6 && lost <= 32, "lost " + lost + " of 60");
        assertEquals(first, replay, "the same seed loses the same requests");
        assertFalse(other.contains(false), "no loss from another source: " + other);
        assertTrue(pattern(NODE_A, fixed, 10).stream().allMatch(ok -> ok), "loss removed");
    }

    @Test
    void theControlApiSetsAndClearsPathFaultsAndRefusesBadInput() {
        String id = boot("path-api").serverA();
        String fixed = sandbox.fixedAddress(id);

        RawApi.Reply r =
                raw.call("POST", "/control/servers/" + id + "/paths", Map.of("source", NODE_A, "mode", "drop"));
        assertEquals(200, r.status(), r.body());
        assertFalse(answers(NODE_A, fixed));
        r = raw.call("POST", "/control/servers/" + id + "/paths", Map.of("source", NODE_B, "loss", 0.2, "seed", 3));
        assertEquals(200, r.status(), r.body());
        assertEquals("NORMAL loss=0.2", r.json().path("paths").path(NODE_B).asText(), r.body());

        assertEquals(
                400,
                raw.call("POST", "/control/servers/" + id + "/paths", Map.of("source", "10.0.0.1", "mode", "drop"))
                        .status(),
                "only loopback sources");
        assertEquals(
                400,
                raw.call("POST", "/control/servers/" + id + "/paths", Map.of("source", NODE_A, "mode", "sideways"))
                        .status());
        assertEquals(
                400,
                raw.call("POST", "/control/servers/" + id + "/paths", Map.of("source", NODE_A, "loss", 1.5))
                        .status());
        assertEquals(
                400,
                raw.call("POST", "/control/servers/" + id + "/paths", Map.of("mode", "drop"))
                        .status());
        assertEquals(
                404,
                raw.call("POST", "/control/servers/no-such-server/paths", Map.of("source", NODE_A, "mode", "drop"))
                        .status());

        assertEquals(204, raw.call("DELETE", "/control/paths", null).status());
        assertEquals(Map.of(), sandbox.pathFaults(id));
        assertTrue(answers(NODE_A, fixed));
        assertTrue(sandbox.events().events(e -> e.kind().equals("fault.path")).size() >= 2);
    }
}
