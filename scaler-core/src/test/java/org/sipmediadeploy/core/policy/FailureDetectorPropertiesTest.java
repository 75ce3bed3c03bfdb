package org.sipmediadeploy.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sipmediadeploy.core.Fixtures.T0;

import java.time.Duration;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.sipmediadeploy.core.config.DetectorSettings;
import org.sipmediadeploy.core.config.FailoverSettings;
import org.sipmediadeploy.core.model.ProbeResult;

/**
 * Properties of the adaptive detector over seeded random paths: healthy targets are rarely suspected, dead ones
 * are suspected within a bounded number of probes, and suspicion only grows during a run of failures.
 */
class FailureDetectorPropertiesTest {
    static final FailoverSettings ADAPTIVE = FailoverSettings.defaults().withDetector(DetectorSettings.adaptive());
    static final Duration TIMEOUT = Duration.ofMillis(80);

    /** One probe on a healthy path: lost with probability {@code loss}, else answered in 1–20 ms. */
    static TargetHealth healthyProbe(TargetHealth h, Random rnd, double loss, int i) {
        if (rnd.nextDouble() < loss) {
            return h.next(ProbeResult.silent(TIMEOUT, "timeout", T0.plusMillis(100L * i)));
        }
        return h.next(ProbeResult.up(Duration.ofMillis(1 + rnd.nextInt(20)), "200 OK", T0.plusMillis(100L * i)));
    }

    @Property(tries = 40)
    void aHealthyTargetOnAPathLosingUpToAFifthBecomesSuspectAtMostOnceIn2000Probes(
            @ForAll long seed, @ForAll @DoubleRange(min = 0, max = 0.2) double loss) {
        Random rnd = new Random(seed);
        TargetHealth h = TargetHealth.NEVER_PROBED;
        for (int i = 0; i < 100; i++) {
            h = healthyProbe(h, rnd, loss, i);
        }
        int probes = 20_000;
        int suspected = 0;
        boolean was = false;
        for (int i = 0; i < probes; i++) {
            h = healthyProbe(h, rnd, loss, 100 + i);
            boolean is = FailureDetector.suspects(h, ADAPTIVE, false);
            if (is && !was) {
                suspected++;
            }
            was = is;
        }
        // designed for under 1 in 10,000; the count detector (3 failures) is suspect at about loss^3: 0.8 % at 20 %
        assertTrue(suspected <= probes / 2000, suspected + " times suspect at loss " + loss);
    }

    @Property(tries = 200)
    void aTargetThatDiesSilentlyIsSuspectedWithinTenProbesAndWithinThreeOnALearntCleanPath(
            @ForAll long seed,
            @ForAll @DoubleRange(min = 0, max = 0.2) double loss,
            @ForAll @IntRange(min = 30, max = 2000) int warmup) {
        Random rnd = new Random(seed);
        TargetHealth h = TargetHealth.NEVER_PROBED;
        for (int i = 0; i < warmup; i++) {
            h = healthyProbe(h, rnd, loss, i);
        }
        h = h.next(ProbeResult.up(Duration.ofMillis(1), "200 OK", T0.plusMillis(100L * warmup)));
        int needed = 0;
        while (!FailureDetector.suspects(h, ADAPTIVE, false)) {
            needed++;
            h = h.next(ProbeResult.silent(TIMEOUT, "timeout", T0.plusMillis(100L * (warmup + needed))));
            assertTrue(needed <= 10, needed + " silent probes so far at loss " + loss);
        }
        if (loss == 0 && warmup >= 150) { // the 10 % prior has decayed below the floor after 15 s
            assertEquals(3, needed);
        }
    }

    @Property(tries = 200)
    void twoRefusalsMakeAnyTargetSuspect(
            @ForAll long seed,
            @ForAll @DoubleRange(min = 0, max = 0.5) double loss,
            @ForAll @IntRange(min = 0, max = 500) int warmup) {
        Random rnd = new Random(seed);
        TargetHealth h = TargetHealth.NEVER_PROBED;
        for (int i = 0; i < warmup; i++) {
            h = healthyProbe(h, rnd, loss, i);
        }
        h = h.next(ProbeResult.refused(Duration.ofMillis(1), "connection refused", T0));
        h = h.next(ProbeResult.refused(Duration.ofMillis(1), "connection refused", T0));
        assertTrue(FailureDetector.suspects(h, ADAPTIVE, false));
    }

    @Property(tries = 300)
    void suspicionGrowsWithEveryFailureAndIsZeroAfterAnAnswer(
            @ForAll long seed, @ForAll @DoubleRange(min = 0, max = 0.5) double loss) {
        Random rnd = new Random(seed);
        TargetHealth h = TargetHealth.NEVER_PROBED;
        for (int i = 0; i < 200; i++) {
            h = healthyProbe(h, rnd, loss, i);
        }
        h = h.next(ProbeResult.up(Duration.ofMillis(2), "200 OK", T0));
        assertEquals(0.0, FailureDetector.suspicion(h, ADAPTIVE.detector()));
        double before = 0;
        for (int i = 0; i < 12; i++) {
            h = rnd.nextBoolean()
                    ? h.next(ProbeResult.silent(TIMEOUT, "timeout", T0))
                    : h.next(ProbeResult.refused(Duration.ofMillis(1), "refused", T0));
            double now = FailureDetector.suspicion(h, ADAPTIVE.detector());
            assertTrue(now > before, now + " after " + before);
            before = now;
        }
    }
}
