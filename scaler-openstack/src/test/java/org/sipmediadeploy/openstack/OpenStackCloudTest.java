package org.sipmediadeploy.openstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sipmediadeploy.core.model.FloatingIp;
import org.sipmediadeploy.core.model.FloatingIpSource;
import org.sipmediadeploy.core.model.Secret;
import org.sipmediadeploy.core.model.Server;
import org.sipmediadeploy.core.model.ServerMetadata;
import org.sipmediadeploy.core.model.ServerSpec;
import org.sipmediadeploy.core.model.ServerStatus;
import org.sipmediadeploy.core.port.Cloud;
import org.sipmediadeploy.core.port.CloudException;
import org.sipmediadeploy.core.port.CloudException.Kind;

/** The adapter against {@link FakeOpenStack}: what each HTTP answer becomes, and what is sent. */
class OpenStackCloudTest {
    static final String SERVERS = "GET compute/v2.1/servers/detail";
    static final String BOOT = "POST compute/v2.1/servers";
    static final String FIP = "network/v2.0/floatingips/fip-1";

    static final class MutableClock extends Clock {
        volatile Instant now = Instant.now();

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    FakeOpenStack fake;
    CloudContract.RecordingEvents events;
    MutableClock clock;

    @BeforeEach
    void start() throws Exception {
        fake = FakeOpenStack.start();
        events = new CloudContract.RecordingEvents();
        clock = new MutableClock();
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    OpenStackSettings settings() {
        return OpenStackSettings.of(
                        fake.authUrl(),
                        new OpenStackSettings.Password(
                                "alice", Secret.of(FakeOpenStack.PASSWORD), "Default", "demo", "Default"),
                        "RegionOne")
                .withRetries(3, Duration.ofMillis(1))
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2));
    }

    OpenStackCloud cloud(OpenStackSettings s) {
        return OpenStackCloud.create(s, events, clock);
    }

    static String server(String id, String name, String status, String tag, String decision) {
        return "{\"id\": \"" + id + "\", \"name\": \"" + name + "\", \"status\": \"" + status + "\","
                + " \"created\": \"2026-11-28T10:00:00Z\", \"metadata\": {\"" + ServerMetadata.TAG + "\": \"" + tag
                + "\", \"" + ServerMetadata.DECISION + "\": \"" + decision + "\"}, \"addresses\": {\"tenant-net\":"
                + " [{\"addr\": \"10.0.0.5\", \"version\": 4, \"OS-EXT-IPS:type\": \"fixed\"}, {\"addr\":"
                + " \"203.0.113.7\", \"version\": 4, \"OS-EXT-IPS:type\": \"floating\"}]}}";
    }

    static String servers(String... items) {
        return "{\"servers\": [" + String.join(",", items) + "]}";
    }

    ServerSpec spec(String decision) {
        return new ServerSpec(
                "gw-1",
                "img",
                "m1.tiny",
                "tenant-net",
                List.of("sip", "default"),
                "ops-key",
                "az-2",
                "#cloud-config\nruncmd: [echo é]\n",
                Map.of(ServerMetadata.TAG, "t1", ServerMetadata.DECISION, decision, ServerMetadata.ROLE, "gateway"));
    }

    void scriptNames() {
        fake.on(
                "GET image/v2/images",
                200,
                "{\"images\": [{\"id\": \"11111111-2222-3333-4444-555555555555\","
                        + " \"name\": \"img\", \"status\": \"active\"}]}");
        fake.on(
                "GET compute/v2.1/flavors/detail",
                200,
                "{\"flavors\": [{\"id\": \"42\", \"name\": \"m1.tiny\","
                        + " \"ram\": 64, \"vcpus\": 1, \"disk\": 1}]}");
        fake.on("GET network/v2.0/networks", 200, "{\"networks\": [{\"id\": \"net-1\", \"name\": \"tenant-net\"}]}");
    }

