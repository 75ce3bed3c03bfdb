package org.sipmediadeploy.openstack;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sipmediadeploy.core.model.FloatingIp;
import org.sipmediadeploy.core.model.FloatingIpSource;
import org.sipmediadeploy.core.model.Port;
import org.sipmediadeploy.core.model.Secret;
import org.sipmediadeploy.core.model.Server;
import org.sipmediadeploy.core.model.ServerMetadata;
import org.sipmediadeploy.core.model.ServerSpec;
import org.sipmediadeploy.core.model.ServerStatus;
import org.sipmediadeploy.core.port.Cloud;
import org.sipmediadeploy.core.port.CloudException;
import org.sipmediadeploy.core.port.CloudException.Kind;
import org.sipmediadeploy.core.port.ScalerEvents;

/**
 * What any cloud must do for the scaler, checked through the real adapter ({@link OpenStackCloud}). A subclass
 * names the cloud: its Keystone URL and credentials, an image, a flavor, a tenant network and an external network
 * for floating IPs, plus how to make one project run out of instance quota. The real OpenStack runs it in
 * {@code RealOpenStackContractTest}; scaler-sandbox runs the same cases against its own server by depending on
 * this module's test-jar and subclassing.
 *
 * <p>Beyond the {@code Cloud} port the suite needs from the cloud: Neutron {@code POST/DELETE /v2.0/floatingips}
 * (to allocate and release its floating IPs), {@code GET /v2.0/networks?name=}, and for
 * {@link #userDataOf} Nova {@code GET /servers/{id}} with microversion 2.3 returning
 * {@code OS-EXT-SRV-ATTR:user_data} (or override that hook).
 *
 * <p>Every server and floating IP it creates is deleted afterwards, also when a case fails; servers carry a tag
 * unique to the test, and everything carrying it is deleted as well.
 */
public abstract class CloudContract {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The cloud under test and the names of what it offers. */
    public record Target(
            OpenStackSettings settings, String image, String flavor, String network, String floatingNetwork) {}

    /** The cloud to test. Called once per case. */
    protected abstract Target target();

    /**
     * Makes the next server create fail on quota, and returns the target to create it with: for instance a
     * fresh project whose instance quota is 0 (the real OpenStack), or a switch in a fake cloud.
     */
    protected abstract Target exhaustQuota() throws Exception;

    /** Undoes {@link #exhaustQuota()}; called even when the case failed. */
    protected abstract void restoreQuota() throws Exception;

    /**
     * How long a server may take from create to ACTIVE (and to disappear after delete). Generous: the real
     * OpenStack on a loaded 2-CPU CI machine took up to a minute; only a failing case waits this long.
     */
    protected Duration activeTimeout() {
        return Duration.ofMinutes(4);
    }

    /**
     * The user data Nova stored for a server, decoded (Nova keeps what it was given, base64-encoded). The default
     * asks Nova with microversion 2.3 (an admin-only attribute).
     */
    protected Optional<String> userDataOf(OpenStackCloud cloud, String serverId) throws Exception {
        Request req = new Request.Builder()
                .url(cloud.keystone().endpoint("compute") + "/servers/" + serverId)
                .header("X-Auth-Token", cloud.keystone().token().getId())
                .header("OpenStack-API-Version", "compute 2.3")
                .header("X-OpenStack-Nova-API-Version", "2.3")
                .get()
                .build();
        try (Response r = cloud.keystone().http().newCall(req).execute()) {
            assertEquals(200, r.code(), "GET server " + serverId);
            JsonNode ud = JSON.readTree(r.body().string()).path("server").path("OS-EXT-SRV-ATTR:user_data");
            if (ud.isMissingNode() || ud.isNull()) {
                return Optional.empty();
            }
            return Optional.of(new String(Base64.getDecoder().decode(ud.asText()), StandardCharsets.UTF_8));
        }
    }

    /** Records the adapter's events: proves every operation reports itself. */
    protected static final class RecordingEvents implements ScalerEvents {
        final List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void cloudCall(String operation, Duration latency, Kind errorKind) {
            calls.add(operation + ":" + (errorKind == null ? "ok" : errorKind.name()));
        }
    }

