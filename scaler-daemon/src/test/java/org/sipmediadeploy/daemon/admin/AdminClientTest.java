package org.sipmediadeploy.daemon.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sipmediadeploy.core.model.Secret;

class AdminClientTest {
    private static final Secret TOKEN = Secret.of("client-token-77aa01");

    private final FakeAdminBackend backend = new FakeAdminBackend();
    private AdminServer server;
    private AdminClient client;

    @BeforeEach
    void start() {
        server = AdminServer.start(AdminServer.Settings.of("127.0.0.1", 0, TOKEN), backend);
        client = new AdminClient(server.uri(), TOKEN, Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void readsStatusAndHistory() {
        JsonNode status = client.status();
        assertEquals("LEADER", status.at("/node/role").asText());
        JsonNode history = client.history(2);
        assertEquals(2, history.get("decisions").size());
        assertEquals("d7-9", history.at("/decisions/0/decision_id").asText());
    }

    @Test
    void actionsReachTheBackendAndAnswerTheDecision() {
        assertEquals(
                "d7-10",
                client.failover("kamailio", Optional.of("kam-a"))
                        .get("decision_id")
                        .asText());
        assertEquals("accepted", client.pausePool("gateways").get("result").asText());
        assertEquals("accepted", client.resumePool("gateways").get("result").asText());
        assertEquals("d7-11", client.drainHost("gw-1").get("decision_id").asText());
        assertEquals(
                List.of("failover kamailio kam-a", "pause gateways", "resume gateways", "drain gw-1"), backend.calls);
    }

    @Test
    void refusedFailoverThrowsWithStatusAndReason() {
        AdminClientException e =
                assertThrows(AdminClientException.class, () -> client.failover("kamailio", Optional.of("kam-b")));
        assertEquals(409, e.status());
        assertEquals("refused", e.error());
        assertEquals("kam-b fails its probe: timeout after 400 ms", e.detail());
        assertFalse(e.unreachable());
    }

    @Test
    void unknownPairThrowsNotFound() {
        AdminClientException e =
                assertThrows(AdminClientException.class, () -> client.failover("nosuch", Optional.empty()));
        assertEquals(404, e.status());
        assertEquals("not_found", e.error());
    }

    @Test
    void noLeaderThrowsUnavailable() {
        backend.leader = false;
        AdminClientException e =
                assertThrows(AdminClientException.class, () -> client.failover("kamailio", Optional.empty()));
        assertTrue(e.unavailable());
    }

    @Test
    void wrongTokenThrowsUnauthorized() {
        AdminClient wrong = new AdminClient(server.uri(), Secret.of("not-the-token"), Duration.ofSeconds(5));
        AdminClientException e = assertThrows(AdminClientException.class, wrong::status);
        assertEquals(401, e.status());
        assertFalse(e.getMessage().contains("not-the-token"));
    }

    @Test
    void healthAndMetrics() {
        assertTrue(client.live());
        assertTrue(client.ready());
        backend.ready = false;
        assertFalse(client.ready());
        assertTrue(client.metrics().contains("scaler_leader_changes_total"));
    }

    @Test
    void namesAreEncodedAsOnePathSegment() {
        AdminClientException e = assertThrows(AdminClientException.class, () -> client.drainHost("gw-1/../x"));
        assertEquals(400, e.status());
        assertTrue(backend.calls.isEmpty());
    }

    @Test
    void nothingListeningIsUnreachable() {
        InetSocketAddress a = server.address();
        server.close();
        AdminClient gone = new AdminClient(URI.create("http://127.0.0.1:" + a.getPort()), TOKEN, Duration.ofSeconds(2));
        AdminClientException e = assertThrows(AdminClientException.class, gone::status);
        assertTrue(e.unreachable());
        assertEquals(0, e.status());
        assertThrows(AdminClientException.class, gone::ready);
        server = AdminServer.start(AdminServer.Settings.of("127.0.0.1", 0, TOKEN), backend);
    }
}
