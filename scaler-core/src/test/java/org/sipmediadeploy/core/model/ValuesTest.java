package org.sipmediadeploy.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The self-validating values of the model. */
class ValuesTest {
    private static final Member A = new Member("srv-a", "a", "port-a", "10.0.0.1");
    private static final Member B = new Member("srv-b", "b", "port-b", "10.0.0.2");

    @Test
    void pairHasExactlyTwoMembersAndAnActiveAmongThem() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new PairState("p", List.of(A), "srv-a", "f", "1.2.3.4", PairMode.AUTO, List.of(), null));
        assertThrows(
                IllegalArgumentException.class,
                () -> new PairState("p", List.of(A, B), "srv-x", "f", "1.2.3.4", PairMode.AUTO, List.of(), null));
        PairState p = new PairState("p", List.of(A, B), "srv-b", "f", "1.2.3.4", PairMode.AUTO, List.of(), null);
        assertEquals(B, p.active());
        assertEquals(A, p.standby());
        assertEquals(A, p.withActive("srv-a").active());
    }

    @Test
    void poolIteratesHostsByName() {
        Instant t = Instant.parse("2026-01-05T10:00:00Z");
        PoolState p = PoolState.empty("gw")
                .withHost(new Host("gw-b", null, null, HostState.CREATING, t, t, "d1-2"))
                .withHost(new Host("gw-a", null, null, HostState.CREATING, t, t, "d1-1"));
        assertEquals(
                List.of("gw-a", "gw-b"), p.hostList().stream().map(Host::name).toList());
        assertEquals(
                List.of("gw-b"),
                p.withoutHost("gw-a").hostList().stream().map(Host::name).toList());
        assertThrows(IllegalArgumentException.class, () -> p.withBackoff(-1, null));
    }

    @Test
    void secretNeverShowsItself() {
        Secret s = Secret.of("hunter2");
        assertEquals("<redacted>", s.toString());
        assertFalse(new ProbeTarget.TurnAllocate("10.0.0.1", 3478, "u", s)
                .toString()
                .contains("hunter2"));
        assertEquals("hunter2", s.reveal());
        assertEquals(Secret.of("hunter2"), s);
    }

    @Test
    void probeTargetsHaveStableKeysAndValidPorts() {
        assertEquals(
                "sip-udp://127.0.1.1:5060",
                new ProbeTarget.SipOptions("127.0.1.1", 5060, Transport.UDP, Set.of()).key());
        assertEquals(Set.of(200), new ProbeTarget.SipOptions("h", 5060, Transport.TCP, null).healthyCodes());
        assertEquals("stun://h:3478", new ProbeTarget.StunBinding("h", 3478).key());
        assertEquals("http://h:8080/status", new ProbeTarget.GatewayStatus("h", 8080, "/status", "idle", "term").key());
        assertThrows(IllegalArgumentException.class, () -> new ProbeTarget.StunBinding("h", 0));
        assertThrows(IllegalArgumentException.class, () -> new ProbeTarget.StunBinding("h", 65536));
    }

    @Test
    void serverSpecMustCarryTheTagAndDecision() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new ServerSpec("n", "i", "f", "net", null, null, null, "", Map.of(ServerMetadata.TAG, "t")));
        ServerSpec s = new ServerSpec(
                "n",
                "i",
                "f",
                "net",
                null,
                null,
                null,
                "",
                Map.of(ServerMetadata.TAG, "t", ServerMetadata.DECISION, "d1-1"));
        assertEquals("d1-1", s.decisionId());
        assertEquals("t", s.tag());
    }

    @Test
    void smallValuesValidateThemselvesAndAnswerQuestions() {
        assertThrows(IllegalArgumentException.class, () -> new GatewayCapacity(-1, false));
        FloatingIp f = new FloatingIp("f", "1.2.3.4", "port-a", "10.0.0.1", 3);
        assertTrue(f.isAssociatedTo("port-a"));
        assertFalse(f.isAssociatedTo(null));
        assertTrue(new FloatingIp("f", "1.2.3.4", null, null, -1).port().isEmpty());
        assertTrue(ServerStatus.ERROR.isTerminal());
        assertFalse(ServerStatus.BUILD.isTerminal());
        assertEquals(
                "d1-1",
                new Server("s", "n", ServerStatus.ACTIVE, Map.of(ServerMetadata.DECISION, "d1-1"), null, null)
                        .decisionId()
                        .orElseThrow());
        assertTrue(ProbeResult.gateway(java.time.Duration.ZERO, new GatewayCapacity(1, false), Instant.EPOCH)
                .isUp());
    }
}
