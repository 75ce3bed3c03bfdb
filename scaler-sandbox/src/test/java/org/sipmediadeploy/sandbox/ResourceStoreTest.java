package org.sipmediadeploy.sandbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.sipmediadeploy.sandbox.Resources.FipRec;
import org.sipmediadeploy.sandbox.Resources.PortRec;

class ResourceStoreTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static ResourceStore store() {
        return new ResourceStore(SandboxConfig.defaults(), "project-1", T0);
    }

    @Test
    void aFreshStoreHasTheTenantAndExternalNetworksOnTheConfiguredPrefixes() {
        ResourceStore store = store();
        SandboxConfig config = SandboxConfig.defaults();
        assertEquals(config.fixedPrefix() + "0/24", store.tenantNetwork().cidr());
        assertEquals("tenant-subnet", store.tenantNetwork().subnetName());
        assertFalse(store.tenantNetwork().external());
        assertEquals(config.floatingPrefix() + "0/24", store.externalNetwork().cidr());
        assertTrue(store.externalNetwork().external());
    }

    @Test
    void imagesAndFlavorsHaveIdsDerivedFromTheirNamesSoTheyAreTheSameInEverySandbox() {
        ResourceStore a = store();
        ResourceStore b = store();
        assertEquals(
                a.imageByName("sipmediadeploy-kamailio").id(),
                b.imageByName("sipmediadeploy-kamailio").id());
        assertEquals(a.flavors.keySet(), b.flavors.keySet());
        assertNull(a.imageByName("no-such-image"));
        assertEquals(
                List.of("default"),
                a.securityGroups.values().stream().map(g -> g.name()).toList());
    }

    @Test
    void theFloatingIpOfAPortIsFoundByThePortId() {
        ResourceStore store = store();
        PortRec port = new PortRec();
        port.id = "port-1";
        port.networkId = store.tenantNetwork().id();
        store.ports.put(port.id, port);
        FipRec fip = new FipRec();
        fip.id = "fip-1";
        fip.portId = port.id;
        store.floatingIps.put(fip.id, fip);
        assertEquals(fip, store.fipOfPort("port-1"));
        assertNull(store.fipOfPort("port-2"));
        assertEquals(store.tenantNetwork(), store.networkOfPort(port));
    }

    @Test
    void theLockIsReentrantAndHeldAgainstOtherThreads() throws Exception {
        ResourceStore store = store();
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> store.lockedRun(() -> {
            inside.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        assertTrue(inside.await(10, TimeUnit.SECONDS));
        AtomicReference<String> got = new AtomicReference<>();
        Thread other = new Thread(() -> got.set(store.locked(() -> "got it")), "other");
        other.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> other.getState() == Thread.State.BLOCKED);
        assertNull(got.get());
        release.countDown();
        other.join(10_000);
        assertEquals("got it", got.get());
        holder.get(10, TimeUnit.SECONDS);
        assertNotNull(store.locked(() -> store.locked(() -> store.tenantNetwork())));
    }
}
