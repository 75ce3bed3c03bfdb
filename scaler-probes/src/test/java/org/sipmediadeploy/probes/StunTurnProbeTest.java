package org.sipmediadeploy.probes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sipmediadeploy.probes.SharedProber.TIMEOUT;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.sipmediadeploy.core.model.ProbeResult;
import org.sipmediadeploy.core.model.ProbeStatus;
import org.sipmediadeploy.core.model.ProbeTarget;
import org.sipmediadeploy.core.model.Secret;

/** STUN Binding and TURN Allocate against a real Coturn on its own loopback address. */
class StunTurnProbeTest {
    private static final String USER = "probe";
    private static final String PASSWORD = "s3cret-turn";
    private static final String REALM = "sipmediadeploy.test";

    @RegisterExtension
    static final SharedProber probes = new SharedProber();

    @TempDir
    Path dir;

    private RealProcess coturn(Loopback.Endpoint at, int minPort, int maxPort) throws Exception {
        return Servers.coturn(at, USER, PASSWORD, REALM, minPort, maxPort, dir);
    }

    private static int relayBase() {
        return 40000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(0, 2000) * 10;
    }

    @Test
    void stunBindingIsUpAndReportsTheMappedAddress() throws Exception {
        Loopback.Endpoint at = Loopback.freeEndpoint(3478);
        int base = relayBase();
        try (RealProcess turn = coturn(at, base, base + 9)) {
            ProbeResult r = probes.probe(new ProbeTarget.StunBinding(at.host(), at.port()));

            assertEquals(ProbeStatus.UP, r.status(), r.reason());
            Matcher m = Pattern.compile("mapped (127\\.0\\.0\\.1):(\\d+)").matcher(r.reason());
            assertTrue(m.matches(), r.reason());
            assertTrue(Integer.parseInt(m.group(2)) > 0);
        }
    }

    @Test
    void turnAllocateWithTheRightPasswordIsUpWithARelayedAddress() throws Exception {
        Loopback.Endpoint at = Loopback.freeEndpoint(3478);
        int base = relayBase();
        try (RealProcess turn = coturn(at, base, base + 9)) {
            ProbeResult r = probes.probe(new ProbeTarget.TurnAllocate(at.host(), at.port(), USER, Secret.of(PASSWORD)));

            assertEquals(ProbeStatus.UP, r.status(), r.reason());
            Matcher m = Pattern.compile("relayed " + Pattern.quote(at.host()) + ":(\\d+)")
                    .matcher(r.reason());
            assertTrue(m.matches(), r.reason());
            int relayPort = Integer.parseInt(m.group(1));
            assertTrue(relayPort >= base && relayPort <= base + 9, r.reason());
        }
    }

    @Test
    void turnAllocateWithAWrongPasswordIsDownAsBadCredentials() throws Exception {
        Loopback.Endpoint at = Loopback.freeEndpoint(3478);
        int base = relayBase();
        try (RealProcess turn = coturn(at, base, base + 9)) {
            ProbeResult r = probes.probe(new ProbeTarget.TurnAllocate(at.host(), at.port(), USER, Secret.of("wrong")));

            assertEquals(ProbeStatus.DOWN, r.status());
            assertTrue(
                    r.reason().startsWith("401 bad credentials for user 'probe' in realm '" + REALM + "'"), r.reason());
            assertTrue(!r.reason().contains("wrong"), "no password in the reason");
        }
    }

    @Test
    void eachAllocationIsReleasedSoATinyRelayRangeNeverRunsOut() throws Exception {
        Loopback.Endpoint at = Loopback.freeEndpoint(3478);
        int base = relayBase();
        // Two relay ports: without the Refresh(lifetime 0) release, the third allocation would fail (508).
        try (RealProcess turn = coturn(at, base, base + 1)) {
            ProbeTarget target = new ProbeTarget.TurnAllocate(at.host(), at.port(), USER, Secret.of(PASSWORD));
            for (int i = 0; i < 6; i++) {
                await("allocation " + i)
                        .atMost(Duration.ofSeconds(10))
                        .untilAsserted(() -> assertEquals(
                                ProbeStatus.UP, probes.probe(target).status()));
            }
        }
    }

    @Test
    void frozenCoturnIsDownWithinTheTimeoutAndUpAgainAfterSigcont() throws Exception {
        Loopback.Endpoint at = Loopback.freeEndpoint(3478);
        int base = relayBase();
        try (RealProcess turn = coturn(at, base, base + 9)) {
            ProbeTarget stun = new ProbeTarget.StunBinding(at.host(), at.port());
            ProbeTarget allocate = new ProbeTarget.TurnAllocate(at.host(), at.port(), USER, Secret.of(PASSWORD));
            assertEquals(ProbeStatus.UP, probes.probe(allocate).status());

            turn.freeze();
            ProbeResult frozenStun = probes.probe(stun, TIMEOUT);
            ProbeResult frozenTurn = probes.probe(allocate, TIMEOUT);

            assertEquals(ProbeStatus.DOWN, frozenStun.status());
            assertEquals("timeout after 400 ms", frozenStun.reason());
            assertTrue(frozenStun.latency().compareTo(TIMEOUT) >= 0);
            assertEquals(ProbeStatus.DOWN, frozenTurn.status());
            assertEquals("timeout after 400 ms", frozenTurn.reason());

            turn.thaw();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertEquals(ProbeStatus.UP, probes.probe(stun).status());
                assertEquals(ProbeStatus.UP, probes.probe(allocate).status());
            });
        }
    }

    @Test
    void killedCoturnIsDown() throws Exception {
        Loopback.Endpoint at = Loopback.freeEndpoint(3478);
        int base = relayBase();
        try (RealProcess turn = coturn(at, base, base + 9)) {
            ProbeTarget stun = new ProbeTarget.StunBinding(at.host(), at.port());
            assertEquals(ProbeStatus.UP, probes.probe(stun).status());

            turn.kill();
            ProbeResult r = probes.probe(stun, TIMEOUT);

            assertEquals(ProbeStatus.DOWN, r.status());
            assertEquals("timeout after 400 ms", r.reason());
        }
    }
}
