package org.sipmediadeploy.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.sipmediadeploy.core.testing.Percentiles;

class ApiLatencyProfileTest {

    /** The delay the armed rules add to one call of {@code op}, as the HTTP front sums them. */
    private static long delayMs(ApiFaults faults, String op) {
        return faults.draw(op, "admin").stream()
                .mapToLong(f -> f.delay().toMillis())
                .sum();
    }

    @Test
    void aMoveThroughTheProfileHasTheMeasuredMedianAndTail() {
        ApiLatencyProfile p = ApiLatencyProfile.fromMeasured("measured", 100, 1000, 3000, 1800);
        ApiFaults faults = new ApiFaults(7);
        p.arm(faults);
        double[] moves = new double[2000];
        for (int i = 0; i < moves.length; i++) {
            moves[i] = delayMs(faults, "floatingip.get") + delayMs(faults, "floatingip.update");
        }
        Arrays.sort(moves);
        assertEquals(1000, Percentiles.nearestRank(moves, 50));
        assertEquals(1000, Percentiles.nearestRank(moves, 95));
        assertEquals(3000, Percentiles.nearestRank(moves, 99));
    }

    @Test
    void aTokenRequestCostsWhatARenewalAddedToAMove() {
        ApiFaults faults = new ApiFaults(7);
        ApiLatencyProfile.fromMeasured("measured", 100, 1000, 3000, 1800).arm(faults);
        assertEquals(800, delayMs(faults, "token.create"));
        assertEquals(0, delayMs(faults, "server.create"));
    }

    @Test
    void theCalibratedProfileIsNotEmpty() {
        ApiLatencyProfile p = ApiLatencyProfile.REAL_NEUTRON;
        assertTrue(
                p.fipGet().plus(p.fipUpdate()).compareTo(Duration.ofMillis(10)) > 0,
                "REAL_NEUTRON must carry the measured move latency: " + p);
    }

    @Test
    void aNegativeLatencyIsRefusedByName() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new ApiLatencyProfile(
                        "bad", Duration.ofMillis(-1), Duration.ZERO, Duration.ZERO, 0, Duration.ZERO));
        assertTrue(e.getMessage().contains("bad"), e.getMessage());
    }
}