    protected Target target;
    protected OpenStackCloud cloud;
    protected RecordingEvents events;
    protected String tag;
    private String run;
    private final List<String> servers = new ArrayList<>();
    private final List<String> floatingIps = new ArrayList<>();
    private final List<String> ports = new ArrayList<>();

    @BeforeEach
    public void setUpContract() {
        target = target();
        events = new RecordingEvents();
        cloud = OpenStackCloud.create(target.settings(), events);
        run = UUID.randomUUID().toString().substring(0, 8);
        tag = "contract-" + run;
    }

    @AfterEach
    public void cleanUpContract() {
        List<Throwable> failures = new ArrayList<>();
        for (String fip : floatingIps) {
            try {
                cloud.releaseFloatingIp(fip);
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        try {
            for (Server s : cloud.listServers(tag, null)) {
                if (!servers.contains(s.id())) {
                    servers.add(s.id());
                }
            }
        } catch (RuntimeException e) {
            failures.add(e);
        }
        for (String id : servers) {
            try {
                cloud.deleteServer(id);
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        try {
            await("servers of " + tag + " deleted")
                    .atMost(activeTimeout())
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> servers.stream().allMatch(id -> gone(cloud.server(id))));
        } catch (RuntimeException e) {
            failures.add(e);
        }
        for (String id : ports) {
            try {
                cloud.deletePort(id);
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            AssertionError e =
                    new AssertionError("clean-up of " + tag + " failed: " + failures.get(0), failures.get(0));
            failures.stream().skip(1).forEach(e::addSuppressed);
            throw e;
        }
    }

    // ---------------------------------------------------------------------------------------------- helpers

    protected ServerSpec spec(String suffix, String decision, String userData, Map<String, String> extraMeta) {
        Map<String, String> meta = new HashMap<>(extraMeta);
        meta.put(ServerMetadata.TAG, tag);
        meta.put(ServerMetadata.DECISION, decision);
        return new ServerSpec(
                "ct-" + run + "-" + suffix,
                target.image(),
                target.flavor(),
                target.network(),
                List.of(),
                null,
                null,
                userData,
                meta);
    }

    protected Server create(ServerSpec spec) {
        Server s = cloud.createServer(spec);
        servers.add(s.id());
        return s;
    }

    protected Server awaitActive(String id) {
        await("server " + id + " ACTIVE")
                .atMost(activeTimeout())
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    ServerStatus st = cloud.server(id).map(Server::status).orElse(ServerStatus.DELETED);
                    if (st == ServerStatus.ERROR || st == ServerStatus.DELETED) {
                        throw new AssertionError("server " + id + " went " + st + " instead of ACTIVE");
                    }
                    return st == ServerStatus.ACTIVE;
                });
        return cloud.server(id).orElseThrow();
    }

    protected FloatingIp allocateFloatingIp() {
        FloatingIp f = cloud.allocateFloatingIp(target.floatingNetwork());
        floatingIps.add(f.id());
        return f;
    }

    private static boolean gone(Optional<Server> s) {
        return s.isEmpty() || s.get().status() == ServerStatus.DELETED;
    }

    private static String decision() {
        return "d-" + UUID.randomUUID();
    }

    // ------------------------------------------------------------------------------------------------ cases

    @Test
    public void createdServerWithUserDataAndMetadataBecomesActive() throws Exception {
        String userData = "#cloud-config\nruncmd:\n  - [sh, -c, 'echo \"héllo ✓\" > /tmp/x']\n";
        String d = decision();
        ServerSpec spec =
                spec("ud", d, userData, Map.of(ServerMetadata.GROUP, "pool-a", ServerMetadata.ROLE, "gateway"));

        Server created = create(spec);
        assertEquals(spec.name(), created.name());
        assertEquals(d, created.decisionId().orElseThrow());

        Server active = awaitActive(created.id());
        assertEquals(ServerStatus.ACTIVE, active.status());
        assertEquals(spec.name(), active.name());
        assertEquals(tag, active.meta(ServerMetadata.TAG).orElseThrow());
        assertEquals(d, active.decisionId().orElseThrow());
        assertEquals("pool-a", active.meta(ServerMetadata.GROUP).orElseThrow());
        assertEquals("gateway", active.meta(ServerMetadata.ROLE).orElseThrow());
        assertFalse(active.addresses().isEmpty(), "an ACTIVE server has a fixed address");
        assertNotNull(active.created());
        assertEquals(
                Optional.of(userData),
                userDataOf(cloud, created.id()),
                "user data reaches Nova base64-encoded exactly once");
        assertTrue(events.calls.contains("createServer:ok"), events.calls.toString());
    }

    @Test
    public void serverOnAPortMadeFirstKeepsThatPortsAddressAndThePortIsFoundAgainByName() {
        // A scaler node's Raft address goes into its own user data: the port (and its address) comes first.
        String name = "ct-" + run + "-port";
        Port port = cloud.ensurePort(target.network(), name, List.of("default"));
        ports.add(port.id());
        assertNotNull(port.fixedIp(), "a new port has its fixed address at once");
        assertEquals(
                port.id(),
                cloud.ensurePort(target.network(), name, List.of("default")).id(),
                "a retried ensurePort finds the port it made");

        ServerSpec base = spec("onport", decision(), null, Map.of());
        ServerSpec onPort = new ServerSpec(
                base.name(),
                base.image(),
                base.flavor(),
                base.network(),
                List.of(),
                null,
                null,
                null,
                base.metadata(),
                port.id());
        Server s = awaitActive(create(onPort).id());
        Port bound = cloud.portOf(s.id(), target.network()).orElseThrow();
        assertEquals(port.id(), bound.id());
        assertEquals(port.fixedIp(), bound.fixedIp());

        cloud.deleteServer(s.id());
        await("server " + s.id() + " gone")
                .atMost(activeTimeout())
                .pollInterval(Duration.ofMillis(500))
                .until(() -> gone(cloud.server(s.id())));
        await("port " + port.id() + " deleted")
                .atMost(activeTimeout())
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> cloud.deletePort(port.id()));
        cloud.deletePort(port.id());
        ports.remove(port.id());
        assertTrue(
                events.calls.contains("ensurePort:ok") && events.calls.contains("deletePort:ok"),
                events.calls.toString());
    }

    @Test
    public void createRetriedAfterCrashFindsTheServerInsteadOfCreatingASecond() {
        // The leader created the server, then crashed before committing the outcome. Its successor (a new
        // adapter: nothing shared in memory) executes the same decision again.
        String d = decision();
        ServerSpec spec = spec("crash", d, null, Map.of());
        Server first = create(spec);

        OpenStackCloud successor = OpenStackCloud.create(target.settings(), ScalerEvents.NONE);
        Server again = successor.createServer(spec);
        Server third = successor.createServer(spec);

        assertEquals(first.id(), again.id());
        assertEquals(first.id(), third.id());
        List<Server> withDecision = successor.listServers(tag, null).stream()
                .filter(s -> d.equals(s.decisionId().orElse(null)))
                .collect(Collectors.toList());
        assertEquals(List.of(first.id()), withDecision.stream().map(Server::id).collect(Collectors.toList()));
        assertEquals(first.id(), successor.findByDecision(tag, d).orElseThrow().id());
    }

    @Test
    public void findsServersByDecisionAndListsOnlyThoseCarryingTheTag() {
        String d1 = decision();
        String d2 = decision();
        Server a = create(spec("a", d1, null, Map.of()));
        Server b = create(spec("b", d2, null, Map.of()));
        String otherTag = tag + "-other";
        Map<String, String> otherMeta = Map.of(ServerMetadata.TAG, otherTag, ServerMetadata.DECISION, decision());
        Server foreign = create(new ServerSpec(
                "ct-" + run + "-foreign",
                target.image(),
                target.flavor(),
                target.network(),
                List.of(),
                null,
                null,
                null,
                otherMeta));

        assertEquals(a.id(), cloud.findByDecision(tag, d1).orElseThrow().id());
        assertEquals(b.id(), cloud.findByDecision(tag, d2).orElseThrow().id());
        assertEquals(Optional.empty(), cloud.findByDecision(tag, decision()));
        assertEquals(Optional.empty(), cloud.findByDecision(otherTag, d1), "the tag scopes the decision lookup");

        assertEquals(
                List.of(a.id(), b.id()).stream().sorted().collect(Collectors.toList()),
                ids(cloud.listServers(tag, "ct-" + run)));
        assertEquals(List.of(a.id()), ids(cloud.listServers(tag, "ct-" + run + "-a")));
        assertEquals(List.of(), ids(cloud.listServers(tag, "no-such-prefix-" + run)));
        assertEquals(List.of(foreign.id()), ids(cloud.listServers(otherTag, null)));
        // A prefix is literal text, not a pattern: "." must not match any character.
        assertEquals(List.of(), ids(cloud.listServers(tag, "ct." + run)));
    }

    /**
     * Without a tag, servers are listed by name whatever tag they carry: how a pair's bootstrap finds members that
     * Terraform made. The adapter refused a null tag (NullPointerException out of the control loop's pass, which
     * stopped every pair and pool) although the port allows it.
     */
    @Test
    public void withoutATagServersAreListedByNameWhateverTagTheyCarry() {
        Server ours = create(spec("u", decision(), null, Map.of()));
        Map<String, String> otherMeta = Map.of(ServerMetadata.TAG, tag + "-other", ServerMetadata.DECISION, decision());
        Server foreign = create(new ServerSpec(
                "ct-" + run + "-u-foreign",
                target.image(),
                target.flavor(),
                target.network(),
                List.of(),
                null,
                null,
                null,
                otherMeta));

        assertEquals(
                List.of(ours.id(), foreign.id()).stream().sorted().collect(Collectors.toList()),
                ids(cloud.listServers(null, "ct-" + run + "-u")));
        assertEquals(List.of(foreign.id()), ids(cloud.listServers(null, "ct-" + run + "-u-")));
        assertEquals(List.of(ours.id()), ids(cloud.listServers(tag, "ct-" + run + "-u")));
        assertTrue(ids(cloud.listServers(null, null)).containsAll(List.of(ours.id(), foreign.id())));
    }

    @Test
    public void movesFloatingIpFromOneServersPortToAnothersAndBack() {
        Server a = create(spec("fa", decision(), null, Map.of()));
        Server b = create(spec("fb", decision(), null, Map.of()));
        awaitActive(a.id());
        awaitActive(b.id());
        Port pa = cloud.portOf(a.id(), target.network()).orElseThrow();
        Port pb = cloud.portOf(b.id(), null).orElseThrow();
        assertEquals(a.id(), pa.deviceId());
        assertEquals(b.id(), pb.deviceId());
        assertNotEquals(pa.id(), pb.id());
        assertEquals(pa, cloud.portOf(a.id(), null).orElseThrow());
        assertEquals(Optional.empty(), cloud.portOf(UUID.randomUUID().toString(), null));

        FloatingIp fip = allocateFloatingIp();
        assertNull(fip.portId());
        assertEquals(
                fip.id(), cloud.floatingIpByAddress(fip.address()).orElseThrow().id());

        FloatingIp onA = cloud.associate(fip.id(), pa.id());
        assertEquals(pa.id(), onA.portId());
        assertEquals(pa.fixedIp(), onA.fixedIp());
        FloatingIp onB = cloud.associate(fip.id(), pb.id());
        assertEquals(pb.id(), onB.portId());
        assertEquals(pb.fixedIp(), onB.fixedIp());
        FloatingIp stillOnB = cloud.associate(fip.id(), pb.id());
        assertEquals(pb.id(), stillOnB.portId(), "associating where it already is, is done");
        if (onA.revision() >= 0) {
            assertTrue(onB.revision() > onA.revision(), "revision grows with each move");
            assertEquals(onB.revision(), stillOnB.revision(), "an association already right changes nothing");
        }
        FloatingIp back = cloud.associate(fip.id(), pa.id());
        assertEquals(pa.id(), back.portId());

        FloatingIp observed = cloud.floatingIpByAddress(fip.address()).orElseThrow();
        assertEquals(pa.id(), observed.portId());
        assertEquals(pa.fixedIp(), observed.fixedIp());
    }

    @Test
    public void disassociatedFloatingIpPointsNowhereAndDisassociatingAgainIsDone() {
        Server a = create(spec("da", decision(), null, Map.of()));
        awaitActive(a.id());
        Port pa = cloud.portOf(a.id(), target.network()).orElseThrow();
        FloatingIp fip = allocateFloatingIp();
        cloud.associate(fip.id(), pa.id());

        FloatingIp off = cloud.disassociate(fip.id());
        assertNull(off.portId());
        assertNull(off.fixedIp());
        FloatingIp offAgain = cloud.disassociate(fip.id());
        assertNull(offAgain.portId());
        assertNull(cloud.floatingIpByAddress(fip.address()).orElseThrow().portId());
    }

    @Test
    public void aMoveConditionedOnWhereTheFloatingIpWasBeforeItMovedIsStaleAndMovesNothing() {
        Server a = create(spec("ma", decision(), null, Map.of()));
        Server b = create(spec("mb", decision(), null, Map.of()));
        awaitActive(a.id());
        awaitActive(b.id());
        Port pa = cloud.portOf(a.id(), null).orElseThrow();
        Port pb = cloud.portOf(b.id(), null).orElseThrow();
        FloatingIp fip = allocateFloatingIp();
        FloatingIp decidedOn = cloud.associate(fip.id(), pa.id());
        // Another leader moved it to b, an operator back to a: the port is the decided one, the revision is not.
        cloud.associate(fip.id(), pb.id());
        cloud.associate(fip.id(), pa.id());
        if (decidedOn.revision() >= 0) {
            CloudException e = assertThrows(
                    CloudException.class,
                    () -> cloud.move(fip.id(), pb.id(), FloatingIpSource.of(decidedOn), Cloud.Guard.NONE));
            assertEquals(Kind.STALE, e.kind(), e.getMessage());
            assertEquals(
                    pa.id(),
                    cloud.floatingIpByAddress(fip.address()).orElseThrow().portId());
        }
        // Conditioned on where it is now, it moves (read again if a status update bumped the revision meanwhile).
        FloatingIp moved = null;
        for (int i = 0; i < 3 && moved == null; i++) {
            FloatingIp now = cloud.floatingIpByAddress(fip.address()).orElseThrow();
            try {
                moved = cloud.move(fip.id(), pb.id(), FloatingIpSource.of(now), Cloud.Guard.NONE);
            } catch (CloudException e) {
                assertEquals(Kind.STALE, e.kind(), e.getMessage());
            }
        }
        assertEquals(pb.id(), moved == null ? null : moved.portId());
    }

    @Test
    public void floatingIpUpdateWithStaleRevisionIsAConflictWhereTheCloudOffersIfMatch() {
        Server a = create(spec("ra", decision(), null, Map.of()));
        Server b = create(spec("rb", decision(), null, Map.of()));
        awaitActive(a.id());
        awaitActive(b.id());
        Port pa = cloud.portOf(a.id(), null).orElseThrow();
        Port pb = cloud.portOf(b.id(), null).orElseThrow();
        FloatingIp fip = allocateFloatingIp();
        FloatingIp onA = cloud.associate(fip.id(), pa.id());
        if (cloud.usesRevisionIfMatch()) {
            assertTrue(onA.revision() >= 0, "a cloud offering If-Match reports revision numbers");
            CloudException e = assertThrows(
                    CloudException.class, () -> cloud.associateAtRevision(fip.id(), pb.id(), onA.revision() - 1));
            assertEquals(Kind.CONFLICT, e.kind(), e.getMessage());
            assertEquals(
                    pa.id(),
                    cloud.floatingIpByAddress(fip.address()).orElseThrow().portId(),
                    "a refused update leaves the floating IP where it was");
        }
        assertEquals(pb.id(), cloud.associate(fip.id(), pb.id()).portId());
    }

    @Test
    public void deletedServerIsGoneAndDeletingItAgainIsDone() {
        Server s = create(spec("del", decision(), null, Map.of()));
        cloud.deleteServer(s.id());
        await("server deleted")
                .atMost(activeTimeout())
                .pollInterval(Duration.ofMillis(500))
                .until(() -> gone(cloud.server(s.id())));
        cloud.deleteServer(s.id());
        assertEquals(Optional.empty(), cloud.server(UUID.randomUUID().toString()));
        cloud.deleteServer(UUID.randomUUID().toString());
    }

    @Test
    public void badCredentialsAreAnAuthErrorThatNamesWhoAndHidesTheSecret() {
        String wrong = "wrong-" + UUID.randomUUID();
        OpenStackSettings.Auth bad;
        if (target.settings().auth() instanceof OpenStackSettings.Password p) {
            bad = new OpenStackSettings.Password(
                    p.user(), Secret.of(wrong), p.userDomain(), p.project(), p.projectDomain());
        } else if (target.settings().auth() instanceof OpenStackSettings.ApplicationCredential a) {
            bad = new OpenStackSettings.ApplicationCredential(a.id(), Secret.of(wrong));
        } else {
            throw new AssertionError(target.settings().auth());
        }
        RecordingEvents badEvents = new RecordingEvents();
        OpenStackCloud badCloud = OpenStackCloud.create(target.settings().withAuth(bad), badEvents);

        CloudException e = assertThrows(CloudException.class, () -> badCloud.listServers(tag, null));

        assertEquals(Kind.AUTH, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("refused"), e.getMessage());
        assertTrue(e.getMessage().contains(target.settings().principal()), e.getMessage());
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertFalse(String.valueOf(t.getMessage()).contains(wrong), "secret in " + t);
        }
        assertEquals(List.of("listServers:AUTH"), badEvents.calls);
    }

