package org.sipmediadeploy.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.sipmediadeploy.sandbox.Resources.PortRec;

/** Ports through {@link Networking} on a store of its own (no forwarder is started: no floating IP is made). */
class NetworkingTest {
    private final SandboxConfig config = SandboxConfig.defaults();
    private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    private final EventLog events = new EventLog(clock, null);
    private final ResourceStore store = new ResourceStore(config, "project-1", clock.instant());
    private final Networking networking = new Networking(config, clock, events, store, null);

    private static String body(ApiException e) {
        return new String(e.response().body(), StandardCharsets.UTF_8);
    }

    @Test
    void aPortGetsTheNextFixedAddressItsHostAddressAndTheDefaultGroup() {
        PortRec p = networking.createPort(Caller.SANDBOX, store.tenantNetwork().id(), "p", null);
        assertEquals(config.fixedPrefix() + "2", p.fixedIp);
        assertEquals(config.hostPrefix() + "2", p.hostIp);
        assertEquals(1, p.securityGroupIds.size());
        assertEquals(p.id, events.ofKind("port.create").get(0).target());
    }

    @Test
    void aFixedAddressAlreadyTakenIsNeutronsIpAddressAlreadyAllocated() {
        String net = store.tenantNetwork().id();
        networking.createPort(Caller.SANDBOX, net, "a", config.fixedPrefix() + "9");
        ApiException e = assertThrows(
                ApiException.class, () -> networking.createPort(Caller.SANDBOX, net, "b", config.fixedPrefix() + "9"));
        assertEquals(409, e.response().status());
        assertTrue(body(e).contains("IpAddressAlreadyAllocated"), body(e));
    }

    @Test
    void aDeletedPortFreesItsAddressAndAServersPortCannotBeDeletedDirectly() {
        String net = store.tenantNetwork().id();
        PortRec p = networking.createPort(Caller.SANDBOX, net, "a", config.fixedPrefix() + "9");
        networking.deletePort(Caller.SANDBOX, p.id);
        assertEquals(
                config.fixedPrefix() + "9",
                networking.createPort(Caller.SANDBOX, net, "b", config.fixedPrefix() + "9").fixedIp);

        PortRec owned = networking.createPort(Caller.SANDBOX, net, "c", null);
        owned.deviceOwner = "compute:nova";
        owned.deviceId = "srv-1";
        store.servers.put("srv-1", new Resources.ServerRec());
        ApiException e = assertThrows(ApiException.class, () -> networking.deletePort(Caller.SANDBOX, owned.id));
        assertEquals(409, e.response().status());
        assertTrue(body(e).contains("PortInUse"), body(e));
    }

    @Test
    void aClosedCloudRefusesPortsWithNovas503() {
        store.markClosed();
        ApiException e = assertThrows(
                ApiException.class,
                () -> networking.createPort(
                        Caller.SANDBOX, store.tenantNetwork().id(), "p", null));
        assertEquals(503, e.response().status());
    }
}
