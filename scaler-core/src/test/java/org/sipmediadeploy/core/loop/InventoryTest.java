package org.sipmediadeploy.core.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sipmediadeploy.core.config.PairConfig;
import org.sipmediadeploy.core.model.Server;

class InventoryTest {
    static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    FakeCloud cloud;
    Inventory inventory;
    Server a;

    @BeforeEach
    void world() {
        cloud = new FakeCloud();
        a = cloud.addTerraformMember("tag", "kamailio", "kamailio-a");
        cloud.addFip("203.0.113.10", "port-" + a.id());
        PairConfig pair = LoopFixtures.kamailioPair("203.0.113.10");
        inventory = new Inventory(new LoopSpec("n1", 3, "tag", Map.of("kamailio", pair), Map.of(), List.of()), cloud);
        inventory.period(Duration.ofSeconds(5));
    }

    @Test
    void holdsNothingAndIsNotSeenBeforeTheFirstRead() {
        assertFalse(inventory.seen());
        assertFalse(inventory.takeFresh());
        assertEquals(List.of(), inventory.servers());
        assertTrue(inventory.floatingIp("kamailio").isEmpty());
    }

    @Test
    void readsTheTaggedServersAndThePairsFloatingIps() {
        assertTrue(inventory.refresh(T0));
        assertTrue(inventory.seen());
        assertEquals(
                List.of(a.id()), inventory.servers().stream().map(Server::id).toList());
        assertEquals(a.status(), inventory.server(a.id()).orElseThrow().status());
        assertEquals(
                "203.0.113.10", inventory.floatingIp("kamailio").orElseThrow().address());
    }

    @Test
    void rereadsTheCloudAtMostOncePerPeriod() {
        inventory.refresh(T0);
        Server later = cloud.addTerraformMember("tag", "kamailio", "kamailio-b");
        assertFalse(inventory.refresh(T0.plusSeconds(4)));
        assertTrue(inventory.server(later.id()).isEmpty(), "a listing is kept for its period");
        assertTrue(inventory.refresh(T0.plusSeconds(5)));
        assertTrue(inventory.server(later.id()).isPresent());
    }

    @Test
    void anExpiredListingIsReadAgainOnTheNextPass() {
        inventory.refresh(T0);
        inventory.expire();
        assertTrue(inventory.refresh(T0.plusSeconds(1)));
    }

    @Test
    void aListingIsFreshOnlyOnceAfterEachRead() {
        inventory.refresh(T0);
        assertTrue(inventory.takeFresh());
        assertFalse(inventory.takeFresh());
        inventory.refresh(T0.plusSeconds(5));
        assertTrue(inventory.takeFresh());
    }

    @Test
    void aDeletedServerAndAMovedFloatingIpAreForgottenUntilTheNextRead() {
        inventory.refresh(T0);
        inventory.removeServer(a.id());
        inventory.forgetFloatingIp("kamailio");
        assertTrue(inventory.server(a.id()).isEmpty());
        assertTrue(inventory.floatingIp("kamailio").isEmpty());
        inventory.refresh(T0.plusSeconds(5));
        assertTrue(inventory.server(a.id()).isPresent());
        assertTrue(inventory.floatingIp("kamailio").isPresent());
    }
}
