package org.sipmediadeploy.sandbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.UncheckedIOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sipmediadeploy.core.model.Server;
import org.sipmediadeploy.core.model.ServerMetadata;
import org.sipmediadeploy.core.model.ServerSpec;
import org.sipmediadeploy.core.model.ServerStatus;
import org.sipmediadeploy.core.port.CloudException;
import org.sipmediadeploy.core.port.ScalerEvents;
import org.sipmediadeploy.openstack.OpenStackCloud;

/** Each API fault kind, seen on the wire in the service's own shape and as the real adapter classifies it. */
class ApiFaultsTest {
    private static Sandbox sandbox;
    private static RawApi raw;
    private static OpenStackCloud cloud;

    @BeforeAll
    static void start() {
        sandbox = Sandbox.start(SandboxConfig.defaults().toBuilder()
                .addressBlock(34)
                .processes(SandboxConfig.Processes.BUILTIN)
                .bootDelay(Duration.ofMillis(100))
                .build());
        raw = new RawApi(sandbox);
        // One attempt: the adapter's own retries would hide a fault armed for a single call.
        cloud = OpenStackCloud.create(
                FloatingIpDataPlaneTest.settings(sandbox).withRetries(1, Duration.ZERO), ScalerEvents.NONE);
        cloud.listServers("warm-up", null);
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @AfterEach
    void disarm() {
        sandbox.apiFaults().clear();
    }

    private static ServerSpec spec(String name) {
        return new ServerSpec(
                name + "-" + UUID.randomUUID().toString().substring(0, 6),
                "fake-image",
                "m1.tiny",
                "tenant-net",
                List.of(),
                null,
                null,
                null,
                Map.of(ServerMetadata.TAG, "faults", ServerMetadata.DECISION, "d-" + UUID.randomUUID()));
    }

    @Test
    void latencyDelaysTheAnswerButNotItsContent() {
        sandbox.apiFaults().add(ApiFault.latency("server.list", Duration.ofMillis(600)));
        long t0 = System.nanoTime();
        RawApi.Reply r = raw.call("GET", "/compute/v2.1/servers", null);
        long elapsedMs = (System.nanoTime() - t0) / 1_000_000;

        assertEquals(200, r.status());
        assertTrue(r.json().has("servers"));
        assertTrue(elapsedMs >= 600, "answered after the injected 600 ms, took " + elapsedMs);
        assertTrue(sandbox.events().ofKind("fault.api").stream()
                .anyMatch(e ->
                        "LATENCY".equals(e.result()) && "600".equals(e.details().get("delay_ms"))));
    }

    @Test
    void serverErrorIsNovasComputeFaultAndTheAdapterRetriesItAsTransient() {
        sandbox.apiFaults().add(ApiFault.serverError("server.create", 503, 1.0, 1));
        RawApi.Reply r = raw.call(
                "POST",
                "/compute/v2.1/servers",
                Map.of("server", Map.of("name", "x", "imageRef", "nope", "flavorRef", "nope")),
                "OpenStack-API-Version",
                "compute 2.37");
        assertEquals(503, r.status());
        assertEquals(503, r.json().path("computeFault").path("code").asInt());
        assertEquals("compute 2.37", r.header("OpenStack-API-Version"));

        sandbox.apiFaults().add(ApiFault.serverError("server.create", 500, 1.0, -1));
        CloudException e = assertThrows(CloudException.class, () -> cloud.createServer(spec("err")));
        assertEquals(CloudException.Kind.TRANSIENT, e.kind(), e.getMessage());
        assertTrue(
                sandbox.events().ofKind("server.create").stream()
                        .anyMatch(x ->
                                x.status() == 500 && "true".equals(x.details().get("injected"))),
                "the refused create is in the event log");
    }

    @Test
    void neutronServerErrorHasNeutronsShape() {
        sandbox.apiFaults().add(ApiFault.serverError("floatingip.list", 500, 1.0, 1));
        RawApi.Reply r = raw.call("GET", "/network/v2.0/floatingips", null);
        assertEquals(500, r.status());
        assertEquals(
                "HTTPInternalServerError",
                r.json().path("NeutronError").path("type").asText());
    }

    @Test
    void conflictOnAFloatingIpMoveIsNeutrons409AndTheAdapterSeesAConflict() {
        Sandbox.Pair pair = sandbox.createPair("conflict", "fake-image", "faults");
        sandbox.apiFaults().add(ApiFault.always("floatingip.update", ApiFault.Kind.CONFLICT));

        RawApi.Reply r = raw.call(
                "PUT",
                "/network/v2.0/floatingips/" + pair.floatingIpId(),
                Map.of("floatingip", Map.of("port_id", pair.portB())));
        assertEquals(409, r.status());
        assertEquals(
                "FloatingIPPortAlreadyAssociated",
                r.json().path("NeutronError").path("type").asText());
        CloudException e = assertThrows(CloudException.class, () -> cloud.associate(pair.floatingIpId(), pair.portB()));
        assertEquals(CloudException.Kind.CONFLICT, e.kind(), e.getMessage());
        assertEquals(pair.fixedA(), sandbox.floatingTarget(pair.floatingAddress()), "the IP did not move");
    }

    @Test
    void quotaIsNova403OrNeutronOverQuotaAndTheAdapterSeesQuota() {
        sandbox.apiFaults().add(ApiFault.once("server.create", ApiFault.Kind.QUOTA));
        CloudException e = assertThrows(CloudException.class, () -> cloud.createServer(spec("quota")));
        assertEquals(CloudException.Kind.QUOTA, e.kind(), e.getMessage());

        sandbox.apiFaults().add(new ApiFault("server.create", ApiFault.Kind.QUOTA, 1.0, 1, Duration.ZERO, 413));
        RawApi.Reply old = raw.call("POST", "/compute/v2.1/servers", Map.of("server", Map.of("name", "x")));
        assertEquals(413, old.status());
        assertEquals(413, old.json().path("overLimit").path("code").asInt());

        sandbox.apiFaults().add(ApiFault.once("floatingip.create", ApiFault.Kind.QUOTA));
        RawApi.Reply n = raw.call(
                "POST",
                "/network/v2.0/floatingips",
                Map.of("floatingip", Map.of("floating_network_id", raw.externalNetworkId())));
        assertEquals(409, n.status());
        assertEquals("OverQuota", n.json().path("NeutronError").path("type").asText());
    }

    @Test
    void realQuotaOfTheSandboxIsEnforcedLikeNova() {
        try (Sandbox small = Sandbox.start(SandboxConfig.defaults().toBuilder()
                .addressBlock(35)
                .maxServers(1)
                .processes(SandboxConfig.Processes.BUILTIN)
                .build())) {
            OpenStackCloud c = OpenStackCloud.create(FloatingIpDataPlaneTest.settings(small), ScalerEvents.NONE);
            c.createServer(spec("first"));
            CloudException e = assertThrows(CloudException.class, () -> c.createServer(spec("second")));
            assertEquals(CloudException.Kind.QUOTA, e.kind(), e.getMessage());
            assertTrue(e.getMessage().contains("Quota exceeded"), e.getMessage());
        }
    }

    @Test
    void timeoutHoldsTheRequestAndNeverAnswersIt() {
        sandbox.apiFaults().add(ApiFault.timeout("floatingip.get", Duration.ofSeconds(3), 1));
        UncheckedIOException e = assertThrows(
                UncheckedIOException.class,
                () -> raw.call("GET", "/network/v2.0/floatingips/whatever", null, Duration.ofMillis(800)));
        assertTrue(e.getCause() instanceof HttpTimeoutException, e.toString());
        // The rule fired once: the next call is answered.
        assertEquals(
                404, raw.call("GET", "/network/v2.0/floatingips/whatever", null).status());

        sandbox.apiFaults().add(ApiFault.timeout("server.list", Duration.ofSeconds(2), 1));
        CloudException ce = assertThrows(
                CloudException.class,
                () -> OpenStackCloud.create(
                                FloatingIpDataPlaneTest.settings(sandbox)
                                        .withRetries(1, Duration.ZERO)
                                        .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(700)),
                                ScalerEvents.NONE)
                        .listServers("faults", null));
        assertEquals(CloudException.Kind.TRANSIENT, ce.kind(), ce.getMessage());
    }