    static String fip(String port, int revision) {
        return "{\"floatingip\": {\"id\": \"fip-1\", \"floating_ip_address\": \"203.0.113.9\", \"port_id\": "
                + (port == null ? "null" : "\"" + port + "\"") + ", \"fixed_ip_address\": "
                + (port == null ? "null" : "\"10.0.0.5\"") + ", \"status\": \"DOWN\", \"revision_number\": "
                + revision + "}}";
    }

    // ------------------------------------------------------------------------------------------- listing

    @Test
    void listsOnlyServersCarryingTheTagAndNarrowsByLiteralNamePrefix() {
        fake.on(
                SERVERS,
                200,
                servers(server("s1", "gw.a-1", "ACTIVE", "t1", "d1"), server("s2", "gw.a-2", "BUILD", "other", "d2")));

        List<Server> found = cloud(settings()).listServers("t1", "gw.a");

        assertEquals(1, found.size());
        Server s = found.get(0);
        assertEquals("s1", s.id());
        assertEquals(ServerStatus.ACTIVE, s.status());
        assertEquals(List.of("10.0.0.5"), s.addresses(), "fixed addresses only");
        assertEquals(Instant.parse("2026-11-28T10:00:00Z"), s.created());
        assertEquals("name=%5Egw%5C.a", fake.requests(SERVERS).get(0).query(), "regex-escaped prefix");
        assertEquals(List.of("listServers:ok"), events.calls);
    }

    @Test
    void serverWithNoValidHostFaultIsReportedError() {
        fake.on(
                "GET compute/v2.1/servers/s9",
                200,
                "{\"server\": "
                        + server("s9", "gw", "ERROR", "t1", "d")
                                .replace(
                                        "\"status\"",
                                        "\"fault\": {\"code\": 500, \"message\": \"No valid host was found. \"},"
                                                + " \"status\"")
                        + "}");
        assertEquals(
                ServerStatus.ERROR, cloud(settings()).server("s9").orElseThrow().status());
    }

    @Test
    void serverBeingDeletedIsReportedDeleted() {
        fake.on(
                "GET compute/v2.1/servers/s9",
                200,
                "{\"server\": "
                        + server("s9", "gw", "ACTIVE", "t1", "d")
                                .replace("\"status\"", "\"OS-EXT-STS:task_state\": \"deleting\", \"status\"")
                        + "}");
        assertEquals(
                ServerStatus.DELETED,
                cloud(settings()).server("s9").orElseThrow().status());
    }

    @Test
    void missingServerIsEmpty() {
        assertEquals(Optional.empty(), cloud(settings()).server("nope"));
        assertEquals(List.of("server:ok"), events.calls);
    }

    // -------------------------------------------------------------------------------------------- create

    @Test
    void createSendsBase64UserDataResolvedIdsAndEverythingTheSpecAsks() {
        scriptNames();
        fake.on(SERVERS, 200, servers());
        fake.on(BOOT, 202, "{\"server\": {\"id\": \"new-1\", \"adminPass\": \"x\"}}");
        ServerSpec spec = spec("d-7");

        Server s = cloud(settings()).createServer(spec);

        assertEquals("new-1", s.id());
        assertEquals(ServerStatus.BUILD, s.status());
        JsonNode body = fake.requests(BOOT).get(0).json().path("server");
        assertEquals(
                spec.userData(),
                new String(Base64.getDecoder().decode(body.path("user_data").asText()), StandardCharsets.UTF_8));
        assertEquals(
                "11111111-2222-3333-4444-555555555555", body.path("imageRef").asText());
        assertEquals("42", body.path("flavorRef").asText());
        assertEquals("net-1", body.path("networks").get(0).path("uuid").asText());
        assertEquals("ops-key", body.path("key_name").asText());
        assertEquals("az-2", body.path("availability_zone").asText());
        assertEquals(
                "[{\"name\":\"sip\"},{\"name\":\"default\"}]",
                body.path("security_groups").toString());
        assertEquals("d-7", body.path("metadata").path(ServerMetadata.DECISION).asText());
        assertEquals("gateway", body.path("metadata").path(ServerMetadata.ROLE).asText());
        assertEquals("name=%5Egw-1%24", fake.requests(SERVERS).get(0).query(), "looked for it by exact name first");
    }

