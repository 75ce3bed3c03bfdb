package org.sipmediadeploy.core.testing;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

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

    /**
     * One figure of {@code bench/results/<name>.json}: name, unit, runs, p50/p95/p99/max (nearest rank, rounded to
     * three decimals), target, commit and date, in that order.
     */
    public static Map<String, Object> resultRow(
            String name, String unit, double[] values, Object target, String commit, String date) {
        double[] v = values.clone();
        Arrays.sort(v);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", name);
        row.put("unit", unit);
        row.put("runs", v.length);
        row.put("p50", round3(nearestRank(v, 50)));
        row.put("p95", round3(nearestRank(v, 95)));
        row.put("p99", round3(nearestRank(v, 99)));
        row.put("max", v.length == 0 ? Double.NaN : round3(v[v.length - 1]));
        row.put("target", target);
        row.put("commit", commit);
        row.put("date", date);
        return row;
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
