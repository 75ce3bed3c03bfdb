package org.sipmediadeploy.probes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.sipmediadeploy.core.model.ProbeResult;
import org.sipmediadeploy.core.model.ProbeStatus;
import org.sipmediadeploy.core.model.ProbeTarget;
import org.sipmediadeploy.core.model.Transport;
import org.sipmediadeploy.core.port.Prober;

/** The factory's promises: config fails closed, probes never throw. */
class ProbesTest {
    private static final ProbeTarget SIP = new ProbeTarget.SipOptions("127.0.0.1", 9, Transport.UDP, null);

    @Test
    void wildcardSipBindAddressIsRefusedAtConfiguration() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> ProbeSettings.defaults().withSipBindAddress("0.0.0.0"));
        assertTrue(e.getMessage().contains("reachable"), e.getMessage());
    }

    @Test
    void unusableBindAddressFailsAtCreationNotAtProbeTime() {
        // 192.0.2.1 (TEST-NET-1) is not an address of this machine: bind fails, nothing is sent anywhere.
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> Probes.create(ProbeSettings.defaults().withSipBindAddress("192.0.2.1")));
        assertTrue(e.getMessage().contains("cannot start the SIP probe stack"), e.getMessage());
    }

    @Test
    void outOfRangeTimeoutYieldsUnknownInsteadOfThrowing() throws Exception {
        try (Prober prober = Probes.create(ProbeSettings.defaults())) {
            ProbeResult r = prober.probe(SIP, Duration.ZERO).get(10, TimeUnit.SECONDS);

            assertEquals(ProbeStatus.UNKNOWN, r.status());
            assertTrue(r.reason().startsWith("invalid probe request"), r.reason());
        }
    }

    @Test
    void closeEndsJainSipsNonDaemonEventThread() {
        long before = threads("EventScannerThread");
        Prober prober = Probes.create(ProbeSettings.defaults());
        assertEquals(before + 1, threads("EventScannerThread"));

        prober.close();

        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> threads("EventScannerThread") == before);
    }

    private static long threads(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(name) && t.isAlive())
                .count();
    }

    @Test
    void closedProberAnswersUnknown() throws Exception {
        Prober prober = Probes.create(ProbeSettings.defaults());
        prober.close();

        ProbeResult r = prober.probe(SIP, Duration.ofMillis(100)).get(10, TimeUnit.SECONDS);

        assertEquals(ProbeStatus.UNKNOWN, r.status());
        assertEquals("prober closed", r.reason());
    }
}
