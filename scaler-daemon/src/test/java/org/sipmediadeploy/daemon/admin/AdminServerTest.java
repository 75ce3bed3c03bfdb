package org.sipmediadeploy.daemon.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sipmediadeploy.core.model.Secret;
import org.sipmediadeploy.daemon.logging.Logging;

class AdminServerTest {
    private static final Secret TOKEN = Secret.of("tok-3f9a1c2e7b");

    private final FakeAdminBackend backend = new FakeAdminBackend();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private AdminServer server;

    @BeforeEach
    void start() {
        server = AdminServer.start(AdminServer.Settings.of("127.0.0.1", 0, TOKEN), backend);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri().resolve(path))
                .timeout(Duration.ofSeconds(10))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return call("GET", path, TOKEN.reveal(), null);
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return call("POST", path, TOKEN.reveal(), body);
    }

    private static JsonNode json(HttpResponse<String> r) throws IOException {
        assertTrue(
                r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                "content type of " + r.body());
        return Json.MAPPER.readTree(r.body());
    }

    private static void assertError(HttpResponse<String> r, int status, String error) throws IOException {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode n = json(r);
        assertEquals(error, n.path("error").asText(), r.body());
        assertTrue(n.path("detail").isTextual(), r.body());
    }

    @Test
    void statusShowsNodePeersPairsPoolAndAlarmsAsSnakeCaseJson() throws Exception {
        HttpResponse<String> r = get("/v1/status");
        assertEquals(200, r.statusCode());
        JsonNode s = json(r);
        assertEquals("n1", s.at("/node/id").asText());
        assertEquals("LEADER", s.at("/node/role").asText());
        assertEquals(7, s.at("/node/term").asLong());
        assertEquals(42, s.at("/node/commit_index").asLong());
        assertEquals("n1", s.at("/node/leader_id").asText());
        assertEquals("2026-11-28T12:00:00Z", s.at("/peers/0/last_contact").asText());
        assertTrue(s.at("/peers/1/last_contact").isNull());
        assertEquals("kam-a", s.at("/pairs/0/active/name").asText());
        assertEquals("UP", s.at("/pairs/0/active/probes/0/status").asText());
        assertEquals("kam-b", s.at("/pairs/0/standby/name").asText());
        assertEquals("DOWN", s.at("/pairs/0/standby/probes/0/status").asText());
        assertEquals(
                "timeout after 400 ms", s.at("/pairs/0/standby/probes/0/reason").asText());
        assertEquals(400, s.at("/pairs/0/standby/probes/0/latency_millis").asLong());
        assertEquals("203.0.113.10", s.at("/pairs/0/floating_ip").asText());
        assertEquals(1, s.at("/pools/0/hosts_by_state/READY").asInt());
        assertEquals(1, s.at("/pools/0/hosts_by_state/DRAINING").asInt());
        assertEquals(0, s.at("/pools/0/hosts_by_state/CREATING").asInt());
        assertEquals(3, s.at("/pools/0/hosts/0/idle_gateways").asInt());
        assertTrue(s.at("/pools/0/hosts/1/idle_gateways").isNull());
        assertEquals("kamailio", s.at("/alarms/0/scope").asText());
    }

    @Test
    void requestWithoutTokenIsRefusedWithBearerChallenge() throws Exception {
        HttpResponse<String> r = call("GET", "/v1/status", null, null);
        assertError(r, 401, "unauthorized");
        assertEquals(
                "Bearer realm=\"scaler\"",
                r.headers().firstValue("WWW-Authenticate").orElseThrow());
        assertTrue(backend.calls.isEmpty());
    }

    @Test
    void requestWithWrongTokenIsRefusedAsInvalidToken() throws Exception {
        HttpResponse<String> r = call("POST", "/v1/pairs/kamailio/failover", "tok-3f9a1c2e7c", null);
        assertError(r, 401, "unauthorized");
        assertTrue(r.headers().firstValue("WWW-Authenticate").orElseThrow().contains("invalid_token"));
        assertTrue(backend.calls.isEmpty(), "the backend was not called: " + backend.calls);
    }

    @Test
    void tokenWithAnotherSchemeOrPrefixIsRefused() throws Exception {
        HttpRequest basic = HttpRequest.newBuilder(server.uri().resolve("/v1/status"))
                .header("Authorization", "Basic " + TOKEN.reveal())
                .GET()
                .build();
        assertEquals(401, http.send(basic, HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(
                401,
                call("GET", "/v1/status", TOKEN.reveal().substring(0, 5), null).statusCode());
        assertEquals(401, call("GET", "/v1/status", TOKEN.reveal() + "x", null).statusCode());
    }

    @Test
    void historyIsNewestFirstAndLimited() throws Exception {
        HttpResponse<String> r = get("/v1/history?limit=3");
        assertEquals(200, r.statusCode());
        JsonNode d = json(r).get("decisions");
        assertEquals(3, d.size());
        assertEquals("d7-9", d.get(0).get("decision_id").asText());
        assertEquals("Failover", d.get(0).get("kind").asText());
        assertEquals("kamailio", d.get(0).get("pair").asText());
        assertEquals("srv-b", d.at("/0/details/to_server_id").asText());
        assertEquals("PENDING", d.get(0).get("outcome").asText());
        assertEquals(30, d.get(0).get("index").asLong());
        assertEquals("d7-5", d.get(1).get("decision_id").asText());
        assertEquals("gateways", d.get(1).get("pool").asText());
        assertEquals("srv-5", d.at("/1/facts/server_id").asText());
        assertEquals("d7-4", d.get(2).get("decision_id").asText());
        assertEquals(List.of("history 3"), backend.calls);
    }

    @Test
    void historyWithoutLimitUsesTheDefault() throws Exception {
        assertEquals(200, get("/v1/history").statusCode());
        assertEquals(List.of("history " + AdminHandler.DEFAULT_HISTORY), backend.calls);
    }

    @ParameterizedTest
    @CsvSource({"0", "501", "ten", "-1"})
    void historyWithABadLimitIsABadRequest(String limit) throws Exception {
        assertError(get("/v1/history?limit=" + limit), 400, "bad_request");
        assertTrue(backend.calls.isEmpty());
    }

    @Test
    void failoverWithoutBodyGoesToTheStandby() throws Exception {
        HttpResponse<String> r = post("/v1/pairs/kamailio/failover", null);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode n = json(r);
        assertEquals("accepted", n.get("result").asText());
        assertEquals("d7-10", n.get("decision_id").asText());
        assertEquals(List.of("failover kamailio -"), backend.calls);
    }

    @Test
    void failoverToANamedMemberPassesItToTheBackend() throws Exception {
        HttpResponse<String> r = post("/v1/pairs/kamailio/failover", "{\"to\": \"kam-a\"}");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(List.of("failover kamailio kam-a"), backend.calls);
    }

    @Test
    void failoverOfAnUnknownPairIsNotFound() throws Exception {
        assertError(post("/v1/pairs/nosuch/failover", null), 404, "not_found");
    }

    @Test
    void failoverToAnUnhealthyMemberIsRefusedWithTheReason() throws Exception {
        HttpResponse<String> r = post("/v1/pairs/kamailio/failover", "{\"to\":\"kam-b\"}");
        assertError(r, 409, "refused");
        assertEquals(
                "kam-b fails its probe: timeout after 400 ms",
                json(r).get("detail").asText());
    }

    @Test
    void failoverWithoutALeaderIsUnavailable() throws Exception {
        backend.leader = false;
        assertError(post("/v1/pairs/kamailio/failover", null), 503, "unavailable");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"to\": |malformed JSON body",
                "[\"kam-a\"]|the body must be a JSON object",
                "{\"to\": 3}|\"to\" must be a member name",
                "{\"to\": \"a b\"}|\"to\" must be a member name",
                "{\"target\": \"kam-a\"}|unknown field \"target\"; the only field is \"to\"",
                "{\"to\": \"kam-a\"} trailing|malformed JSON body"
            })
    void failoverWithABadBodyIsABadRequest(String body, String detail) throws Exception {
        HttpResponse<String> r = post("/v1/pairs/kamailio/failover", body);
        assertError(r, 400, "bad_request");
        assertEquals(detail, json(r).get("detail").asText());
        assertTrue(backend.calls.isEmpty());
    }

    @Test
    void pauseAndResumeReachTheBackendForTheNamedPool() throws Exception {
        assertEquals(200, post("/v1/pools/gateways/pause", null).statusCode());
        HttpResponse<String> r = post("/v1/pools/gateways/resume", "{}");
        assertEquals(200, r.statusCode());
        assertTrue(json(r).get("decision_id").isNull());
        assertError(post("/v1/pools/other/pause", null), 404, "not_found");
        assertEquals(List.of("pause gateways", "resume gateways", "pause other"), backend.calls);
    }

    @Test
    void pauseWithMalformedJsonIsABadRequest() throws Exception {
        assertError(post("/v1/pools/gateways/pause", "{oops"), 400, "bad_request");
        assertTrue(backend.calls.isEmpty());
    }

    @Test
    void drainAnswersAcceptedRefusedOrNotFound() throws Exception {
        assertEquals(
                "d7-11",
                json(post("/v1/hosts/gw-1/drain", null)).get("decision_id").asText());
        assertError(post("/v1/hosts/gw-2/drain", null), 409, "refused");
        assertError(post("/v1/hosts/gw-9/drain", null), 404, "not_found");
    }

    @Test
    void aNameThatIsNotANameIsABadRequest() throws Exception {
        assertError(post("/v1/hosts/gw%201/drain", null), 400, "bad_request");
        assertError(post("/v1/pairs/%2E%2E/failover", null), 400, "bad_request");
        assertTrue(backend.calls.isEmpty());
    }

    @ParameterizedTest
    @CsvSource({
        "POST,/v1/status,GET",
        "DELETE,/v1/history,GET",
        "GET,/v1/pairs/kamailio/failover,POST",
        "PUT,/v1/pools/gateways/pause,POST",
        "GET,/v1/hosts/gw-1/drain,POST",
        "POST,/metrics,GET",
        "POST,/health/live,GET"
    })
    void wrongMethodIsNotAllowedAndNamesTheRightOne(String method, String path, String allowed) throws Exception {
        HttpResponse<String> r = call(method, path, TOKEN.reveal(), null);
        assertError(r, 405, "method_not_allowed");
        assertEquals(allowed, r.headers().firstValue("Allow").orElseThrow());
        assertTrue(backend.calls.isEmpty());
    }

    @ParameterizedTest
    @CsvSource({
        "/",
        "/v1",
        "/v1/statuses",
        "/v2/status",
        "/v1/pairs/kamailio",
        "/v1/pairs/kamailio/explode",
        "/v1/pairs/kamailio/failover/now"
    })
    void unknownRouteIsNotFound(String path) throws Exception {
        assertError(call("GET", path, TOKEN.reveal(), null), 404, "not_found");
    }

    @Test
    void unknownRouteWithoutTokenIsUnauthorizedSoRoutesAreNotProbed() throws Exception {
        assertError(call("GET", "/v1/secret-things", null, null), 401, "unauthorized");
    }

    @Test
    void oversizedBodyIsRefusedWith413AndTheConnectionStaysUsable() throws Exception {
        byte[] body = new byte[AdminServer.DEFAULT_MAX_BODY_BYTES + 1];
        java.util.Arrays.fill(body, (byte) ' ');
        InetSocketAddress a = server.address();
        try (Socket s = new Socket(a.getAddress(), a.getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/pairs/kamailio/failover HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                            + TOKEN.reveal() + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                            + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            String first = readResponse(s.getInputStream());
            assertTrue(first.startsWith("HTTP/1.1 413 "), first);
            assertTrue(first.contains("\"error\":\"too_large\""), first);
            // the rest of the body was discarded: the same connection serves the next request
            out.write("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String second = readResponse(s.getInputStream());
            assertTrue(second.startsWith("HTTP/1.1 200 "), second);
        }
        assertTrue(backend.calls.isEmpty());
    }

    @Test
    void unparseableRequestIsABadRequestAndTheConnectionCloses() throws Exception {
        InetSocketAddress a = server.address();
        try (Socket s = new Socket(a.getAddress(), a.getPort())) {
            s.setSoTimeout(10_000);
            String huge = "x".repeat(10_000);
            s.getOutputStream()
                    .write(("GET /v1/status HTTP/1.1\r\nHost: x\r\nX-Big: " + huge + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            String r = readResponse(s.getInputStream());
            assertTrue(r.startsWith("HTTP/1.1 400 "), r);
            assertTrue(r.contains("\"error\":\"bad_request\""), r);
            assertEquals(-1, s.getInputStream().read(), "closed after a request it could not parse");
        }
    }

    /** Reads one response: headers, then exactly Content-Length bytes. */
    @SuppressWarnings("StringSplitter") // header lines: an empty one has no content-length either way
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed after " + head);
            }
            head.write(c);
            matched = (c == '\r' && (matched == 0 || matched == 2)) || (c == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1
                    : 0;
        }
        String headers = head.toString(StandardCharsets.US_ASCII);
        int length = 0;
        for (String line : headers.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return headers + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    @Test
    void healthNeedsNoTokenAndFollowsTheBackend() throws Exception {
        assertEquals(200, call("GET", "/health/live", null, null).statusCode());
        assertEquals(
                "ready",
                json(call("GET", "/health/ready", null, null)).get("status").asText());
        backend.ready = false;
        backend.live = false;
        HttpResponse<String> ready = call("GET", "/health/ready", null, null);
        assertEquals(503, ready.statusCode());
        assertEquals("not_ready", json(ready).get("status").asText());
        assertEquals(503, call("GET", "/health/live", null, null).statusCode());
    }

    @Test
    void metricsNeedTheTokenByDefault() throws Exception {
        assertError(call("GET", "/metrics", null, null), 401, "unauthorized");
        HttpResponse<String> r = get("/metrics");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain; version=0.0.4"));
        assertTrue(r.body().contains("scaler_leader_changes_total 2.0"), r.body());
    }

    @Test
    void metricsConfiguredOpenNeedNoTokenButTheRestStillDoes() throws Exception {
        try (AdminServer open = AdminServer.start(
                new AdminServer.Settings("127.0.0.1", 0, TOKEN, false, true, AdminServer.DEFAULT_MAX_BODY_BYTES),
                backend)) {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(open.uri().resolve("/metrics")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            HttpResponse<String> status = http.send(
                    HttpRequest.newBuilder(open.uri().resolve("/v1/status"))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, status.statusCode());
        }
    }

    @Test
    void backendFailureIsA500WithoutItsMessageButWithALogLine(@TempDir Path dir) throws Exception {
        Path logFile = dir.resolve("admin.log");
        Logging.configure("json", logFile.toString(), "");
        backend.failWith = new IllegalStateException("raft group 5d1c exploded at /var/lib/scaler");
        HttpResponse<String> r;
        try {
            r = get("/v1/status");
        } finally {
            Logging.configure("json", "", "");
        }
        assertError(r, 500, "internal");
        assertFalse(r.body().contains("exploded"), r.body());
        assertFalse(r.body().contains("IllegalStateException"), r.body());
        String logged = Files.readString(logFile);
        assertTrue(logged.contains("admin request GET /v1/status failed"), logged);
        assertTrue(logged.contains("raft group 5d1c exploded"), logged);
        // and the server keeps serving
        backend.failWith = null;
        assertEquals(200, get("/v1/status").statusCode());
    }

    @Test
    void bindsOnlyTheAddressItIsGiven() throws Exception {
        try (AdminServer s = AdminServer.start(AdminServer.Settings.of("127.0.1.7", 0, TOKEN), backend)) {
            assertEquals("127.0.1.7", s.address().getAddress().getHostAddress());
            assertEquals(URI.create("http://127.0.1.7:" + s.address().getPort()), s.uri());
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(s.uri().resolve("/health/live"))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            // another loopback address, same port: nothing listens there
            assertThrows(ConnectException.class, () -> {
                try (Socket other = new Socket()) {
                    other.connect(new InetSocketAddress("127.0.1.8", s.address().getPort()), 5000);
                }
            });
        }
    }

    @ParameterizedTest
    @CsvSource({"0.0.0.0", "192.0.2.10", "::"})
    void refusesANonLoopbackBindUnlessAllowed(String bind) {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> AdminServer.start(AdminServer.Settings.of(bind, 0, TOKEN), backend));
        assertTrue(e.getMessage().contains("non-loopback"), e.getMessage());
    }

    @Test
    void refusesToStartWithAnEmptyToken() {
        assertThrows(
                IllegalArgumentException.class,
                () -> AdminServer.start(AdminServer.Settings.of("127.0.0.1", 0, Secret.of(" ")), backend));
    }

    @Test
    void aPortInUseIsReportedNotIgnored() {
        int taken = server.address().getPort();
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> AdminServer.start(AdminServer.Settings.of("127.0.0.1", taken, TOKEN), backend));
        assertTrue(e.getMessage().contains("cannot bind"), e.getMessage());
    }

    @Test
    void errorsNeverCarryTheToken() throws Exception {
        HttpResponse<String> r = call("GET", "/v1/nope", TOKEN.reveal(), null);
        assertFalse(r.body().contains(TOKEN.reveal()));
        assertNull(r.headers().firstValue("Server").orElse(null));
    }
}
