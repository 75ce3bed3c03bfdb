package org.sipmediadeploy.sandbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sipmediadeploy.core.model.FloatingIp;
import org.sipmediadeploy.core.model.Port;
import org.sipmediadeploy.core.model.Secret;
import org.sipmediadeploy.core.model.Server;
import org.sipmediadeploy.core.model.ServerMetadata;
import org.sipmediadeploy.core.model.ServerSpec;
import org.sipmediadeploy.core.model.ServerStatus;
import org.sipmediadeploy.core.port.ScalerEvents;
import org.sipmediadeploy.openstack.OpenStackCloud;
import org.sipmediadeploy.openstack.OpenStackSettings;

/**
 * Traffic through a floating IP follows the association made through the API, with real Kamailio and real
 * turnserver processes as the servers, and the real adapter making the calls.
 */
class FloatingIpDataPlaneTest {
    private static Sandbox sandbox;
    private static OpenStackCloud cloud;
    private static RawApi raw;
    private final String run = UUID.randomUUID().toString().substring(0, 6);
    private final java.util.List<String> created = new java.util.ArrayList<>();
    private final java.util.List<String> fips = new java.util.ArrayList<>();

    @BeforeAll
    static void start() {
        assertTrue(ProcessInstance.kamailioInstalled(), "kamailio must be installed (apt-get install kamailio)");
        assertTrue(ProcessInstance.turnserverInstalled(), "turnserver must be installed (apt-get install coturn)");
        sandbox = Sandbox.start(SandboxConfig.defaults().toBuilder()
                .addressBlock(32)
                .bootDelay(Duration.ofMillis(200))
                .build());
        cloud = OpenStackCloud.create(settings(sandbox), ScalerEvents.NONE);
        raw = new RawApi(sandbox);
    }

    static OpenStackSettings settings(Sandbox s) {
        SandboxConfig.User u = s.config().users().get(0);
        return OpenStackSettings.of(
                URI.create(s.keystoneUrl()),
                new OpenStackSettings.Password(
                        u.name(), Secret.of(u.password().reveal()), "Default", u.project(), "Default"),
                s.config().region());
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @AfterEach
    void cleanUp() {
        fips.forEach(raw::releaseFloatingIp);
        created.forEach(cloud::deleteServer);
    }

    private Server boot(String name, String image) {
        Server s = cloud.createServer(new ServerSpec(
                name + "-" + run,
                image,
                "m1.tiny",
                "tenant-net",
                List.of(),
                null,
                null,
                null,
                Map.of(ServerMetadata.TAG, "dataplane", ServerMetadata.DECISION, "d-" + name + run)));
        created.add(s.id());
        await().atMost(Duration.ofSeconds(20))
                .until(() ->
                        cloud.server(s.id()).map(Server::status).orElse(ServerStatus.DELETED) == ServerStatus.ACTIVE);
        return cloud.server(s.id()).orElseThrow();
    }

    private FloatingIp floatingIp() {
        List<String> f = raw.allocateFloatingIp();
        fips.add(f.get(0));
        return cloud.floatingIpByAddress(f.get(1)).orElseThrow();
    }

    private static String sipServerVia(String address, boolean tcp) {
        try {
            Optional<String> reply =
                    tcp ? TinyClients.sipTcp(address, 5060, 500) : TinyClients.sipUdp(address, 5060, 500);
            return reply.filter(r -> r.startsWith("SIP/2.0 200"))
                    .map(r -> TinyClients.header(r, "Server"))
                    .orElse(null);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    @Test
    void sipOptionsThroughTheFloatingIpReachTheOtherKamailioOnceTheIpIsMoved() {
        Server a = boot("kam-a", "sipmediadeploy-kamailio");
        Server b = boot("kam-b", "sipmediadeploy-kamailio");
        assertEquals("kamailio", sandbox.instanceKind(a.id()));
        assertTrue(sandbox.pid(a.id()).isPresent(), "a real Kamailio process");
        Port pa = cloud.portOf(a.id(), null).orElseThrow();
        Port pb = cloud.portOf(b.id(), null).orElseThrow();
        FloatingIp fip = floatingIp();
        assertTrue(fip.address().startsWith(sandbox.config().floatingPrefix()), fip.address());

        cloud.associate(fip.id(), pa.id());
        await("UDP replies from " + a.name())
                .atMost(Duration.ofSeconds(10))
                .until(() -> ("kamailio " + a.name()).equals(sipServerVia(fip.address(), false)));
        await("TCP replies from " + a.name())
                .atMost(Duration.ofSeconds(10))
                .until(() -> ("kamailio " + a.name()).equals(sipServerVia(fip.address(), true)));

        FloatingIp moved = cloud.associate(fip.id(), pb.id());
        assertEquals(pb.id(), moved.portId());
        await("UDP replies from " + b.name())
                .atMost(Duration.ofSeconds(10))
                .until(() -> ("kamailio " + b.name()).equals(sipServerVia(fip.address(), false)));
        await("TCP replies from " + b.name())
                .atMost(Duration.ofSeconds(10))
                .until(() -> ("kamailio " + b.name()).equals(sipServerVia(fip.address(), true)));
        assertEquals(pb.fixedIp(), sandbox.floatingTarget(fip.address()));
        assertTrue(
                sandbox.events().ofKind("floatingip.update").stream()
                        .anyMatch(e -> e.target().equals(fip.id())
                                && pb.id().equals(e.details().get("port_id"))
                                && "admin".equals(e.user())
                                && e.audit() != null),
                "the move is in the event log with its caller");
    }

    @Test
    void stunThroughTheFloatingIpReachesTheOtherCoturnOnceTheIpIsMoved() {
        Server a = boot("turn-a", "sipmediadeploy-coturn");
        Server b = boot("turn-b", "sipmediadeploy-coturn");
        assertEquals("coturn", sandbox.instanceKind(a.id()));
        Port pa = cloud.portOf(a.id(), null).orElseThrow();
        Port pb = cloud.portOf(b.id(), null).orElseThrow();
        FloatingIp fip = floatingIp();

        cloud.associate(fip.id(), pa.id());
        // Coturn names the address that answered in RESPONSE-ORIGIN: the server's own host address.
        await("STUN answered by " + a.name())
                .atMost(Duration.ofSeconds(10))
                .until(() -> sandbox.hostAddress(a.id()).equals(stunOrigin(fip.address())));

        cloud.associate(fip.id(), pb.id());
        await("STUN answered by " + b.name())
                .atMost(Duration.ofSeconds(10))
                .until(() -> sandbox.hostAddress(b.id()).equals(stunOrigin(fip.address())));
    }

    private static String stunOrigin(String address) {
        try {
            return TinyClients.stun(address, 3478, 500)
                    .map(TinyClients.StunReply::responseOrigin)
                    .orElse(null);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    @Test
    void deletingAKamailioServerStopsItsWholeProcessGroup() {
        Server a = boot("kam-del", "sipmediadeploy-kamailio");
        long pid = sandbox.pid(a.id()).orElseThrow();
        await().atMost(Duration.ofSeconds(10)).until(() -> Procs.inGroup(pid).size() > 1);

        cloud.deleteServer(a.id());
        created.remove(a.id());

        await("Kamailio and all its workers gone")
                .atMost(Duration.ofSeconds(15))
                .until(() -> Procs.inGroup(pid).isEmpty());
        await().atMost(Duration.ofSeconds(10)).until(() -> cloud.server(a.id()).isEmpty());
    }
}