    @Test
    void noValidHostAcceptsTheCreateThenPutsTheServerInErrorWithNovasFault() {
        sandbox.apiFaults().add(ApiFault.once("server.create", ApiFault.Kind.NO_VALID_HOST));
        Server s = cloud.createServer(spec("novalid"));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> cloud.server(s.id()).orElseThrow().status() == ServerStatus.ERROR);
        JsonNode server =
                raw.call("GET", "/compute/v2.1/servers/" + s.id(), null).json().path("server");
        assertEquals("ERROR", server.path("status").asText());
        assertEquals(500, server.path("fault").path("code").asInt());
        assertTrue(server.path("fault").path("message").asText().startsWith("No valid host was found"));
        assertTrue(!sandbox.hasInstance(s.id()), "nothing runs for a server that never got a host");
        cloud.deleteServer(s.id());
    }

    @Test
    void aRateBelowOneFailsAShareOfCallsAndTheSameSeedFailsTheSameCalls() {
        List<Integer> first = statuses(7L);
        List<Integer> second = statuses(7L);
        long failed = first.stream().filter(st -> st == 500).count();
        assertTrue(failed > 0 && failed < first.size(), "some but not all failed: " + first);
        assertEquals(first, second, "same seed, same faults");
    }

    private static List<Integer> statuses(long seed) {
        try (Sandbox s = Sandbox.start(SandboxConfig.defaults().toBuilder()
                .addressBlock(36)
                .seed(seed)
                .processes(SandboxConfig.Processes.BUILTIN)
                .build())) {
            s.apiFaults().add(ApiFault.serverError("flavor.list", 500, 0.5, -1));
            RawApi api = new RawApi(s);
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                out.add(api.call("GET", "/compute/v2.1/flavors", null).status());
            }
            return out;
        }
    }

    @Test
    void aFaultForOneUserCutsThatUserOffTheCloudWhileOthersCarryOn() {
        SandboxConfig.User node1 =
                new SandboxConfig.User("scaler-1", org.sipmediadeploy.core.model.Secret.of("p1"), "admin");
        SandboxConfig.User node2 =
                new SandboxConfig.User("scaler-2", org.sipmediadeploy.core.model.Secret.of("p2"), "admin");
        try (Sandbox s = Sandbox.start(SandboxConfig.defaults().toBuilder()
                .addressBlock(43)
                .users(List.of(node1, node2))
                .processes(SandboxConfig.Processes.BUILTIN)
                .build())) {
            s.apiFaults().add(ApiFault.timeout("*", Duration.ofSeconds(2), -1).forUser("scaler-1"));
            OpenStackCloud c1 = OpenStackCloud.create(userSettings(s, node1), ScalerEvents.NONE);
            OpenStackCloud c2 = OpenStackCloud.create(userSettings(s, node2), ScalerEvents.NONE);

            assertEquals(List.of(), c2.listServers("faults", null));
            CloudException e = assertThrows(CloudException.class, () -> c1.listServers("faults", null));
            assertEquals(CloudException.Kind.TRANSIENT, e.kind(), e.getMessage());
            assertTrue(s.events().ofKind("fault.api").stream().allMatch(x -> !"scaler-2".equals(x.user())));
        }
    }

    private static org.sipmediadeploy.openstack.OpenStackSettings userSettings(Sandbox s, SandboxConfig.User u) {
        return org.sipmediadeploy.openstack.OpenStackSettings.of(
                        java.net.URI.create(s.keystoneUrl()),
                        new org.sipmediadeploy.openstack.OpenStackSettings.Password(
                                u.name(), u.password(), "Default", u.project(), "Default"),
                        s.config().region())
                .withRetries(1, Duration.ZERO)
                .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(700));
    }

    @Test
    void faultsArmedThroughTheControlApiApplyUntilDisarmed() {
        RawApi.Reply armed = raw.call(
                "POST",
                "/control/faults",
                Map.of("operation", "network.*", "kind", "server_error", "status", 502, "rate", 1.0, "count", -1));
        assertEquals(201, armed.status());
        assertEquals(
                1,
                raw.call("GET", "/control/faults", null).json().path("faults").size());
        assertEquals(502, raw.call("GET", "/network/v2.0/networks", null).status());
        assertEquals(200, raw.call("GET", "/compute/v2.1/flavors", null).status(), "other operations unaffected");

        assertEquals(204, raw.call("DELETE", "/control/faults", null).status());
        assertEquals(200, raw.call("GET", "/network/v2.0/networks", null).status());
        assertTrue(raw.call("GET", "/control/events?since=0", null).body().contains("fault.api.arm"));
    }
}
