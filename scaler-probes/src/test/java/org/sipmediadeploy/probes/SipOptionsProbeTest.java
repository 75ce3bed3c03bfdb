package org.sipmediadeploy.probes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sipmediadeploy.probes.SharedProber.GENEROUS;
import static org.sipmediadeploy.probes.SharedProber.TIMEOUT;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.sipmediadeploy.core.model.ProbeEvidence;
import org.sipmediadeploy.core.model.ProbeResult;
import org.sipmediadeploy.core.model.ProbeStatus;
import org.sipmediadeploy.core.model.ProbeTarget;
import org.sipmediadeploy.core.model.Transport;
import org.sipmediadeploy.core.port.Prober;

/** SIP OPTIONS against real Kamailio and SIPp processes on their own loopback addresses. */
class SipOptionsProbeTest {
    @RegisterExtension
    static final SharedProber probes = new SharedProber();

    @TempDir
    Path dir;

    private static ProbeTarget.SipOptions sip(Loopback.Endpoint at, Transport transport) {
        return new ProbeTarget.SipOptions(at.host(), at.port(), transport, Set.of());
    }

    @Test
    void kamailioIsUpOverUdpAndTcpWith200() throws Exception {
        Loopback.Endpoint at = Loopback.freeEndpoint(5060);
        try (RealProcess kamailio = Servers.kamailio(at, dir)) {
            ProbeResult udp = probes.probe(sip(at, Transport.UDP));
            ProbeResult tcp = probes.probe(sip(at, Transport.TCP));

            assertEquals(ProbeStatus.UP, udp.status(), udp.reason());
            assertEquals("200 OK", udp.reason());
            assertTrue(udp.latency().toNanos() > 0);
            assertEquals(ProbeStatus.UP, tcp.status(), tcp.reason());
            assertEquals("200 OK", tcp.reason());
        }
    }

    @Test
    void serverAnswering503IsDownWithThatReason() throws Exception {
        Loopback.Endpoint at = Loopback.freeEndpoint(5060);
        try (RealProcess sipp = Servers.sipp("sipp-options-503.xml", at, dir)) {
            ProbeResult r = probes.probe(sip(at, Transport.UDP));

            assertEquals(ProbeStatus.DOWN, r.status());
            assertEquals("503 Service Unavailable", r.reason());
            assertEquals(ProbeEvidence.IMMEDIATE, r.evidence(), "a 5xx from the server itself is firm evidence");
        }
    }

    @Test
    void codeListedAsHealthyCountsAsUp() throws Exception {
        Loopback.Endpoint at = Loopback.freeEndpoint(5060);
        try (RealProcess sipp = Servers.sipp("sipp-options-503.xml", at, dir)) {
            ProbeResult r =
                    probes.probe(new ProbeTarget.SipOptions(at.host(), at.port(), Transport.UDP, Set.of(200, 503)));

            assertEquals(ProbeStatus.UP, r.status());
        }
    }

    @Test
    void silentServerIsDownWithTheProbesOwnTimeout() throws Exception {
        Loopback.Endpoint at = Loopback.freeEndpoint(5060);
        try (RealProcess sipp = Servers.sipp("sipp-options-silent.xml", at, dir)) {
            ProbeResult r = probes.probe(sip(at, Transport.UDP), TIMEOUT);

            assertEquals(ProbeStatus.DOWN, r.status());
            assertEquals("timeout after 400 ms", r.reason());
            assertEquals(ProbeEvidence.SILENT, r.evidence());
            // Never earlier than the configured timeout (the 32 s SIP timer is not what answered: see get(10 s)).
            assertTrue(r.latency().compareTo(TIMEOUT) >= 0, r.latency().toString());
        }
    }