    @Test
    void createForADecisionThatAlreadyHasItsServerReturnsItAndPostsNothing() {
        fake.on(SERVERS, 200, servers(server("old-1", "gw-1", "BUILD", "t1", "d-7")));

        Server s = cloud(settings()).createServer(spec("d-7"));

        assertEquals("old-1", s.id());
        assertEquals(List.of(), fake.requests(BOOT));
    }

    @Test
    void createWhoseAnswerWasLostIsNotRepeatedWhenTheRetryFindsTheServer() {
        // The POST reaches Nova, then the answer is a 503 (say from a proxy): the retry looks first.
        scriptNames();
        fake.on(
                SERVERS,
                FakeOpenStack.Reply.json(200, servers()),
                FakeOpenStack.Reply.json(200, servers(server("new-1", "gw-1", "BUILD", "t1", "d-7"))));
        fake.on(BOOT, 503, "{\"computeFault\": {\"code\": 503, \"message\": \"Service Unavailable\"}}");

        Server s = cloud(settings()).createServer(spec("d-7"));

        assertEquals("new-1", s.id());
        assertEquals(1, fake.requests(BOOT).size());
        assertEquals(List.of("createServer:ok"), events.calls);
    }

    @Test
    void createBeyondQuotaIsQuotaAndNotRetried() {
        scriptNames();
        fake.on(SERVERS, 200, servers());
        fake.on(
                BOOT,
                403,
                "{\"forbidden\": {\"code\": 403, \"message\": \"Quota exceeded for instances: Requested"
                        + " 1, but already used 10 of 10 instances\"}}");

        CloudException e =
                assertThrows(CloudException.class, () -> cloud(settings()).createServer(spec("d")));

        assertEquals(Kind.QUOTA, e.kind());
        assertTrue(e.getMessage().contains("Quota exceeded for instances"), e.getMessage());
        assertEquals(1, fake.requests(BOOT).size());
        assertEquals(List.of("createServer:QUOTA"), events.calls);
    }

    @Test
    void createRefusedAsOverLimitIsQuota() {
        scriptNames();
        fake.on(SERVERS, 200, servers());
        fake.on(BOOT, 413, "{\"overLimit\": {\"code\": 413, \"message\": \"Maximum number of instances\"}}");
        assertEquals(
                Kind.QUOTA,
                assertThrows(CloudException.class, () -> cloud(settings()).createServer(spec("d")))
                        .kind());
    }

    @Test
    void createWithBadRequestIsBadRequestAndNotRetried() {
        scriptNames();
        fake.on(SERVERS, 200, servers());
        fake.on(BOOT, 400, "{\"badRequest\": {\"code\": 400, \"message\": \"Invalid key_name provided.\"}}");
        CloudException e =
                assertThrows(CloudException.class, () -> cloud(settings()).createServer(spec("d")));
        assertEquals(Kind.BAD_REQUEST, e.kind());
        assertTrue(e.getMessage().contains("Invalid key_name"), e.getMessage());
        assertEquals(1, fake.requests(BOOT).size());
    }

    @Test
    void ambiguousImageNameIsABadRequestAskingForTheId() {
        scriptNames();
        fake.on(SERVERS, 200, servers());
        fake.on(
                "GET image/v2/images",
                200,
                "{\"images\": [{\"id\": \"a\", \"name\": \"img\"}," + " {\"id\": \"b\", \"name\": \"img\"}]}");
        CloudException e =
                assertThrows(CloudException.class, () -> cloud(settings()).createServer(spec("d")));
        assertEquals(Kind.BAD_REQUEST, e.kind());
        assertTrue(e.getMessage().contains("image name 'img' is ambiguous"), e.getMessage());
    }

