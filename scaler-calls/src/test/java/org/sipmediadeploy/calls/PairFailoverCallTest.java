package org.sipmediadeploy.calls;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pair's replicated state (DMQ: registrations, gateway locks, dialogs) with the role's kamailio.cfg: after the
 * floating IP moves from member 1 to member 2, member 2 routes the next call at once and the BYE of a call set up
 * through member 1 still reaches its gateway; a member started later syncs from its peer.
 */
class PairFailoverCallTest {
    private static final int BLOCK = 20;
    private static final Duration CALL_DONE = Duration.ofSeconds(40);
    private static Path config;
    private static Path unreplicated;
    private CallLab lab;

    @BeforeAll
    static void renderTheRoleConfig() {
        config = CallLab.rendered("render-failover", BLOCK, 2, "");
        unreplicated = CallLab.rendered("render-unreplicated", BLOCK, 2, "kamailio_dmq_enabled: false\n");
    }

    @BeforeEach
    void openLab() {
        lab = CallLab.open("failover", BLOCK).use(config);
    }

    @AfterEach
    void stopAll() {
        lab.close();
    }

    /**
     * Registers at the active member directly: Neutron's floating IP keeps the gateway's source address, while
     * the test's floating IP translates it (Kamailio would then store the translation as the contact).
     */
    private SippGateway registered(KamailioMember active, String host, int n, int address) {
        return lab.registeredGateway(active.ip(), host, n, address);
    }

    @Test
    void afterTheActiveMemberDiesTheStandbyRoutesTheNextCallAndTheByeOfAnEarlierCallReachesItsGateway() {
        KamailioMember active = lab.readyMember(1);
        KamailioMember standby = lab.readyMember(2);
        FloatingIp fip = lab.floatingIp(active.ip());
        List<SippGateway> gateways = List.of(registered(active, "h1", 0, 1), registered(active, "h1", 1, 2));
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            String ul = standby.rpc("ul.dump", "brief");
            return ul.contains("gw.h1.0") && ul.contains("gw.h1.1");
        });
        SippCall before = lab.call(lab.floatingIp(), "room-before", Duration.ofSeconds(6), 1);
        String first = before.awaitAnswer();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> standby.rpc("htable.dump", "lock").contains(first));

        active.kill();
        fip.moveTo(standby.ip());
        SippCall after = lab.call(lab.floatingIp(), "room-after", Duration.ofMillis(200), 2);

        assertEquals(0, after.finish(CALL_DONE), after.toString());
        assertNotEquals(first, after.answeredBy().orElseThrow(), "the standby knew the first gateway was locked");
        assertEquals(0, before.finish(CALL_DONE), before.toString());
        SippGateway firstGateway = gateways.stream()
                .filter(g -> g.name().equals(first))
                .findFirst()
                .orElseThrow();
        assertTrue(
                firstGateway.byes().containsAll(firstGateway.invites()),
                "the BYE sent through the standby reached " + first);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !standby.rpc("htable.dump", "lock").contains("gw.h1."));
        for (SippGateway gw : gateways) {
            assertEquals(0, gw.invitesWhileBusy(), gw.name() + " got a call while busy");
        }
    }

    @Test
    void aMemberStartedLaterSyncsRegistrationsLocksAndDialogsFromItsPeer() {
        KamailioMember active = lab.readyMember(1);
        lab.floatingIp(active.ip());
        registered(active, "h1", 0, 1);
        registered(active, "h2", 0, 2);
        SippCall holding = lab.call(lab.floatingIp(), "room-a", Duration.ofSeconds(8), 1);
        String locked = holding.awaitAnswer();

        KamailioMember replacement = lab.readyMember(2);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            String ul = replacement.rpc("ul.dump", "brief");
            assertTrue(ul.contains("gw.h1.0") && ul.contains("gw.h2.0"), ul);
            assertTrue(replacement.rpc("htable.dump", "lock").contains(locked));
            assertTrue(replacement.rpc("dlg.list").contains("room-a"));
        });
        assertEquals(0, holding.finish(CALL_DONE), holding.toString());
    }

    @Test
    void withoutReplicationTheStandbyKnowsNoGatewayAfterTheMove() {
        lab.use(unreplicated);
        KamailioMember active = lab.readyMember(1);
        KamailioMember standby = lab.readyMember(2);
        FloatingIp fip = lab.floatingIp(active.ip());
        registered(active, "h1", 0, 1);
        SippCall before = lab.call(lab.floatingIp(), "room-before", Duration.ofMillis(100), 1);
        assertEquals(0, before.finish(CALL_DONE), before.toString());

        active.kill();
        fip.moveTo(standby.ip());
        SippCall after = lab.call(lab.floatingIp(), "room-after", Duration.ofMillis(100), 2);

        assertEquals(0, after.finish(CALL_DONE), after.toString());
        assertEquals(Optional.of("480"), after.refusedWith(), "calls fail until the gateways re-register");
    }
}
