package org.sipmediadeploy.probes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sipmediadeploy.probes.SharedProber.GENEROUS;
import static org.sipmediadeploy.probes.SharedProber.TIMEOUT;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipmediadeploy.core.model.GatewayCapacity;
import org.sipmediadeploy.core.model.ProbeResult;
import org.sipmediadeploy.core.model.ProbeStatus;
import org.sipmediadeploy.core.model.ProbeTarget;

/** The gateway status contract against a local HTTP server that serves every kind of bad answer. */
class GatewayStatusProbeTest {
    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

    @RegisterExtension
    static final SharedProber probes =
            new SharedProber(ProbeSettings.defaults().withClock(Clock.fixed(NOW, ZoneOffset.UTC)));

    private HttpServer server;
    private final CountDownLatch releaseSlow = new CountDownLatch(1);
    private String host;

    @BeforeEach
    void startServer() throws IOException {
        Loopback.Endpoint at = Loopback.freeEndpoint(8080);
        host = at.host();
        server = HttpServer.create(new InetSocketAddress(at.host(), at.port()), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        json("/ok", 200, "{\"idle\": 3, \"terminate\": false}");
        json("/ok-terminate", 200, "{\"idle\": 0, \"terminate\": true}");
        json("/nested", 200, "{\"gateways\": {\"idle\": 2, \"single_use\": {\"done\": true}}}");
        json("/busy", 503, "{\"error\": \"overloaded\"}");
        json("/malformed", 200, "{\"idle\": 3, ");
        json("/not-object", 200, "[1, 2]");
        json("/missing-idle", 200, "{\"terminate\": false}");
        json("/missing-terminate", 200, "{\"idle\": 1}");
        json("/idle-string", 200, "{\"idle\": \"3\", \"terminate\": false}");
        json("/idle-negative", 200, "{\"idle\": -1, \"terminate\": false}");
        json("/idle-fraction", 200, "{\"idle\": 1.5, \"terminate\": false}");
        json("/terminate-string", 200, "{\"idle\": 1, \"terminate\": \"yes\"}");
        server.createContext("/slow", exchange -> {
            try {
                releaseSlow.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            respond(exchange, 200, "{\"idle\": 1, \"terminate\": false}");
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        releaseSlow.countDown();
        server.stop(0);
    }

    private void json(String path, int code, String body) {
        server.createContext(path, exchange -> respond(exchange, code, body));
    }

    private static void respond(HttpExchange exchange, int code, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private ProbeResult probe(String path) throws Exception {
        return probe(path, "idle", "terminate");
    }

    private ProbeResult probe(String path, String idleKey, String terminateKey) throws Exception {
        return probe(path, idleKey, terminateKey, GENEROUS);
    }

    private ProbeResult probe(String path, String idleKey, String terminateKey, Duration timeout) throws Exception {
        int port = server.getAddress().getPort();
        return probes.probe(new ProbeTarget.GatewayStatus(host, port, path, idleKey, terminateKey), timeout);
    }

    private static void assertUnknown(ProbeResult r, String reason) {
        assertEquals(ProbeStatus.UNKNOWN, r.status(), r.reason());
        assertEquals(reason, r.reason());
        assertNull(r.capacity());
    }

    @Test
    void healthyHostReportsIdleGatewaysAndTerminateFlag() throws Exception {
        ProbeResult r = probe("/ok");

        assertEquals(ProbeStatus.UP, r.status());
        assertEquals(new GatewayCapacity(3, false), r.capacity());
        assertEquals(NOW, r.at(), "stamped with the injected clock");
        assertTrue(r.latency().toNanos() > 0);
    }

    @Test
    void singleUseHostAsksToBeTerminated() throws Exception {
        assertEquals(new GatewayCapacity(0, true), probe("/ok-terminate").capacity());
    }

    @Test
    void keysStartingWithSlashAreJsonPointers() throws Exception {
        ProbeResult r = probe("/nested", "/gateways/idle", "/gateways/single_use/done");

        assertEquals(new GatewayCapacity(2, true), r.capacity());
    }

    @Test
    void non2xxIsUnknownWithTheStatus() throws Exception {
        assertUnknown(probe("/busy"), "HTTP 503 Service Unavailable");
        assertUnknown(probe("/no-such-path"), "HTTP 404 Not Found");
    }

    @Test
    void malformedJsonIsUnknown() throws Exception {
        ProbeResult r = probe("/malformed");

        assertEquals(ProbeStatus.UNKNOWN, r.status());
        assertTrue(r.reason().startsWith("malformed JSON: "), r.reason());
    }

    @Test
    void bodyThatIsNotAnObjectIsUnknown() throws Exception {
        assertUnknown(probe("/not-object"), "status body is not a JSON object");
    }

    @Test
    void missingKeysAreUnknownAndNamed() throws Exception {
        assertUnknown(probe("/missing-idle"), "missing key 'idle'");
        assertUnknown(probe("/missing-terminate"), "missing key 'terminate'");
    }

    @Test
    void mistypedKeysAreUnknownWithTheValueSeen() throws Exception {
        assertUnknown(probe("/idle-string"), "key 'idle' must be an integer >= 0, was \"3\"");
        assertUnknown(probe("/idle-negative"), "key 'idle' must be an integer >= 0, was -1");
        assertUnknown(probe("/idle-fraction"), "key 'idle' must be an integer >= 0, was 1.5");
        assertUnknown(probe("/terminate-string"), "key 'terminate' must be a boolean, was \"yes\"");
    }

    @Test
    void hostThatDoesNotAnswerInTimeIsUnknownAfterTheTimeout() throws Exception {
        ProbeResult r = probe("/slow", "idle", "terminate", TIMEOUT);

        assertUnknown(r, "timeout after 400 ms");
        assertTrue(r.latency().compareTo(TIMEOUT) >= 0);
    }

    @Test
    void refusedConnectionIsUnknown() throws Exception {
        int port = server.getAddress().getPort();
        server.stop(0);

        ProbeResult r = probes.probe(new ProbeTarget.GatewayStatus(host, port, "/ok", "idle", "terminate"));

        assertUnknown(r, "connection refused");
    }
}