    @Test
    void userDataTooLargeForNovaIsRefusedBeforeAnyCall() {
        String big = "x".repeat(60_000);
        ServerSpec s = spec("d");
        ServerSpec huge = new ServerSpec(
                s.name(),
                s.image(),
                s.flavor(),
                s.network(),
                s.securityGroups(),
                s.keyPair(),
                s.availabilityZone(),
                big,
                s.metadata());
        CloudException e =
                assertThrows(CloudException.class, () -> cloud(settings()).createServer(huge));
        assertEquals(Kind.BAD_REQUEST, e.kind());
        assertEquals(List.of(), fake.requests);
    }

    // -------------------------------------------------------------------------------------- delete, retry

    @Test
    void deletingAServerThatIsAlreadyGoneIsDone() {
        fake.on(
                "DELETE compute/v2.1/servers/s1",
                404,
                "{\"itemNotFound\": {\"code\": 404, \"message\":" + " \"Instance s1 could not be found.\"}}");
        cloud(settings()).deleteServer("s1");
        assertEquals(List.of("deleteServer:ok"), events.calls);
    }

    @Test
    void serverErrorsAreRetriedThenSucceed() {
        fake.on(
                SERVERS,
                FakeOpenStack.Reply.json(500, "{}"),
                FakeOpenStack.Reply.json(502, "{}"),
                FakeOpenStack.Reply.json(200, servers(server("s1", "gw", "ACTIVE", "t1", "d1"))));

        assertEquals(1, cloud(settings()).listServers("t1", null).size());
        assertEquals(3, fake.requests(SERVERS).size());
        assertEquals(List.of("listServers:ok"), events.calls);
    }

    @Test
    void persistentServerErrorIsTransientAfterABoundedNumberOfTries() {
        fake.on(SERVERS, 503, "{\"computeFault\": {\"code\": 503, \"message\": \"Service Unavailable\"}}");
        CloudException e =
                assertThrows(CloudException.class, () -> cloud(settings()).listServers("t1", null));
        assertEquals(Kind.TRANSIENT, e.kind());
        assertEquals(3, fake.requests(SERVERS).size());
        assertEquals(List.of("listServers:TRANSIENT"), events.calls);
    }

    @Test
    void deleteFailingWithServerErrorIsTransient() {
        fake.on("DELETE compute/v2.1/servers/s1", 500, "{\"computeFault\": {\"code\": 500, \"message\": \"x\"}}");
        assertEquals(
                Kind.TRANSIENT,
                assertThrows(CloudException.class, () -> cloud(settings()).deleteServer("s1"))
                        .kind());
        assertEquals(3, fake.requests("DELETE compute/v2.1/servers/s1").size());
    }