    @Test
    void killedKamailioIsDownOverUdpAndRefusedOverTcp() throws Exception {
        Loopback.Endpoint at = Loopback.freeEndpoint(5060);
        try (RealProcess kamailio = Servers.kamailio(at, dir)) {
            assertEquals(ProbeStatus.UP, probes.probe(sip(at, Transport.TCP)).status());

            kamailio.kill();
            assertFalse(kamailio.groupAlive(), "no kamailio worker survives");

            ProbeResult udp = probes.probe(sip(at, Transport.UDP), TIMEOUT);
            assertEquals(ProbeStatus.DOWN, udp.status());
            assertEquals("timeout after 400 ms", udp.reason());
            assertEquals(ProbeEvidence.SILENT, udp.evidence());
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                ProbeResult tcp = probes.probe(sip(at, Transport.TCP));
                assertEquals(ProbeStatus.DOWN, tcp.status());
                assertEquals("connection refused", tcp.reason());
                assertEquals(ProbeEvidence.IMMEDIATE, tcp.evidence());
            });
        }
    }

    @Test
    void frozenKamailioIsDownThenUpAgainAfterSigcont() throws Exception {
        Loopback.Endpoint at = Loopback.freeEndpoint(5060);
        try (RealProcess kamailio = Servers.kamailio(at, dir)) {
            assertEquals(ProbeStatus.UP, probes.probe(sip(at, Transport.UDP)).status());

            kamailio.freeze();
            ProbeResult frozenUdp = probes.probe(sip(at, Transport.UDP), TIMEOUT);
            ProbeResult frozenTcp = probes.probe(sip(at, Transport.TCP), TIMEOUT);

            assertEquals(ProbeStatus.DOWN, frozenUdp.status());
            assertEquals("timeout after 400 ms", frozenUdp.reason());
            assertEquals(ProbeStatus.DOWN, frozenTcp.status());
            assertEquals("timeout after 400 ms", frozenTcp.reason());

            kamailio.thaw();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertEquals(
                        ProbeStatus.UP, probes.probe(sip(at, Transport.UDP)).status());
                assertEquals(
                        ProbeStatus.UP, probes.probe(sip(at, Transport.TCP)).status());
            });
        }
    }

    @Test
    void silentTargetDoesNotDelayAHealthyOneProbedAtTheSameTime() throws Exception {
        Loopback.Endpoint silentAt = Loopback.freeEndpoint(5060);
        Loopback.Endpoint healthyAt = Loopback.freeEndpoint(5060);
        try (RealProcess sipp = Servers.sipp("sipp-options-silent.xml", silentAt, dir);
                RealProcess kamailio = Servers.kamailio(healthyAt, dir)) {
            CompletableFuture<ProbeResult> slow =
                    probes.prober().probe(sip(silentAt, Transport.UDP), Duration.ofSeconds(5));
            CompletableFuture<ProbeResult> fast =
                    probes.prober().probe(sip(healthyAt, Transport.UDP), Duration.ofSeconds(5));

            ProbeResult healthy = fast.get(10, TimeUnit.SECONDS);

            assertEquals(ProbeStatus.UP, healthy.status());
            assertFalse(slow.isDone(), "the silent target is still waiting for its own deadline");
            assertEquals("timeout after 5000 ms", slow.get(10, TimeUnit.SECONDS).reason());
        }
    }

    @Test
    void twoProbersInOneJvmHaveTheirOwnStacks() throws Exception {
        Loopback.Endpoint at = Loopback.freeEndpoint(5060);
        try (RealProcess kamailio = Servers.kamailio(at, dir)) {
            Prober second = Probes.create(ProbeSettings.defaults());
            ProbeResult fromSecond =
                    second.probe(sip(at, Transport.UDP), GENEROUS).get(10, TimeUnit.SECONDS);
            second.close();

            assertEquals(ProbeStatus.UP, fromSecond.status());
            assertEquals(
                    ProbeStatus.UP,
                    probes.probe(sip(at, Transport.UDP)).status(),
                    "closing the second prober left the first one's stack alone");
        }
    }

    @Test
    void tlsTargetWithoutTrustStoreIsUnknownWithReason() throws Exception {
        ProbeResult r = probes.probe(new ProbeTarget.SipOptions("127.0.0.1", 5061, Transport.TLS, Set.of()));

        assertEquals(ProbeStatus.UNKNOWN, r.status());
        assertTrue(r.reason().contains("TLS is not configured"), r.reason());
    }
}
