#!/usr/bin/env python3
"""bench/pairs.py - a bench row's figure with its confidence interval.

Every row of `make bench` is measured in alternation: round i runs A, then
B (then A again in round i+1...), so drift on this shared VM hits both
alike and each round gives one paired ratio r_i = A_i / B_i.  The figure
is the median of the r_i; its confidence interval comes from order
statistics (distribution-free: the number of r_i below the true median is
Binomial(n, 1/2)), so no assumption about the shape of the noise.  With 7
rounds that interval is [min, max] (98% coverage); with 10, the 2nd lowest
to 2nd highest (98%).

A target is "met" only when the interval's lower bound clears it, "SHORT"
when even the upper bound does not, and "undecided" when the interval
straddles it: one lucky run never decides.

    pairs.py ratio TARGET "A1 A2 ..." "B1 B2 ..."   ratios A_i/B_i, higher is better
    pairs.py below LIMIT "V1 V2 ..."                values that must stay below LIMIT
    pairs.py effect "A1 ..." "B1 ..."               A/B with its interval, no target

A failed trial is given as "nan": its round is left out, and the count
of rounds used says so.  Prints one line: median low high coverage
verdict rounds.
"""
import math
import statistics
import sys

CONFIDENCE = 0.90  # two-sided; a met target is then a one-sided 95% claim


def interval(values):
    """(low, high, coverage): the order-statistic CI of the median."""
    v = sorted(values)
    n = len(v)
    if n == 0:
        raise SystemExit("pairs.py: no values")
    alpha = 1 - CONFIDENCE
    # the largest k with P(Binomial(n, 1/2) < k) <= alpha / 2
    k, below = 0, 0.0
    while k < n // 2:
        below_next = below + math.comb(n, k) / 2 ** n
        if below_next > alpha / 2:
            break
        below = below_next
        k += 1
    if k == 0:  # too few values for this confidence: [min, max], and what it covers
        return v[0], v[-1], 1 - 2 / 2 ** n
    return v[k - 1], v[n - k], 1 - 2 * below


def floats(text):
    return [float(x) for x in text.split()]


def paired(a, b):
    """The pairs where both sides succeeded (a failed trial is "nan")."""
    if len(a) != len(b):
        raise SystemExit("pairs.py: %d values against %d" % (len(a), len(b)))
    return [(x, y) for x, y in zip(a, b) if not (math.isnan(x) or math.isnan(y))]


def main(argv):
    if len(argv) < 2:
        raise SystemExit(__doc__)
    mode = argv[1]
    if mode == "ratio" and len(argv) == 5:
        target = float(argv[2])
        r = [x / y for x, y in paired(floats(argv[3]), floats(argv[4]))]
        lo, hi, cov = interval(r)
        verdict = "met" if lo >= target else "SHORT" if hi < target else "undecided"
        med = statistics.median(r)
    elif mode == "effect" and len(argv) == 4:
        r = [x / y for x, y in paired(floats(argv[2]), floats(argv[3]))]
        lo, hi, cov = interval(r)
        verdict = "-"
        med = statistics.median(r)
    elif mode == "below" and len(argv) == 4:
        limit = float(argv[2])
        v = [x for x in floats(argv[3]) if not math.isnan(x)]
        r = v
        lo, hi, cov = interval(v)
        verdict = "met" if hi < limit else "SHORT" if lo >= limit else "undecided"
        med = statistics.median(v)
    else:
        raise SystemExit(__doc__)
    print("%.4g %.4g %.4g %.2f %s %d" % (med, lo, hi, cov, verdict, len(r)))


if __name__ == "__main__":
    main(sys.argv)
