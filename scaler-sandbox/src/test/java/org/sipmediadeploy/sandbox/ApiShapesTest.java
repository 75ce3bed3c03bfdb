package org.sipmediadeploy.sandbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sandbox answers with the status codes, headers and JSON shapes of the real API: every case compares a
 * sandbox answer with the same call recorded against the reference OpenStack (src/test/resources/recorded).
 */
class ApiShapesTest {
    private static final String NOVA = "/compute/v2.1";
    private static final String NEUTRON = "/network/v2.0";
    private static final String[] MV = {"OpenStack-API-Version", "compute 2.37", "X-OpenStack-Nova-API-Version", "2.37"
    };
    private static Sandbox sandbox;
    private static RawApi raw;
    private static String imageId;
    private static String flavorId;
    private static String netId;

    @BeforeAll
    static void start() {
        sandbox = Sandbox.start(SandboxConfig.defaults().toBuilder()
                .addressBlock(37)
                .processes(SandboxConfig.Processes.BUILTIN)
                .bootDelay(Duration.ofMillis(700))
                .build());
        raw = new RawApi(sandbox);
        imageId = raw.call("GET", "/image/v2/images?name=fake-image", null)
                .json()
                .path("images")
                .get(0)
                .path("id")
                .asText();
        flavorId = raw.call("GET", NOVA + "/flavors", null)
                .json()
                .path("flavors")
                .get(0)
                .path("id")
                .asText();
        netId = raw.call("GET", NEUTRON + "/networks?name=tenant-net", null)
                .json()
                .path("networks")
                .get(0)
                .path("id")
                .asText();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    private static void assertShape(String recording, RawApi.Reply actual) {
        Recorded r = Recorded.load(recording);
        assertEquals(r.status(), actual.status(), recording + ": " + actual.body());
        if (r.body() != null) {
            List<String> d = Recorded.shapeDifferences(r.body(), actual.json());
            assertTrue(d.isEmpty(), recording + " differs: " + d + "\nsandbox: " + actual.body());
        }
    }

    private static Map<String, Object> serverBody(String name) {
        return Map.of(
                "server",
                Map.of(
                        "name",
                        name,
                        "imageRef",
                        imageId,
                        "flavorRef",
                        flavorId,
                        "networks",
                        List.of(Map.of("uuid", netId)),
                        "user_data",
                        Base64.getEncoder().encodeToString("#cloud-config\n".getBytes(StandardCharsets.UTF_8)),
                        "metadata",
                        Map.of("managed-by", "shapes", "slot", "a")));
    }

    private static String createServer(String name) {
        RawApi.Reply r = raw.call("POST", NOVA + "/servers", serverBody(name), MV);
        assertShape("nova_server_create", r);
        String id = r.json().path("server").path("id").asText();
        assertEquals("http://127.0.0.1:" + sandbox.apiPort() + NOVA + "/servers/" + id, r.header("Location"));
        return id;
    }

    private static void awaitActive(String id) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> "ACTIVE"
                        .equals(raw.call("GET", NOVA + "/servers/" + id, null, MV)
                                .json()
                                .path("server")
                                .path("status")
                                .asText()));
    }

    @Test
    void keystoneTokenHasTheRealShapeSubjectTokenHeaderAndACatalogOfTheFourServices() {
        RawApi.Reply r = raw.call(
                "POST",
                "/v3/auth/tokens",
                Map.of(
                        "auth",
                        Map.of(
                                "identity",
                                Map.of(
                                        "methods",
                                        List.of("password"),
                                        "password",
                                        Map.of(
                                                "user",
                                                Map.of(
                                                        "name",
                                                        "admin",
                                                        "domain",
                                                        Map.of("name", "Default"),
                                                        "password",
                                                        "s3cret"))),
                                "scope",
                                Map.of("project", Map.of("name", "admin", "domain", Map.of("name", "Default"))))));
        assertShape("ks_token", r);
        assertNotNull(r.header("X-Subject-Token"));
        Set<String> types = new HashSet<>();
        r.json()
                .path("token")
                .path("catalog")
                .forEach(s -> types.add(s.path("type").asText()));
        assertEquals(Set.of("identity", "compute", "network", "image"), types);
        assertShape("ks_version", raw.call("GET", "/v3", null));
        assertShape("ks_root", raw.call("GET", "/", null));
    }

    @Test
    void wrongPasswordIs401WithTheKeystoneChallenge() {
        RawApi.Reply r = raw.call(
                "POST",
                "/v3/auth/tokens",
                Map.of(
                        "auth",
                        Map.of(
                                "identity",
                                Map.of(
                                        "methods",
                                        List.of("password"),
                                        "password",
                                        Map.of(
                                                "user",
                                                Map.of(
                                                        "name",
                                                        "admin",
                                                        "domain",
                                                        Map.of("name", "Default"),
                                                        "password",
                                                        "nope"))))));
        assertShape("ks_token_badpw", r);
        assertTrue(r.header("WWW-Authenticate").startsWith("Keystone uri="));
        assertFalse(r.body().contains("nope"));
        assertShape("nova_badtoken", raw.call("GET", NOVA + "/servers", null, "X-Auth-Token", "bogus"));
    }

    @Test
    void tokensValidateAndRevokeAndUnscopedOnesCarryNoCatalog() {
        RawApi admin = new RawApi(sandbox);
        String subject = raw.token();
        RawApi.Reply v = admin.call("GET", "/v3/auth/tokens", null, "X-Subject-Token", subject);
        assertShape("ks_token_validate", v);
        assertEquals(subject, v.header("X-Subject-Token"));
        assertShape(
                "ks_token_validate_bad", admin.call("GET", "/v3/auth/tokens", null, "X-Subject-Token", "gAAAAbogus"));

        String victim = sandbox.adminToken();
        assertEquals(
                204,
                admin.call("DELETE", "/v3/auth/tokens", null, "X-Subject-Token", victim)
                        .status());
        assertEquals(
                401,
                admin.call("GET", NOVA + "/servers", null, "X-Auth-Token", victim)
                        .status());

        RawApi.Reply unscoped = admin.call(
                "POST",
                "/v3/auth/tokens",
                Map.of(
                        "auth",
                        Map.of(
                                "identity",
                                Map.of(
                                        "methods",
                                        List.of("password"),
                                        "password",
                                        Map.of(
                                                "user",
                                                Map.of(
                                                        "name",
                                                        "admin",
                                                        "domain",
                                                        Map.of("name", "Default"),
                                                        "password",
                                                        "s3cret"))))));
        assertEquals(201, unscoped.status());
        assertTrue(unscoped.json().path("token").path("catalog").isMissingNode());
        assertEquals(
                401,
                admin.call("GET", NOVA + "/servers", null, "X-Auth-Token", unscoped.header("X-Subject-Token"))
                        .status());
    }

    @Test
    void applicationCredentialTokensCarryTheCredentialAndServeTheAdapter() {
        SandboxConfig.AppCredential c =
                sandbox.config().applicationCredentials().get(0);
        RawApi.Reply r = raw.call(
                "POST",
                "/v3/auth/tokens",
                Map.of(
                        "auth",
                        Map.of(
                                "identity",
                                Map.of(
                                        "methods",
                                        List.of("application_credential"),
                                        "application_credential",
                                        Map.of(
                                                "id",
                                                c.id(),
                                                "secret",
                                                c.secret().reveal())))));
        assertEquals(201, r.status());
        assertEquals(
                c.id(),
                r.json().path("token").path("application_credential").path("id").asText());
        assertEquals(
                "admin", r.json().path("token").path("project").path("name").asText());

        var cloud = org.sipmediadeploy.openstack.OpenStackCloud.create(
                FloatingIpDataPlaneTest.settings(sandbox)
                        .withAuth(new org.sipmediadeploy.openstack.OpenStackSettings.ApplicationCredential(
                                c.id(), c.secret())),
                org.sipmediadeploy.core.port.ScalerEvents.NONE);
        assertEquals(List.of(), cloud.listServers("no-such-tag", null));
        RawApi.Reply wrong = raw.call(
                "POST",
                "/v3/auth/tokens",
                Map.of(
                        "auth",
                        Map.of(
                                "identity",
                                Map.of(
                                        "methods",
                                        List.of("application_credential"),
                                        "application_credential",
                                        Map.of("id", c.id(), "secret", "wrong")))));
        assertEquals(401, wrong.status());
    }

    @Test
    void expiredTokensAreRefused() {
        try (Sandbox shortLived = Sandbox.start(SandboxConfig.defaults().toBuilder()
                .addressBlock(38)
                .processes(SandboxConfig.Processes.BUILTIN)
                .tokenTtl(Duration.ofSeconds(1))
                .build())) {
            RawApi api = new RawApi(shortLived);
            assertEquals(200, api.call("GET", NOVA + "/servers", null).status());
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> api.call("GET", NOVA + "/servers", null).status() == 401);
        }
    }

    @Test
    void novaNegotiatesMicroversionsAndDropsTheImageProxyFrom236() {
        assertShape("nova_v21", raw.call("GET", NOVA, null));
        assertShape("nova_root", raw.call("GET", "/compute", null));
        RawApi.Reply none = raw.call("GET", NOVA + "/flavors", null);
        assertEquals("compute 2.1", none.header("OpenStack-API-Version"));
        assertEquals("2.1", none.header("X-OpenStack-Nova-API-Version"));
        assertEquals(
                "compute 2.37", raw.call("GET", NOVA + "/flavors", null, MV).header("OpenStack-API-Version"));
        assertEquals(
                "compute 2.93",
                raw.call("GET", NOVA + "/flavors", null, "OpenStack-API-Version", "compute latest")
                        .header("OpenStack-API-Version"));
        RawApi.Reply tooNew = raw.call("GET", NOVA + "/flavors", null, "OpenStack-API-Version", "compute 9.99");
        assertShape("nova_server_get_badversion", tooNew);
        assertEquals(
                "Version 9.99 is not supported by the API. Minimum is 2.1 and maximum is 2.93.",
                tooNew.json().path("computeFault").path("message").asText());
        assertShape("nova_images", raw.call("GET", NOVA + "/images", null));
        assertShape("nova_images_detail", raw.call("GET", NOVA + "/images/detail", null));
        assertShape("nova_images_237", raw.call("GET", NOVA + "/images", null, MV));
        assertShape("nova_flavors", raw.call("GET", NOVA + "/flavors", null, MV));
        assertShape("nova_flavor_get", raw.call("GET", NOVA + "/flavors/" + flavorId, null, MV));
        assertShape("nova_flavor_404", raw.call("GET", NOVA + "/flavors/nonexist", null, MV));
        assertShape("nova_limits", raw.call("GET", NOVA + "/limits", null, MV));
    }

    @Test
    void serversHaveTheRealShapesThroughTheirLifecycle() {
        String id = createServer("shape-a");
        assertShape("nova_server_get_build", raw.call("GET", NOVA + "/servers/" + id, null, MV));
        awaitActive(id);
        assertShape("nova_server_get_active", raw.call("GET", NOVA + "/servers/" + id, null, MV));
        assertShape("nova_servers", raw.call("GET", NOVA + "/servers?name=%5Eshape-a", null, MV));
        assertShape("nova_servers_detail", raw.call("GET", NOVA + "/servers/detail?name=%5Eshape-", null, MV));
        assertShape("nova_server_metadata", raw.call("GET", NOVA + "/servers/" + id + "/metadata", null, MV));
        assertShape("nova_server_interfaces", raw.call("GET", NOVA + "/servers/" + id + "/os-interface", null, MV));
        assertShape("neutron_ports_device", raw.call("GET", NEUTRON + "/ports?device_id=" + id, null));
        JsonNode detail =
                raw.call("GET", NOVA + "/servers/" + id, null, MV).json().path("server");
        assertEquals(
                "I2Nsb3VkLWNvbmZpZwo=", detail.path("OS-EXT-SRV-ATTR:user_data").asText());
        assertEquals("shapes", detail.path("metadata").path("managed-by").asText());

        assertShape(
                "nova_server_create_badimage",
                raw.call(
                        "POST",
                        NOVA + "/servers",
                        Map.of(
                                "server",
                                Map.of(
                                        "name",
                                        "x",
                                        "imageRef",
                                        "00000000-0000-0000-0000-000000000000",
                                        "flavorRef",
                                        flavorId,
                                        "networks",
                                        List.of(Map.of("uuid", netId)))),
                        MV));
        assertShape(
                "nova_server_create_badflavor",
                raw.call(
                        "POST",
                        NOVA + "/servers",
                        Map.of(
                                "server",
                                Map.of(
                                        "name",
                                        "x",
                                        "imageRef",
                                        imageId,
                                        "flavorRef",
                                        "nonexist",
                                        "networks",
                                        List.of(Map.of("uuid", netId)))),
                        MV));
        assertShape(
                "nova_server_create_badnet",
                raw.call(
                        "POST",
                        NOVA + "/servers",
                        Map.of(
                                "server",
                                Map.of(
                                        "name",
                                        "x",
                                        "imageRef",
                                        imageId,
                                        "flavorRef",
                                        flavorId,
                                        "networks",
                                        List.of(Map.of("uuid", "00000000-0000-0000-0000-000000000000")))),
                        MV));
        assertShape("nova_server_create_nobody", raw.call("POST", NOVA + "/servers", Map.of("x", 1), MV));

        assertShape("nova_server_delete", raw.call("DELETE", NOVA + "/servers/" + id, null, MV));
        assertShape("nova_server_get_deleting", raw.call("GET", NOVA + "/servers/" + id, null, MV));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> raw.call("GET", NOVA + "/servers/" + id, null, MV).status() == 404);
        assertShape("nova_server_404", raw.call("GET", NOVA + "/servers/" + id, null, MV));
        assertShape("nova_server_delete_404", raw.call("DELETE", NOVA + "/servers/" + id, null, MV));
        assertEquals(
                0,
                raw.call("GET", NEUTRON + "/ports?device_id=" + id, null)
                        .json()
                        .path("ports")
                        .size(),
                "Nova's ports go with the server");
    }

    @Test
    void floatingIpsHaveTheRealShapesRevisionsAndIfMatch() {
        String a = createServer("fip-a");
        String b = createServer("fip-b");
        awaitActive(a);
        awaitActive(b);
        String pa = raw.call("GET", NEUTRON + "/ports?device_id=" + a, null)
                .json()
                .path("ports")
                .get(0)
                .path("id")
                .asText();
        String pb = raw.call("GET", NEUTRON + "/ports?device_id=" + b, null)
                .json()
                .path("ports")
                .get(0)
                .path("id")
                .asText();
        RawApi.Reply created = raw.call(
                "POST",
                NEUTRON + "/floatingips",
                Map.of("floatingip", Map.of("floating_network_id", raw.externalNetworkId())));
        assertShape("neutron_fip_create", created);
        JsonNode f = created.json().path("floatingip");
        String fid = f.path("id").asText();
        assertEquals(0, f.path("revision_number").asInt());
        assertShape("neutron_fip_get", raw.call("GET", NEUTRON + "/floatingips/" + fid, null));
        assertShape(
                "neutron_fip_list_addr",
                raw.call(
                        "GET",
                        NEUTRON + "/floatingips?floating_ip_address="
                                + f.path("floating_ip_address").asText(),
                        null));

        RawApi.Reply onA =
                raw.call("PUT", NEUTRON + "/floatingips/" + fid, Map.of("floatingip", Map.of("port_id", pa)));
        assertShape("neutron_fip_put_assoc", onA);
        assertEquals(1, onA.json().path("floatingip").path("revision_number").asInt());
        RawApi.Reply stale = raw.call(
                "PUT",
                NEUTRON + "/floatingips/" + fid,
                Map.of("floatingip", Map.of("port_id", pb)),
                "If-Match",
                "revision_number=6");
        assertShape("neutron_fip_put_ifmatch_bad", stale);
        assertEquals(
                "Constrained to 6, but current revision is 1",
                stale.json().path("NeutronError").path("message").asText());
        RawApi.Reply onB = raw.call(
                "PUT",
                NEUTRON + "/floatingips/" + fid,
                Map.of("floatingip", Map.of("port_id", pb)),
                "If-Match",
                "revision_number=1");
        assertShape("neutron_fip_put_ifmatch_ok", onB);
        assertEquals(2, onB.json().path("floatingip").path("revision_number").asInt());
        assertShape(
                "neutron_fip_put_badport",
                raw.call(
                        "PUT",
                        NEUTRON + "/floatingips/" + fid,
                        Map.of("floatingip", Map.of("port_id", "00000000-0000-0000-0000-000000000000"))));
        RawApi.Reply again =
                raw.call("PUT", NEUTRON + "/floatingips/" + fid, Map.of("floatingip", Map.of("port_id", pb)));
        assertShape("neutron_fip_put_same_again", again);
        assertEquals(
                3,
                again.json().path("floatingip").path("revision_number").asInt(),
                "Neutron bumps the revision even when the port does not change");

        String other = raw.call(
                        "POST",
                        NEUTRON + "/floatingips",
                        Map.of("floatingip", Map.of("floating_network_id", raw.externalNetworkId())))
                .json()
                .path("floatingip")
                .path("id")
                .asText();
        assertShape(
                "neutron_fip_put_port_taken",
                raw.call("PUT", NEUTRON + "/floatingips/" + other, Map.of("floatingip", Map.of("port_id", pb))));
        Map<String, Object> off = new java.util.HashMap<>();
        off.put("port_id", null);
        RawApi.Reply disassoc = raw.call("PUT", NEUTRON + "/floatingips/" + fid, Map.of("floatingip", off));
        assertShape("neutron_fip_put_disassoc", disassoc);
        assertNull(sandbox.floatingTarget(f.path("floating_ip_address").asText()));

        assertShape("neutron_fip_delete", raw.call("DELETE", NEUTRON + "/floatingips/" + fid, null));
        assertShape("neutron_fip_delete_404", raw.call("DELETE", NEUTRON + "/floatingips/" + fid, null));
        assertShape("neutron_fip_404", raw.call("GET", NEUTRON + "/floatingips/" + fid, null));
        raw.releaseFloatingIp(other);
        raw.call("DELETE", NOVA + "/servers/" + a, null);
        raw.call("DELETE", NOVA + "/servers/" + b, null);
    }

    @Test
    void neutronAndGlanceListsHaveTheRealShapes() {
        assertShape("neutron_root", raw.call("GET", "/network", null));
        assertShape("neutron_networks_name", raw.call("GET", NEUTRON + "/networks?name=tenant-net", null));
        assertShape("neutron_network_get", raw.call("GET", NEUTRON + "/networks/" + netId, null));
        assertShape(
                "neutron_network_404",
                raw.call("GET", NEUTRON + "/networks/00000000-0000-0000-0000-000000000000", null));
        assertShape("neutron_subnets", raw.call("GET", NEUTRON + "/subnets", null));
        assertShape("neutron_port_404", raw.call("GET", NEUTRON + "/ports/00000000-0000-0000-0000-000000000000", null));
        RawApi.Reply ext = raw.call("GET", NEUTRON + "/extensions", null);
        assertShape("neutron_extensions", ext);
        List<String> aliases = new ArrayList<>();
        ext.json().path("extensions").forEach(e -> aliases.add(e.path("alias").asText()));
        assertTrue(aliases.contains("revision-if-match") && aliases.contains("fip-port-details"), aliases.toString());
        assertShape("glance_images_name", raw.call("GET", "/image/v2/images?name=fake-image", null));
        assertShape("glance_image_get", raw.call("GET", "/image/v2/images/" + imageId, null));
        RawApi.Reply missing = raw.call("GET", "/image/v2/images/00000000-0000-0000-0000-000000000000", null);
        assertEquals(404, missing.status());
        assertTrue(missing.header("Content-Type").startsWith("text/html"), "Glance answers 404 in HTML");
    }
}
