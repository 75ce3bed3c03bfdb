package org.sipmediadeploy.openstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.sipmediadeploy.core.model.Secret;
import org.sipmediadeploy.core.model.Server;
import org.sipmediadeploy.core.port.ScalerEvents;

/**
 * The contract against the real OpenStack control plane that {@code tools/setup.sh} installs and {@code tools/test.sh} starts (Keystone, Nova with the
 * fake driver, Neutron without agents). Tagged {@code openstack}: run with {@code -Popenstack} once the
 * control plane answers. When the cloud is not there every case fails; none is skipped.
 * {@code OS_CONTRACT_AUTH_URL}, {@code OS_CONTRACT_PASSWORD} override the defaults.
 */
@Tag("openstack")
class RealOpenStackContractTest extends CloudContract {
    static final String AUTH_URL = env("OS_CONTRACT_AUTH_URL", "http://127.0.0.1:5000/v3");
    static final String PASSWORD = env("OS_CONTRACT_PASSWORD", "s3cret");
    private static final ObjectMapper JSON = new ObjectMapper();

    private Admin admin;
    private Admin.QuotaProject quotaProject;

    static OpenStackSettings adminSettings() {
        return OpenStackSettings.of(
                URI.create(AUTH_URL),
                new OpenStackSettings.Password("admin", Secret.of(PASSWORD), "Default", "admin", "Default"),
                "RegionOne");
    }

