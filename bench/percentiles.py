"""The one percentile definition of every benchmark (Python here; Java: Percentiles in scaler-core's test-jar).

Nearest rank: the p-th percentile of n values is the value at rank ceil(p / 100 * n) (1-based) of the sorted
values, so it is always a measured value, and p99 of fewer than 100 runs is the maximum.
"""
import math


def percentile(values, q):
    """Nearest-rank q-th percentile (0 < q <= 100) of values; None when there are none."""
    if not 0 < q <= 100:
        raise ValueError("percentile must be in (0, 100], got %r" % (q,))
    xs = sorted(values)
    if not xs:
        return None
    return xs[max(1, math.ceil(q / 100.0 * len(xs))) - 1]


if __name__ == "__main__":
    # self-check, run by tools/test.sh: the same cases as the Java PercentilesTest
    ten = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5]
    cases = [(50, 5), (95, 10), (10, 1), (10.1, 2), (99, 10)]
    for q, want in cases:
        assert percentile(ten, q) == want, (q, percentile(ten, q), want)
    assert percentile([], 50) is None
    print("bench/percentiles.py self-check ok (%d cases)" % (len(cases) + 1))
