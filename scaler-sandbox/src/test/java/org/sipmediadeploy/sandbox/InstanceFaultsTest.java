package org.sipmediadeploy.sandbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each instance fault: kill, freeze/resume (real Kamailio and built-ins), drop, reject, shutoff, and calls. */
class InstanceFaultsTest {
    private static Sandbox sandbox;
    private static RawApi raw;

    @BeforeAll
    static void start() {
        sandbox = Sandbox.start(SandboxConfig.defaults().toBuilder()
                .addressBlock(33)
                .bootDelay(Duration.ofMillis(100))
                .build());
        raw = new RawApi(sandbox);
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    private static String boot(String name, String image) {
        String id = sandbox.createPair(name, image, "faults").serverA();
        await().atMost(Duration.ofSeconds(15)).until(() -> sandbox.hasInstance(id));
        return id;
    }

    private static boolean sipAnswers(String address) {
        try {
            return TinyClients.sipUdp(address, 5060, 400)
                    .filter(r -> r.startsWith("SIP/2.0 200"))
                    .isPresent();
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void killedKamailioStopsAnsweringWhileNovaStillSaysActiveAndARestartBringsItBack() {
        String id = boot("kill", "sipmediadeploy-kamailio");
        String fixed = sandbox.fixedAddress(id);
        await().atMost(Duration.ofSeconds(10)).until(() -> sipAnswers(fixed));
        long pid = sandbox.pid(id).orElseThrow();

        sandbox.kill(id);

        await().atMost(Duration.ofSeconds(10)).until(() -> Procs.inGroup(pid).isEmpty());
        assertFalse(sipAnswers(fixed));
        assertFalse(sandbox.instanceAlive(id));
        assertEquals("ACTIVE", sandbox.serverStatus(id), "a crashed service leaves the VM running");
        assertTrue(sandbox.events().ofKind("fault.instance").stream()
                .anyMatch(
                        e -> e.target().equals(id) && "kill".equals(e.details().get("action"))));

        sandbox.restart(id);
        await().atMost(Duration.ofSeconds(10)).until(() -> sipAnswers(fixed));
    }

    @Test
    void frozenKamailioIsStoppedWithAllItsWorkersAndAnswersAgainWhenResumed() {
        String id = boot("freeze", "sipmediadeploy-kamailio");
        String fixed = sandbox.fixedAddress(id);
        await().atMost(Duration.ofSeconds(10)).until(() -> sipAnswers(fixed));
        long pid = sandbox.pid(id).orElseThrow();

        sandbox.freeze(id);

        List<Long> group = Procs.inGroup(pid);
        assertTrue(group.size() > 1, "Kamailio runs workers: " + group);
        await().atMost(Duration.ofSeconds(5))
                .until(() ->
                        Procs.inGroup(pid).stream().allMatch(p -> Procs.state(p).equals("T")));
        assertFalse(sipAnswers(fixed));

        sandbox.resume(id);
        await().atMost(Duration.ofSeconds(10)).until(() -> sipAnswers(fixed));
        assertTrue(Procs.inGroup(pid).stream().noneMatch(p -> Procs.state(p).equals("T")));
    }

    @Test
    void frozenBuiltinResponderKeepsItsSocketsButAnswersNothingUntilResumed() throws Exception {
        String id = boot("bfreeze", "sipmediadeploy-gateway");
        String fixed = sandbox.fixedAddress(id);
        await().atMost(Duration.ofSeconds(10)).until(() -> sipAnswers(fixed));

        sandbox.freeze(id);

        assertFalse(sipAnswers(fixed));
        assertEquals(Optional.empty(), TinyClients.stun(fixed, 3478, 400));
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest status = HttpRequest.newBuilder(URI.create("http://" + fixed + ":8080/status"))
                .timeout(Duration.ofMillis(500))
                .build();
        assertThrows(HttpTimeoutException.class, () -> http.send(status, HttpResponse.BodyHandlers.ofString()));

        sandbox.resume(id);
        assertTrue(sipAnswers(fixed));
        assertTrue(TinyClients.stun(fixed, 3478, 1000).isPresent());
        assertEquals(
                200, http.send(status, HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void droppedTrafficIsSilentlyLostDirectlyAndThroughTheFloatingIpUntilRestored() throws Exception {
        Sandbox.Pair pair = sandbox.createPair("drop", "sipmediadeploy-gateway", "faults");
        String id = pair.serverA();
        await().atMost(Duration.ofSeconds(15)).until(() -> sandbox.hasInstance(id));
        String fixed = sandbox.fixedAddress(id);
        await().atMost(Duration.ofSeconds(10)).until(() -> sipAnswers(pair.floatingAddress()));

        sandbox.traffic(id, TrafficMode.DROP);

        assertFalse(sipAnswers(fixed));
        assertFalse(sipAnswers(pair.floatingAddress()));
        // TCP connects (the address is there) but nothing comes back.
        assertEquals(Optional.empty(), TinyClients.sipTcp(fixed, 5060, 500));

        sandbox.traffic(id, TrafficMode.NORMAL);
        assertTrue(sipAnswers(fixed));
        await().atMost(Duration.ofSeconds(5)).until(() -> sipAnswers(pair.floatingAddress()));
        assertTrue(TinyClients.sipTcp(fixed, 5060, 1000).isPresent());
    }

    @Test
    void rejectedTrafficIsRefusedWithPortUnreachableAndConnectionRefusedUntilRestored() throws Exception {
        String id = boot("reject", "sipmediadeploy-gateway");
        String fixed = sandbox.fixedAddress(id);
        await().atMost(Duration.ofSeconds(10)).until(() -> sipAnswers(fixed));

        sandbox.traffic(id, TrafficMode.REJECT);

        // The kernel rate-limits ICMP per destination: send from an address of our own, and try a few times.
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.33.99.7", 0))) {
            s.connect(new InetSocketAddress(fixed, 5060));
            s.setSoTimeout(700);
            byte[] req = TinyClients.options(fixed, 5060, (InetSocketAddress) s.getLocalSocketAddress(), "UDP")
                    .getBytes(StandardCharsets.UTF_8);
            boolean refused = false;
            for (int attempt = 0; attempt < 5 && !refused; attempt++) {
                s.send(new DatagramPacket(req, req.length));
                try {
                    s.receive(new DatagramPacket(new byte[2048], 2048));
                    throw new AssertionError("a rejected server answered");
                } catch (PortUnreachableException e) {
                    refused = true;
                } catch (java.net.SocketTimeoutException e) {
                    // ICMP rate limit: try again
                }
            }
            assertTrue(refused, "ICMP port unreachable for a rejected server");
        }
        assertThrows(ConnectException.class, () -> TinyClients.sipTcp(fixed, 5060, 1000));

        sandbox.traffic(id, TrafficMode.NORMAL);
        assertTrue(sipAnswers(fixed));
        assertTrue(TinyClients.sipTcp(fixed, 5060, 1000).isPresent());
    }

    @Test
    void shutoffServerIsReportedShutoffAndAnswersNothing() {
        String id = boot("off", "sipmediadeploy-gateway");
        String fixed = sandbox.fixedAddress(id);
        await().atMost(Duration.ofSeconds(10)).until(() -> sipAnswers(fixed));

        sandbox.shutoff(id);

        assertEquals("SHUTOFF", sandbox.serverStatus(id));
        await().atMost(Duration.ofSeconds(5)).until(() -> !sipAnswers(fixed));
        RawApi.Reply r = raw.call("GET", "/compute/v2.1/servers/" + id, null);
        assertEquals("SHUTOFF", r.json().path("server").path("status").asText());
        assertEquals(4, r.json().path("server").path("OS-EXT-STS:power_state").asInt());
    }

    @Test
    void gatewayStatusReportsIdleGatewaysThatFollowSimulatedCalls() throws Exception {
        Sandbox.Pair pair = sandbox.createPair("gw", "sipmediadeploy-gateway", "faults");
        String id = pair.serverA();
        await().atMost(Duration.ofSeconds(15)).until(() -> sandbox.hasInstance(id));
        int total = sandbox.config().gatewaysPerHost();
        HttpClient http = HttpClient.newHttpClient();
        URI direct = URI.create("http://" + sandbox.fixedAddress(id) + ":8080/status");
        URI viaFip = URI.create("http://" + pair.floatingAddress() + ":8080/status");
        assertEquals(total, idle(http, direct));

        assertTrue(sandbox.startCall(id));
        assertTrue(sandbox.startCall(id));
        assertEquals(total - 2, idle(http, direct));
        assertEquals(total - 2, idle(http, viaFip));

        RawApi.Reply r = raw.call("POST", "/control/servers/" + id + "/calls/start", null);
        assertEquals(200, r.status());
        assertEquals(total - 3, r.json().path("idle").asInt());
        assertTrue(sandbox.endCall(id));
        assertEquals(total - 2, idle(http, direct));
        for (int i = 0; i < total; i++) {
            sandbox.startCall(id);
        }
        assertEquals(0, idle(http, direct));
        assertFalse(sandbox.startCall(id), "no idle gateway left");

        sandbox.canBeTerminated(id, true);
        assertTrue(RawApi.JSON
                .readTree(http.send(HttpRequest.newBuilder(direct).build(), HttpResponse.BodyHandlers.ofString())
                        .body())
                .path("can_be_terminated")
                .asBoolean());
    }

    private static int idle(HttpClient http, URI uri) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        return RawApi.JSON.readTree(r.body()).path("idle").asInt();
    }

    @Test
    void faultsThroughTheControlApiActOnTheInstance() {
        String id = boot("ctl", "sipmediadeploy-gateway");
        String fixed = sandbox.fixedAddress(id);
        await().atMost(Duration.ofSeconds(10)).until(() -> sipAnswers(fixed));

        assertEquals(
                200, raw.call("POST", "/control/servers/" + id + "/drop", null).status());
        assertEquals(TrafficMode.DROP, sandbox.traffic(id));
        assertFalse(sipAnswers(fixed));
        assertEquals(
                200,
                raw.call("POST", "/control/servers/" + id + "/restore", null).status());
        assertTrue(sipAnswers(fixed));
        assertEquals(
                200,
                raw.call("POST", "/control/servers/" + id + "/freeze", null).status());
        assertTrue(sandbox.instanceFrozen(id));
        assertEquals(
                200,
                raw.call("POST", "/control/servers/" + id + "/resume", null).status());
        assertFalse(sandbox.instanceFrozen(id));
        assertEquals(
                200, raw.call("POST", "/control/servers/" + id + "/kill", null).status());
        assertFalse(sandbox.instanceAlive(id));
        assertEquals(
                404,
                raw.call("POST", "/control/servers/no-such-server/kill", null).status());
        RawApi.Reply state = raw.call("GET", "/control/state", null);
        assertEquals(200, state.status());
        assertTrue(state.body().contains(id));
    }
}