    @BeforeAll
    static void openStackAnswers() {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(AUTH_URL))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), "Keystone at " + AUTH_URL);
        } catch (IOException e) {
            fail(
                    "OpenStack is not reachable at " + AUTH_URL + " (" + e + "): start it with"
                            + " tools/test.sh (it starts the control plane tools/setup.sh installed)",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(e);
        }
    }

    @Override
    protected Target target() {
        return new Target(adminSettings(), "fake-image", "m1.tiny", "tenant-net", "ext-net");
    }

    /** A project of its own whose instance quota is 0, with a member user and a network of its own. */
    @Override
    protected Target exhaustQuota() throws Exception {
        admin = Admin.login();
        quotaProject = admin.createQuotaProject(
                "ct-quota-" + UUID.randomUUID().toString().substring(0, 8));
        OpenStackSettings s = OpenStackSettings.of(
                URI.create(AUTH_URL),
                new OpenStackSettings.Password(
                        quotaProject.user(), quotaProject.password(), "Default", quotaProject.name(), "Default"),
                "RegionOne");
        return new Target(s, "fake-image", "m1.tiny", quotaProject.network(), "ext-net");
    }

    @Override
    protected void restoreQuota() throws Exception {
        if (quotaProject != null) {
            admin.deleteQuotaProject(quotaProject);
            quotaProject = null;
        }
    }

    // ------------------------------------------------------------- cases only a real Keystone/Neutron can show

    @Test
    void applicationCredentialAuthenticatesAndWorksWithOpenstack4j() throws Exception {
        Admin a = Admin.login();
        String name = "ct-appcred-" + UUID.randomUUID().toString().substring(0, 8);
        Admin.AppCred cred = a.createApplicationCredential(name);
        try {
            OpenStackCloud appCloud = OpenStackCloud.create(
                    target().settings().withAuth(new OpenStackSettings.ApplicationCredential(cred.id(), cred.secret())),
                    ScalerEvents.NONE);
            Server s = appCloud.createServer(spec("appcred", "d-" + UUID.randomUUID(), null, Map.of()));
            assertEquals(s.id(), appCloud.listServers(tag, null).get(0).id());
            appCloud.deleteServer(s.id());
            assertEquals(1, appCloud.keystone().authentications());
        } finally {
            a.deleteApplicationCredential(cred.id());
        }
    }

    @Test
    void realNeutronAdvertisesRevisionIfMatchAndTheAdapterUsesIt() {
        assertTrue(cloud.usesRevisionIfMatch(), "Neutron (Zed) offers revision-if-match");
    }

    @Test
    void catalogEndpointsAreThoseOfTheChosenRegionAndInterface() {
        assertEquals("http://127.0.0.1:8774/v2.1", cloud.keystone().endpoint("compute"));
        assertEquals("http://127.0.0.1:9696", cloud.keystone().endpoint("network"));
        OpenStackCloud elsewhere = OpenStackCloud.create(
                new OpenStackSettings(
                        URI.create(AUTH_URL),
                        adminSettings().auth(),
                        "NoSuchRegion",
                        "public",
                        null,
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(30),
                        1,
                        Duration.ZERO,
                        Duration.ofMinutes(5)),
                ScalerEvents.NONE);
        org.sipmediadeploy.core.port.CloudException e = org.junit.jupiter.api.Assertions.assertThrows(
                org.sipmediadeploy.core.port.CloudException.class,
                () -> elsewhere.keystone().endpoint("compute"));
        assertTrue(e.getMessage().contains("NoSuchRegion"), e.getMessage());
    }

    // ----------------------------------------------------------------------------------------- admin REST

    /** Keystone/Nova/Neutron admin calls the suite needs to set up a quota-limited project. */
    static final class Admin {
        private final HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        private final String token;
        private final String userId;
        private final String nova;
        private final String neutron;

        record QuotaProject(
                String id,
                String name,
                String user,
                String userId,
                Secret password,
                String network,
                String networkId) {}

        record AppCred(String id, Secret secret) {}

        private Admin(String token, String userId, String nova, String neutron) {
            this.token = token;
            this.userId = userId;
            this.nova = nova;
            this.neutron = neutron;
        }

        static Admin login() throws Exception {
            String body = JSON.writeValueAsString(Map.of(
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
                                                            PASSWORD))),
                            "scope", Map.of("project", Map.of("name", "admin", "domain", Map.of("name", "Default"))))));
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(AUTH_URL + "/auth/tokens"))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(body))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(201, r.statusCode(), "admin login");
            JsonNode t = JSON.readTree(r.body()).path("token");
            String nova = null;
            String neutron = null;
            for (JsonNode svc : t.path("catalog")) {
                for (JsonNode ep : svc.path("endpoints")) {
                    if ("public".equals(ep.path("interface").asText())) {
                        if ("compute".equals(svc.path("type").asText())) {
                            nova = ep.path("url").asText();
                        } else if ("network".equals(svc.path("type").asText())) {
                            neutron = ep.path("url").asText() + "/v2.0";
                        }
                    }
                }
            }
            return new Admin(
                    r.headers().firstValue("X-Subject-Token").orElseThrow(),
                    t.path("user").path("id").asText(),
                    nova,
                    neutron);
        }

        JsonNode call(String method, String url, Object body, int... expected) throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(30))
                    .header("X-Auth-Token", token)
                    .header("Content-Type", "application/json");
            b.method(
                    method,
                    body == null
                            ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            for (int e : expected) {
                if (r.statusCode() == e) {
                    return r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
                }
            }
            throw new AssertionError(method + " " + url + " -> " + r.statusCode() + " " + r.body());
        }

        QuotaProject createQuotaProject(String name) throws Exception {
            String pid = call(
                            "POST",
                            AUTH_URL + "/projects",
                            Map.of("project", Map.of("name", name, "domain_id", "default")),
                            201)
                    .path("project")
                    .path("id")
                    .asText();
            Secret pw = Secret.of(UUID.randomUUID().toString());
            String uid = call(
                            "POST",
                            AUTH_URL + "/users",
                            Map.of(
                                    "user",
                                    Map.of(
                                            "name",
                                            name,
                                            "domain_id",
                                            "default",
                                            "password",
                                            pw.reveal(),
                                            "default_project_id",
                                            pid)),
                            201)
                    .path("user")
                    .path("id")
                    .asText();
            String member = call("GET", AUTH_URL + "/roles?name=member", null, 200)
                    .path("roles")
                    .get(0)
                    .path("id")
                    .asText();
            call("PUT", AUTH_URL + "/projects/" + pid + "/users/" + uid + "/roles/" + member, null, 204);
            String net = name + "-net";
            String nid = call(
                            "POST",
                            neutron + "/networks",
                            Map.of("network", Map.of("name", net, "project_id", pid)),
                            201)
                    .path("network")
                    .path("id")
                    .asText();
            call(
                    "POST",
                    neutron + "/subnets",
                    Map.of(
                            "subnet",
                            Map.of("network_id", nid, "ip_version", 4, "cidr", "10.99.0.0/24", "project_id", pid)),
                    201);
            call("PUT", nova + "/os-quota-sets/" + pid, Map.of("quota_set", Map.of("instances", 0)), 200);
            return new QuotaProject(pid, name, name, uid, pw, net, nid);
        }

        void deleteQuotaProject(QuotaProject p) throws Exception {
            call("DELETE", neutron + "/networks/" + p.networkId(), null, 204, 404);
            call("DELETE", nova + "/os-quota-sets/" + p.id(), null, 202, 204, 404);
            call("DELETE", AUTH_URL + "/users/" + p.userId(), null, 204, 404);
            call("DELETE", AUTH_URL + "/projects/" + p.id(), null, 204, 404);
        }

        AppCred createApplicationCredential(String name) throws Exception {
            JsonNode c = call(
                            "POST",
                            AUTH_URL + "/users/" + userId + "/application_credentials",
                            Map.of("application_credential", Map.of("name", name)),
                            201)
                    .path("application_credential");
            return new AppCred(c.path("id").asText(), Secret.of(c.path("secret").asText()));
        }

        void deleteApplicationCredential(String id) throws Exception {
            call("DELETE", AUTH_URL + "/users/" + userId + "/application_credentials/" + id, null, 204, 404);
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