    @Test
    void readTimeoutIsTransient() {
        fake.on(SERVERS, new FakeOpenStack.Reply(0, null, true));
        OpenStackSettings s = settings()
                .withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(300))
                .withRetries(2, Duration.ofMillis(1));
        CloudException e = assertThrows(CloudException.class, () -> cloud(s).listServers("t1", null));
        assertEquals(Kind.TRANSIENT, e.kind());
        assertTrue(e.getMessage().contains("SocketTimeoutException"), e.getMessage());
        assertEquals(2, fake.requests(SERVERS).size());
    }

    @Test
    void unreachableKeystoneIsTransient() {
        String url = fake.authUrl().toString();
        fake.close();
        OpenStackSettings s = OpenStackSettings.of(
                        java.net.URI.create(url), settings().auth(), null)
                .withRetries(2, Duration.ofMillis(1));
        CloudException e = assertThrows(CloudException.class, () -> cloud(s).listServers("t1", null));
        assertEquals(Kind.TRANSIENT, e.kind());
        assertEquals(List.of("listServers:TRANSIENT"), events.calls);
    }

    // ---------------------------------------------------------------------------------------------- auth

    @Test
    void refusedPasswordIsAuthAfterOneTryWithoutTheSecret() {
        OpenStackSettings bad = settings()
                .withAuth(new OpenStackSettings.Password("alice", Secret.of("hunter2"), "Default", "demo", "Default"));
        CloudException e = assertThrows(CloudException.class, () -> cloud(bad).listServers("t1", null));
        assertEquals(Kind.AUTH, e.kind());
        assertTrue(e.getMessage().contains("refused user 'alice'"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"));
        assertFalse(bad.toString().contains("hunter2"), bad.toString());
        assertEquals(1, fake.authentications.get());
    }

    @Test
    void applicationCredentialIsPostedByTheAdapterAndItsTokenUsedByOpenstack4j() {
        fake.on(SERVERS, 200, servers());
        OpenStackSettings s = settings()
                .withAuth(new OpenStackSettings.ApplicationCredential("ac-1", Secret.of(FakeOpenStack.APP_SECRET)));
        cloud(s).listServers("t1", null);
        JsonNode identity = fake.requests("POST identity/auth/tokens")
                .get(0)
                .json()
                .path("auth")
                .path("identity");
        assertEquals("application_credential", identity.path("methods").get(0).asText());
        assertEquals("ac-1", identity.path("application_credential").path("id").asText());
        assertEquals("tok-1", fake.requests(SERVERS).get(0).header("X-Auth-Token"));
    }

    @Test
    void refusedApplicationCredentialIsAuthNamingTheCredential() {
        OpenStackSettings s =
                settings().withAuth(new OpenStackSettings.ApplicationCredential("ac-1", Secret.of("wrong-secret")));
        CloudException e = assertThrows(CloudException.class, () -> cloud(s).listServers("t1", null));
        assertEquals(Kind.AUTH, e.kind());
        assertTrue(e.getMessage().contains("application credential 'ac-1'"), e.getMessage());
        assertFalse(e.getMessage().contains("wrong-secret"));
    }

    @Test
    void tokenRefusedByAServiceIsRenewedOnceAndTheCallSucceeds() {
        fake.on(SERVERS, 200, servers());
        OpenStackCloud c = cloud(settings());
        c.listServers("t1", null);
        fake.revoked.add("tok-1");

        c.listServers("t1", null);

        assertEquals(2, fake.authentications.get());
        assertEquals("tok-2", fake.requests(SERVERS).get(2).header("X-Auth-Token"));
        assertEquals(List.of("listServers:ok", "listServers:ok"), events.calls);
    }

    @Test
    void serviceRefusingEveryTokenIsAuthAfterOneRenewal() {
        fake.on(SERVERS, 200, servers());
        fake.revoked.addAll(List.of("tok-1", "tok-2", "tok-3"));
        CloudException e =
                assertThrows(CloudException.class, () -> cloud(settings()).listServers("t1", null));
        assertEquals(Kind.AUTH, e.kind());
        assertEquals(2, fake.authentications.get());
        assertEquals(2, fake.requests(SERVERS).size());
    }

    @Test
    void tokenIsRenewedBeforeItExpires() {
        fake.on(SERVERS, 200, servers());
        fake.tokenExpiry = () -> clock.instant().plus(Duration.ofMinutes(10));
        OpenStackCloud c = cloud(settings().withTokenRefreshMargin(Duration.ofMinutes(5)));
        c.listServers("t1", null);
        clock.now = clock.now.plus(Duration.ofMinutes(4));
        c.listServers("t1", null);
        assertEquals(1, fake.authentications.get(), "still 6 minutes to go");

        clock.now = clock.now.plus(Duration.ofMinutes(2));
        c.listServers("t1", null);

        assertEquals(2, fake.authentications.get());
        assertEquals("tok-2", fake.requests(SERVERS).get(2).header("X-Auth-Token"));
    }

    @Test
    void callsGoToTheEndpointsOfTheChosenRegionAndInterface() {
        fake.on(SERVERS, 200, servers());
        cloud(settings()).listServers("t1", null);
        OpenStackSettings two = new OpenStackSettings(
                fake.authUrl(),
                settings().auth(),
                "RegionTwo",
                "internal",
                null,
                Duration.ofSeconds(2),
                Duration.ofSeconds(2),
                1,
                Duration.ZERO,
                Duration.ofMinutes(5));
        cloud(two).listServers("t1", null);
        assertEquals("RegionOne", fake.requests(SERVERS).get(0).region());
        assertEquals("RegionTwo-internal", fake.requests(SERVERS).get(1).region());
    }

    // ----------------------------------------------------------------------------------- floating IPs

    @Test
    void associateSendsIfMatchWithTheCurrentRevisionWhenNeutronOffersIt() {
        fake.on(
                "GET network/v2.0/extensions",
                200,
                "{\"extensions\": [{\"alias\": \"standard-attr-revisions\"},"
                        + " {\"alias\": \"revision-if-match\"}]}");
        fake.on("GET " + FIP, 200, fip("port-a", 5));
        fake.on("PUT " + FIP, 200, fip("port-b", 6));

        FloatingIp f = cloud(settings()).associate("fip-1", "port-b");

        assertEquals("port-b", f.portId());
        assertEquals(6, f.revision());
        FakeOpenStack.Recorded put = fake.requests("PUT " + FIP).get(0);
        assertEquals("revision_number=5", put.header("If-Match"));
        assertEquals("port-b", put.json().path("floatingip").path("port_id").asText());
    }

    @Test
    void associateSendsNoIfMatchWhereNeutronDoesNotOfferIt() {
        fake.on("GET network/v2.0/extensions", 200, "{\"extensions\": [{\"alias\": \"router\"}]}");
        fake.on("GET " + FIP, 200, fip("port-a", 5));
        fake.on("PUT " + FIP, 200, fip("port-b", 6));
        cloud(settings()).associate("fip-1", "port-b");
        assertNull(fake.requests("PUT " + FIP).get(0).header("If-Match"));
    }

    @Test
    void associateSendsNoIfMatchWhereNeutronHasNoExtensionList() {
        fake.on("GET " + FIP, 200, fip("port-a", 5));
        fake.on("PUT " + FIP, 200, fip("port-b", 6));
        assertEquals("port-b", cloud(settings()).associate("fip-1", "port-b").portId());
        assertNull(fake.requests("PUT " + FIP).get(0).header("If-Match"));
        assertEquals(1, fake.requests("GET network/v2.0/extensions").size());
    }

    @Test
    void associatingWhereItAlreadyPointsSendsNoUpdate() {
        fake.on("GET " + FIP, 200, fip("port-b", 5));
        assertEquals("port-b", cloud(settings()).associate("fip-1", "port-b").portId());
        assertEquals(List.of(), fake.requests("PUT " + FIP));
    }

    @Test
    void revisionMismatchIsConflict() {
        fake.on("GET network/v2.0/extensions", 200, "{\"extensions\": [{\"alias\": \"revision-if-match\"}]}");
        fake.on("GET " + FIP, 200, fip("port-a", 5));
        fake.on(
                "PUT " + FIP,
                412,
                "{\"NeutronError\": {\"type\": \"RevisionNumberConstraintFailed\", \"message\":"
                        + " \"Constrained to 5, but current revision is 6\", \"detail\": \"\"}}");
        CloudException e =
                assertThrows(CloudException.class, () -> cloud(settings()).associate("fip-1", "port-b"));
        assertEquals(Kind.CONFLICT, e.kind());
        assertEquals(1, fake.requests("PUT " + FIP).size(), "a conflict is the caller's to reconcile");
        assertEquals(List.of("associate:CONFLICT"), events.calls);
    }

    static final String IF_MATCH_EXTENSIONS = "{\"extensions\": [{\"alias\": \"revision-if-match\"}]}";

    /**
     * The defect: {@code associate} sent If-Match with the revision it had just read, so a try made after another
     * leader's move (a new revision) still went through. A move sends the revision committed with its decision.
     */
    @Test
    void aMoveSendsIfMatchWithTheCommittedRevisionNotTheOneItReads() {
        fake.on("GET network/v2.0/extensions", 200, IF_MATCH_EXTENSIONS);
        fake.on("GET " + FIP, 200, fip("port-a", -1));
        fake.on("PUT " + FIP, 200, fip("port-b", 6));
        cloud(settings()).move("fip-1", "port-b", new FloatingIpSource("port-a", 5), Cloud.Guard.NONE);
        assertEquals("revision_number=5", fake.requests("PUT " + FIP).get(0).header("If-Match"));
    }

    @Test
    void aMoveOfAFloatingIpThatChangedSinceTheDecisionIsStaleAndSendsNothing() {
        fake.on("GET network/v2.0/extensions", 200, IF_MATCH_EXTENSIONS);
        fake.on("GET " + FIP, 200, fip("port-a", 7)); // moved away and back since revision 5
        CloudException e = assertThrows(
                CloudException.class,
                () -> cloud(settings()).move("fip-1", "port-b", new FloatingIpSource("port-a", 5), Cloud.Guard.NONE));
        assertEquals(Kind.STALE, e.kind());
        assertEquals(List.of(), fake.requests("PUT " + FIP));
    }

    @Test
    void aMoveOfAFloatingIpOnAnotherPortIsStaleAndSendsNothing() {
        fake.on("GET " + FIP, 200, fip("port-c", 5));
        assertEquals(
                Kind.STALE,
                assertThrows(
                                CloudException.class,
                                () -> cloud(settings())
                                        .move("fip-1", "port-b", new FloatingIpSource("port-a", 5), Cloud.Guard.NONE))
                        .kind());
        assertEquals(List.of(), fake.requests("PUT " + FIP));
    }

    @Test
    void aMoveRefusedByIfMatchIsStaleAndNotRetried() {
        fake.on("GET network/v2.0/extensions", 200, IF_MATCH_EXTENSIONS);
        fake.on("GET " + FIP, 200, fip("port-a", 5));
        fake.on(
                "PUT " + FIP,
                412,
                "{\"NeutronError\": {\"type\": \"RevisionNumberConstraintFailed\", \"message\":"
                        + " \"Constrained to 5, but current revision is 6\", \"detail\": \"\"}}");
        assertEquals(
                Kind.STALE,
                assertThrows(
                                CloudException.class,
                                () -> cloud(settings())
                                        .move("fip-1", "port-b", new FloatingIpSource("port-a", 5), Cloud.Guard.NONE))
                        .kind());
        assertEquals(1, fake.requests("PUT " + FIP).size());
    }

    @Test
    void aMoveWhoseEarlierTryLandedIsDoneWithoutAnotherUpdate() {
        fake.on("GET " + FIP, 200, fip("port-b", 6));
        assertEquals(
                "port-b",
                cloud(settings())
                        .move("fip-1", "port-b", new FloatingIpSource("port-a", 5), Cloud.Guard.NONE)
                        .portId());
        assertEquals(List.of(), fake.requests("PUT " + FIP));
    }

    /**
     * The defect: the adapter retried a timed-out move up to its attempt limit without asking whether the caller
     * still led; the guard now runs before every try.
     */
    @Test
    void aMoveIsNotTriedAgainOnceTheGuardRefuses() {
        fake.on("GET " + FIP, 200, fip("port-a", 5));
        fake.on("PUT " + FIP, new FakeOpenStack.Reply(0, null, true));
        OpenStackSettings s = settings()
                .withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(300))
                .withRetries(3, Duration.ofMillis(1));
        int[] tries = {0};
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> cloud(s).move("fip-1", "port-b", new FloatingIpSource("port-a", 5), () -> {
                    if (++tries[0] > 1) {
                        throw new IllegalStateException("not the leader any more");
                    }
                }));
        assertEquals("not the leader any more", e.getMessage());
        assertEquals(1, fake.requests("PUT " + FIP).size(), "one try, then the guard stopped it");
    }

    @Test
    void neutronConflictIsConflictAndNeutronQuotaIsQuota() {
        fake.on("GET network/v2.0/extensions", 200, "{\"extensions\": []}");
        fake.on("GET " + FIP, 200, fip(null, 1));
        fake.on(
                "PUT " + FIP,
                409,
                "{\"NeutronError\": {\"type\": \"FloatingIPPortAlreadyAssociated\","
                        + " \"message\": \"Cannot associate floating IP: port has one already\", \"detail\": \"\"}}");
        assertEquals(
                Kind.CONFLICT,
                assertThrows(CloudException.class, () -> cloud(settings()).associate("fip-1", "port-b"))
                        .kind());
        fake.on(
                "PUT " + FIP,
                409,
                "{\"NeutronError\": {\"type\": \"OverQuota\", \"message\": \"Quota exceeded"
                        + " for resources: ['floatingip'].\", \"detail\": \"\"}}");
        assertEquals(
                Kind.QUOTA,
                assertThrows(CloudException.class, () -> cloud(settings()).associate("fip-1", "port-b"))
                        .kind());
    }

    @Test
    void missingFloatingIpIsNotFound() {
        CloudException e =
                assertThrows(CloudException.class, () -> cloud(settings()).associate("fip-1", "p"));
        assertEquals(Kind.NOT_FOUND, e.kind());
        assertTrue(e.getMessage().contains("floating IP fip-1 not found"), e.getMessage());
    }

    @Test
    void disassociateOfADetachedFloatingIpIsDoneWithoutAnUpdate() {
        fake.on("GET " + FIP, 200, fip(null, 3));
        FloatingIp f = cloud(settings()).disassociate("fip-1");
        assertNull(f.portId());
        assertEquals(List.of(), fake.requests("PUT " + FIP));
    }

    @Test
    void floatingIpIsFoundByAddress() {
        fake.on(
                "GET network/v2.0/floatingips",
                200,
                "{\"floatingips\": ["
                        + fip("port-a", 2)
                                .replaceFirst("^\\{\"floatingip\": ", "")
                                .replaceFirst("}$", "") + "]}");
        FloatingIp f = cloud(settings()).floatingIpByAddress("203.0.113.9").orElseThrow();
        assertEquals(new FloatingIp("fip-1", "203.0.113.9", "port-a", "10.0.0.5", 2), f);
        assertEquals(
                "floating_ip_address=203.0.113.9",
                fake.requests("GET network/v2.0/floatingips").get(0).query());
        assertEquals(Optional.empty(), cloud(settings()).floatingIpByAddress("203.0.113.10"));
    }

    @Test
    void portOfAServerIsTheOneOnTheNamedNetwork() {
        scriptNames();
        fake.on(
                "GET network/v2.0/ports",
                200,
                "{\"ports\": [{\"id\": \"p2\", \"device_id\": \"s1\", \"network_id\":"
                        + " \"other\", \"fixed_ips\": [{\"ip_address\": \"192.168.0.4\"}]}, {\"id\": \"p1\", \"device_id\":"
                        + " \"s1\", \"network_id\": \"net-1\", \"fixed_ips\": [{\"ip_address\": \"10.0.0.5\"}]}]}");
        fake.on("GET network/v2.0/networks/net-1", 200, "{\"network\": {\"id\": \"net-1\", \"name\": \"tenant-net\"}}");
        OpenStackCloud c = cloud(settings());
        assertEquals("p1", c.portOf("s1", "tenant-net").orElseThrow().id());
        assertEquals("10.0.0.5", c.portOf("s1", "net-1").orElseThrow().fixedIp());
        assertEquals(
                "device_id=s1", fake.requests("GET network/v2.0/ports").get(0).query());
    }
}