    @Test
    public void missingImageFlavorOrNetworkIsNotFoundNamingIt() {
        String missing = "no-such-" + run;
        ServerSpec base = spec("missing", decision(), null, Map.of());
        CloudException img = assertThrows(
                CloudException.class,
                () -> create(new ServerSpec(
                        base.name(),
                        missing,
                        base.flavor(),
                        base.network(),
                        List.of(),
                        null,
                        null,
                        null,
                        base.metadata())));
        CloudException flv = assertThrows(
                CloudException.class,
                () -> create(new ServerSpec(
                        base.name(),
                        base.image(),
                        missing,
                        base.network(),
                        List.of(),
                        null,
                        null,
                        null,
                        base.metadata())));
        CloudException net = assertThrows(
                CloudException.class,
                () -> create(new ServerSpec(
                        base.name(),
                        base.image(),
                        base.flavor(),
                        missing,
                        List.of(),
                        null,
                        null,
                        null,
                        base.metadata())));

        assertEquals(Kind.NOT_FOUND, img.kind());
        assertTrue(img.getMessage().contains("image '" + missing + "' not found"), img.getMessage());
        assertEquals(Kind.NOT_FOUND, flv.kind());
        assertTrue(flv.getMessage().contains("flavor '" + missing + "' not found"), flv.getMessage());
        assertEquals(Kind.NOT_FOUND, net.kind());
        assertTrue(net.getMessage().contains("network '" + missing + "' not found"), net.getMessage());
        assertEquals(List.of(), cloud.listServers(tag, null), "nothing was created");
    }

