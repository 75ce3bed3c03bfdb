package org.sipmediadeploy.core.policy;

import java.util.Locale;
import org.sipmediadeploy.core.config.DetectorSettings;
import org.sipmediadeploy.core.config.FailoverSettings;

/**
 * Whether a target is suspect, by the pair's {@link DetectorSettings}: with COUNT, {@code failureThreshold}
 * consecutive failures; with ADAPTIVE, its suspicion (see {@link #suspicion}) at or above the threshold. Within
 * min-interval of a failover ({@code recent}) the bar doubles either way. Pure.
 */
final class FailureDetector {
    private FailureDetector() {}

    public static boolean suspects(TargetHealth h, FailoverSettings s, boolean recent) {
        int factor = recent ? 2 : 1;
        DetectorSettings d = s.detector();
        if (!d.isAdaptive()) {
            return h.failedAtLeast(factor * s.failureThreshold());
        }
        return h.consecutiveFailures() > 0 && suspicion(h, d) >= factor * d.suspicionThreshold();
    }

    /**
     * How unlikely the current run of failures is on a healthy target, in powers of ten: each silent probe adds
     * {@code -log10} of the path's learnt chance of a silent probe (at least the loss floor), each refused one adds
     * the immediate weight. Zero while the target passes.
     */
    public static double suspicion(TargetHealth h, DetectorSettings d) {
        FailureStreak run = h.streak();
        double perSilent = -Math.log10(Math.max(d.lossFloor(), run.silentChance()));
        return run.silent() * perSilent + run.immediate() * d.immediateWeight();
    }

    /** "3 probes" or, adaptive, "3 probes (2 silent, 1 refused; suspicion 4.6 of 3.0)". */
    static String describe(TargetHealth h, FailoverSettings s, boolean recent) {
        String base = h.consecutiveFailures() + " probes";
        DetectorSettings d = s.detector();
        if (!d.isAdaptive()) {
            return base;
        }
        return base
                + String.format(
                        Locale.ROOT,
                        " (%d silent, %d refused; suspicion %.1f of %.1f)",
                        h.streak().silent(),
                        h.streak().immediate(),
                        suspicion(h, d),
                        (recent ? 2 : 1) * d.suspicionThreshold());
    }

    /** What makes a target suspect: "6 failures" or "suspicion 6.0". */
    static String bar(FailoverSettings s, boolean recent) {
        int factor = recent ? 2 : 1;
        return s.detector().isAdaptive()
                ? String.format(
                        Locale.ROOT, "suspicion %.1f", factor * s.detector().suspicionThreshold())
                : factor * s.failureThreshold() + " failures";
    }
}
