package org.sipmediadeploy.calls;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Gateway selection of the role's kamailio.cfg, with SIPp gateways and callers against one real member. */
class CallRoutingTest {
    private static final int BLOCK = 10;
    private static final Duration CALL_DONE = Duration.ofSeconds(30);
    private static Path config;
    private CallLab lab;
    private KamailioMember member;

    @BeforeAll
    static void renderTheRoleConfig() {
        config = CallLab.rendered("render-routing", BLOCK, 1, "");
    }

    @BeforeEach
    void startMember() {
        lab = CallLab.open("routing", BLOCK).use(config);
        member = lab.readyMember(1);
    }

    @AfterEach
    void stopAll() {
        lab.close();
    }

    private SippGateway registered(String host, int n, int address) {
        return lab.registeredGateway(member.ip(), host, n, address);
    }

    @Test
    void aCallToARoomIsAnsweredByAFreeGatewayAndTheByeReachesIt() {
        SippGateway gw = registered("h1", 0, 1);

        SippCall call = lab.call(member.ip(), "room-a", Duration.ofMillis(300), 1);

        assertEquals(0, call.finish(CALL_DONE), call.toString());
        assertEquals(gw.name(), call.answeredBy().orElseThrow());
        assertTrue(call.hungUp());
        assertEquals(1, gw.invites().size());
        assertEquals(Set.copyOf(gw.invites()), gw.byes(), "the gateway got the BYE of its call");
    }

    @Test
    void aLockedGatewayIsReleasedAfterTheBye() {
        SippGateway gw = registered("h1", 0, 1);

        SippCall first = lab.call(member.ip(), "room-a", Duration.ofMillis(200), 1);
        assertEquals(0, first.finish(CALL_DONE), first.toString());
        await().atMost(Duration.ofSeconds(5))
                .until(() -> !member.rpc("htable.dump", "lock").contains(gw.name()));
        SippCall second = lab.call(member.ip(), "room-b", Duration.ofMillis(200), 1);

        assertEquals(0, second.finish(CALL_DONE), second.toString());
        assertEquals(gw.name(), second.answeredBy().orElseThrow(), "the only gateway is free again");
        assertEquals(0, gw.invitesWhileBusy());
    }

    @Test
    void everyGatewayBusyIsRefusedWith503AndNoGatewayGetsASecondCall() {
        SippGateway gw = registered("h1", 0, 1);
        SippCall holding = lab.call(member.ip(), "room-a", Duration.ofSeconds(4), 1);
        assertEquals(gw.name(), holding.awaitAnswer());

        SippCall refused = lab.call(member.ip(), "room-b", Duration.ofMillis(100), 2);

        assertEquals(0, refused.finish(CALL_DONE), refused.toString());
        assertEquals(Optional.of("503"), refused.refusedWith());
        assertEquals(0, holding.finish(CALL_DONE), holding.toString());
        assertEquals(1, gw.invites().size(), "the busy gateway never saw the second INVITE");
    }

    @Test
    void noGatewayRegisteredIsRefusedWith480() {
        SippCall refused = lab.call(member.ip(), "room-a", Duration.ofMillis(100), 1);

        assertEquals(0, refused.finish(CALL_DONE), refused.toString());
        assertEquals(Optional.of("480"), refused.refusedWith());
    }

    @Test
    void simultaneousInvitesNeverGetTheSameGateway() {
        List<SippGateway> gateways = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            gateways.add(registered("h" + (i / 2 + 1), i % 2, i + 1));
        }
        List<SippCall> calls = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            calls.add(lab.call(member.ip(), "room-" + i, Duration.ofSeconds(2), i + 1));
        }

        Set<String> answeredBy = new HashSet<>();
        for (SippCall call : calls) {
            assertEquals(0, call.finish(CALL_DONE), call.toString());
            answeredBy.add(call.answeredBy().orElseThrow());
        }
        assertEquals(4, answeredBy.size(), "four calls on four different gateways: " + answeredBy);
        for (SippGateway gw : gateways) {
            assertEquals(0, gw.invitesWhileBusy(), gw.name() + " got a call while busy");
        }
    }

    @Test
    @SuppressWarnings("StringSplitter") // answering hosts are dotted names whose second label is never empty
    void aSecondCallGoesToTheHostThatAlreadyCarriesOne() {
        registered("h1", 0, 1);
        registered("h1", 1, 2);
        registered("h2", 0, 3);
        registered("h2", 1, 4);
        SippCall first = lab.call(member.ip(), "room-a", Duration.ofSeconds(3), 1);
        String firstHost = first.awaitAnswer().split("\\.")[1];

        SippCall second = lab.call(member.ip(), "room-b", Duration.ofMillis(100), 2);

        assertEquals(0, second.finish(CALL_DONE), second.toString());
        assertEquals(
                firstHost, second.answeredBy().orElseThrow().split("\\.")[1], "packing: " + first + " / " + second);
        assertNotEquals(first.answeredBy(), second.answeredBy());
        assertEquals(0, first.finish(CALL_DONE), first.toString());
    }

    @Test
    void aRegistrationWithAWrongSecretOrAnotherNameFormIsRefused() {
        SippGateway gw = lab.startGateway("h1", 0, 1);

        assertFalse(lab.register(gw, member.ip(), "not-the-secret-123"), "wrong secret accepted");
        assertTrue(lab.register(gw, member.ip(), CallLab.SECRET), "right secret refused");
        assertFalse(member.rpc("ul.dump", "brief").contains("not-the-secret"));
        SippGateway misnamed =
                new SippGateway("gateway", lab.gatewayIp(2), 5070, lab.dir().resolve("none"), null);
        assertFalse(lab.register(misnamed, member.ip(), CallLab.SECRET), "a name not <prefix>.<host>.<n> accepted");
    }

    @Test
    void theJsonRpcAnswersReadOnlyMethodsOnly() {
        registered("h1", 0, 1);

        assertTrue(member.rpc("ul.dump", "brief").contains("gw.h1.0"));
        var refused = member.post("{\"jsonrpc\":\"2.0\",\"method\":\"core.kill\",\"id\":1}");
        assertEquals(403, refused.statusCode());
        assertTrue(member.ready(), "still running");
    }
}
