package org.sipmediadeploy.core.config;

/**
 * How a pair decides that a member is suspect. {@code COUNT}: {@code failureThreshold} consecutive failed probes,
 * whatever they were. {@code ADAPTIVE}: an accrual detector — each failed probe adds suspicion, and the member is
 * suspect once it reaches {@code suspicionThreshold}. A silent probe adds {@code -log10(p)}, p being the chance
 * that this path, as learnt from its own recent probes, loses a probe although the target is fine (never below
 * {@code lossFloor}); a probe refused at once adds {@code immediateWeight}. Suspicion is thus "how unlikely is
 * this run of failures on a healthy target", in powers of ten (as in the φ-accrual detector).
 */
public record DetectorSettings(Kind kind, double suspicionThreshold, double immediateWeight, double lossFloor) {
    public enum Kind {
        COUNT,
        ADAPTIVE
    }

    /** The consecutive-count detector: {@code FailoverSettings.failureThreshold} alone decides. */
    public static final DetectorSettings COUNT = new DetectorSettings(Kind.COUNT, 1, 1, 0.5);

    public DetectorSettings {
        if (kind == null) {
            throw new IllegalArgumentException("detector kind is required");
        }
        if (!(suspicionThreshold > 0) || suspicionThreshold > 100) {
            throw new IllegalArgumentException(
                    "suspicion threshold must be above 0 and at most 100, got " + suspicionThreshold);
        }
        if (!(immediateWeight > 0) || immediateWeight > 100) {
            throw new IllegalArgumentException(
                    "immediate weight must be above 0 and at most 100, got " + immediateWeight);
        }
        if (!(lossFloor > 0) || !(lossFloor < 1)) {
            throw new IllegalArgumentException("loss floor must be between 0 and 1 (exclusive), got " + lossFloor);
        }
    }

    /**
     * Tuned for a 100 ms probe cadence. Threshold 4: a run a healthy path shows less than once in 10,000 probes.
     * On a clean path (loss below the 3 % floor) three silent probes make a member suspect (3 × 1.52), two refused
     * probes (2 × 2.5) or a refused and a silent one do too; on a path that loses 10 % of its probes it takes four
     * silent probes, at 20 % six (6 × 0.7) — and a failover still needs a majority of nodes at once.
     */
    public static DetectorSettings adaptive() {
        return new DetectorSettings(Kind.ADAPTIVE, 4.0, 2.5, 0.03);
    }

    public boolean isAdaptive() {
        return kind == Kind.ADAPTIVE;
    }
}
