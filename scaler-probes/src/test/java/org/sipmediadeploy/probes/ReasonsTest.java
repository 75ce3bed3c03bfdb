package org.sipmediadeploy.probes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sipmediadeploy.core.model.ProbeEvidence;

/** How a failed probe's reason is classified for the failure detector. */
class ReasonsTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "timeout after 80 ms, SILENT",
        "connect timeout after 80 ms, SILENT",
        "SIP transaction timeout, SILENT",
        "connection refused, IMMEDIATE",
        "port unreachable, IMMEDIATE",
        "connection reset, IMMEDIATE",
        "TLS handshake failed: Received fatal alert: handshake_failure, IMMEDIATE",
        "I/O error on tcp connection, IMMEDIATE",
        "503 Service Unavailable, IMMEDIATE",
        "500 Server Internal Error, IMMEDIATE",
        "STUN 500 Server Error, IMMEDIATE",
        "TURN 508 Insufficient Capacity, IMMEDIATE",
        "404 Not Found, OTHER",
        "TURN 401 Unauthorized, OTHER",
        "5000 odd, OTHER",
        "no route to host, OTHER",
    })
    void failedProbesAreClassifiedByWhatTheTargetSaid(String reason, ProbeEvidence expected) {
        assertEquals(
                expected,
                Reasons.failed(Duration.ofMillis(3), reason, Instant.EPOCH).evidence());
    }
}
