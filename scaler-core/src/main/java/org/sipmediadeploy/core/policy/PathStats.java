package org.sipmediadeploy.core.policy;

import java.time.Duration;

/**
 * What a probe path normally looks like, learnt from its own probes: the share of probes lost (silent although
 * the target was fine) and the latency of the answers, as exponentially weighted moving averages over about the
 * last {@code 1 / ALPHA} probes. A run of silent probes is learnt as loss only once the target answers again and
 * only when it was short ({@link #MAX_LEARNED_GAP}): a longer one was an outage, not a lossy path, and learning
 * it would make the next outage slower to detect.
 */
record PathStats(double lossRate, double latencyMeanMs, double latencyVarianceMs2, long answers) {
    /** Weight of the newest probe: about the last 50 probes (5 s at 100 ms) count. */
    static final double ALPHA = 0.02;
    /** Longest run of silent probes learnt as loss. */
    static final int MAX_LEARNED_GAP = 8;
    /** Latency jitter assumed at least (ms): a loaded machine stalls for this much without anything being wrong. */
    static final double MIN_STD_MS = 10;

    /**
     * A path not yet seen: assumed to lose 10 % until its probes show otherwise (a clean one is under the usual
     * loss floor after about 6 s), so that a lossy path is not judged as a clean one while it is being learnt.
     */
    public static final PathStats UNKNOWN = new PathStats(0.1, 0, 0, 0);

    public PathStats {
        if (!(lossRate >= 0 && lossRate <= 1) || latencyVarianceMs2 < 0 || answers < 0) {
            throw new IllegalArgumentException("bad path stats " + lossRate + " " + latencyVarianceMs2 + " " + answers);
        }
    }

    /** The target answered after {@code silentBefore} silent probes in a row. */
    PathStats answered(Duration latency, int silentBefore) {
        double loss = lossRate;
        if (silentBefore <= MAX_LEARNED_GAP) {
            for (int i = 0; i < silentBefore; i++) {
                loss += ALPHA * (1 - loss);
            }
        }
        loss -= ALPHA * loss;
        double ms = latency.toNanos() / 1e6;
        if (answers == 0) {
            return new PathStats(loss, ms, 0, 1);
        }
        double diff = ms - latencyMeanMs;
        double mean = latencyMeanMs + ALPHA * diff;
        double variance = (1 - ALPHA) * (latencyVarianceMs2 + ALPHA * diff * diff);
        return new PathStats(loss, mean, variance, answers + 1);
    }

    /**
     * The chance that a healthy target leaves a probe unanswered for {@code waited}: the path lost it, or the
     * answer is that late (a normal tail over the learnt latency, with the logistic approximation the φ-accrual
     * detector uses).
     */
    double silentChance(Duration waited) {
        double late = answers == 0 ? 0 : lateChance(waited.toNanos() / 1e6);
        return lossRate + (1 - lossRate) * late;
    }

    private double lateChance(double ms) {
        double std = Math.max(MIN_STD_MS, Math.sqrt(latencyVarianceMs2));
        double y = (ms - latencyMeanMs) / std;
        double e = Math.exp(-y * (1.5976 + 0.070566 * y * y));
        return ms > latencyMeanMs ? e / (1 + e) : 1 - 1 / (1 + e);
    }
}
