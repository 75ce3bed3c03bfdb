package org.sipmediadeploy.core.testing;

import java.util.Arrays;
import java.util.Collection;

/**
 * The one percentile definition of every benchmark (Java here, Python in {@code bench/percentiles.py}): nearest rank.
 * The p-th percentile of n values is the value at rank {@code ceil(p / 100 * n)} (1-based) of the sorted values,
 * so it is always a measured value, and p99 of fewer than 100 runs is the maximum.
 */
public final class Percentiles {
    private Percentiles() {}

    /** The nearest-rank {@code p}-th percentile (0 < p <= 100) of {@code values}; NaN when there are none. */
    public static double nearestRank(double[] values, double p) {
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
        }
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(1, rank) - 1];
    }

    /** The same for boxed values. */
    public static double nearestRank(Collection<Double> values, double p) {
        return nearestRank(values.stream().mapToDouble(Double::doubleValue).toArray(), p);
    }
}
