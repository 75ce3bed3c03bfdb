package org.sipmediadeploy.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PercentilesTest {
    private static final double[] ONE_TO_TEN = {10, 1, 9, 2, 8, 3, 7, 4, 6, 5};

    @Test
    void theValueAtRankCeilPTimesNOfTheSortedValues() {
        assertEquals(5, Percentiles.nearestRank(ONE_TO_TEN, 50));
        assertEquals(10, Percentiles.nearestRank(ONE_TO_TEN, 95));
        assertEquals(1, Percentiles.nearestRank(ONE_TO_TEN, 10));
        assertEquals(2, Percentiles.nearestRank(ONE_TO_TEN, 10.1));
    }

    @Test
    void p99OfFewerThanAHundredRunsIsTheMaximumNotAnInterpolation() {
        assertEquals(10, Percentiles.nearestRank(ONE_TO_TEN, 99));
        assertEquals(3.0, Percentiles.nearestRank(List.of(1.0, 2.0, 3.0), 99));
    }

    @Test
    void theInputIsNotReordered() {
        double[] v = {3, 1, 2};
        Percentiles.nearestRank(v, 50);
        assertEquals(3, v[0]);
    }

    @Test
    void noValuesGiveNaNAndAPercentileOutsideZeroToHundredIsRejected() {
        assertTrue(Double.isNaN(Percentiles.nearestRank(new double[0], 50)));
        assertThrows(IllegalArgumentException.class, () -> Percentiles.nearestRank(ONE_TO_TEN, 0));
        assertThrows(IllegalArgumentException.class, () -> Percentiles.nearestRank(ONE_TO_TEN, 101));
    }

    @Test
    void aResultRowHasTheBenchmarkFieldsInOrderWithNearestRankFiguresRoundedToThreeDecimals() {
        var row = Percentiles.resultRow("x", "ms", new double[] {3.00049, 1.0, 2.0, 4.1234}, "t", "c", "d");
        assertEquals(
                List.of("name", "unit", "runs", "p50", "p95", "p99", "max", "target", "commit", "date"),
                List.copyOf(row.keySet()));
        assertEquals(4, row.get("runs"));
        assertEquals(2.0, row.get("p50"));
        assertEquals(4.123, row.get("p99"));
        assertEquals(4.123, row.get("max"));
    }
}