    @Test
    public void createBeyondQuotaIsClassifiedQuota() throws Exception {
        Target limited = exhaustQuota();
        OpenStackCloud limitedCloud = null;
        try {
            limitedCloud = OpenStackCloud.create(limited.settings(), events);
            ServerSpec s = new ServerSpec(
                    "ct-" + run + "-quota",
                    limited.image(),
                    limited.flavor(),
                    limited.network(),
                    List.of(),
                    null,
                    null,
                    null,
                    Map.of(ServerMetadata.TAG, tag, ServerMetadata.DECISION, decision()));
            OpenStackCloud c = limitedCloud;
            CloudException e = assertThrows(CloudException.class, () -> c.createServer(s));
            assertEquals(Kind.QUOTA, e.kind(), e.getMessage());
            assertFalse(e.kind().isRetryable());
            assertTrue(events.calls.contains("createServer:QUOTA"), events.calls.toString());
        } finally {
            if (limitedCloud != null) {
                for (Server leaked : limitedCloud.listServers(tag, null)) {
                    limitedCloud.deleteServer(leaked.id());
                }
            }
            restoreQuota();
        }
    }

    @Test
    public void callsFromManyThreadsEachUseTheirOwnSession() throws Exception {
        Server s = create(spec("mt", decision(), null, Map.of()));
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Callable<String>> calls = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                calls.add(() -> cloud.server(s.id()).orElseThrow().id());
            }
            List<String> seen = new ArrayList<>();
            for (Future<String> f : pool.invokeAll(calls, 120, TimeUnit.SECONDS)) {
                seen.add(f.get());
            }
            assertEquals(12, seen.size());
            assertTrue(seen.stream().allMatch(s.id()::equals));
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<String> ids(List<Server> servers) {
        return servers.stream().map(Server::id).sorted().collect(Collectors.toList());
    }
}
