/* stats.h - summary statistics over trials, distribution-free where it matters.
 *
 * Trial times are skewed (a shared machine only ever adds time), so the
 * summary leans on medians, order statistics and ranks, as hyperfine and
 * benchmark harnesses do, and states the confidence it really reached.
 */
#ifndef IOBENCH_STATS_H
#define IOBENCH_STATS_H

#include <stdbool.h>
#include <stddef.h>

struct summary {
	size_t n;
	double median, mean, stddev, min, max;
	double ci_lo, ci_hi;	/* confidence interval of the median */
	double ci_level;	/* its real coverage: 0.95 or more, less only for tiny n */
	double mad;		/* median absolute deviation (unscaled) */
};

/* Median of @n values (sorts @v in place).  0 for n == 0. */
double stats_median(double *v, size_t n);

/*
 * Fills @s from @n values (not modified).  The median's interval is the
 * narrowest symmetric pair of order statistics (x_(k), x_(n+1-k)) whose
 * binomial coverage is at least 95%; when even (min, max) covers less
 * (n <= 5), it is (min, max) with ci_level saying how much it covers.
 */
void stats_summarize(const double *v, size_t n, struct summary *s);

/*
 * Modified z-score (Iglewicz and Hoaglin): 0.6745 (x - median) / MAD.
 * |z| > 3.5 marks an outlier.  With MAD == 0 the mean absolute deviation
 * stands in (scaled by 0.7979), and with that 0 too nothing is an outlier.
 */
double stats_modified_z(double x, const struct summary *s, const double *v,
			size_t n);
#define STATS_OUTLIER_Z 3.5

/*
 * Two-sided Mann-Whitney U test of @a against @b: the probability of a
 * rank difference at least this large if both came from one distribution.
 * Exact (from the U distribution) without ties when both n <= 30, normal
 * approximation with tie and continuity correction otherwise.  Returns
 * 1 when either sample is empty.
 */
double stats_mann_whitney_p(const double *a, size_t na, const double *b,
			    size_t nb);

/*
 * A one-sided lower confidence bound, at level 1 - @alpha, for how many
 * times larger @b's values are than @a's (all > 0): Hodges-Lehmann on the
 * logs, the bound being the (c+1)-th smallest of the na x nb pairwise
 * log(b_j / a_i), with c the largest U for which P(U <= c) <= @alpha
 * (exact up to 30 per side, normal beyond).  0 with *@lower, -ERANGE when
 * the samples are too small for that confidence, -EDOM for a value <= 0.
 */
int stats_ratio_lower(const double *a, size_t na, const double *b, size_t nb, double alpha,
		      double *lower);

/*
 * The @k-th smallest (0-based, k < na * nb) of the na x nb pairwise
 * log(b_j / a_i) (all values > 0), in O((na + nb) log) time and memory,
 * never listing the pairs.
 */
double stats_logratio_kth(const double *a, size_t na, const double *b, size_t nb, size_t k);

/*
 * Holm's step-down correction of @k p-values of one family, in place: the
 * j-th smallest (0-based) becomes max over i <= j of min(1, (k - i) p_(i)),
 * so "adjusted p < alpha" keeps the family-wise error rate at alpha.
 */
void stats_holm(double *p, size_t k);

/*
 * A monotone trend in @n values taken in order (trial after trial)?
 * Mann-Kendall: two-sided p from S's normal approximation (tie-corrected,
 * continuity-corrected; 1 below 8 values, where it cannot tell); *@change
 * gets the Theil-Sen slope over the whole series relative to the median
 * (+0.3: the last value is expected 30% above the first).
 */
double stats_trend_p(const double *v, size_t n, double *change);

/*
 * Do the @n values fall in two groups, two or more values each, the
 * higher at least twice the lower (a gap of 2x between neighbours once
 * sorted)?  False below 4 values.
 */
bool stats_bimodal(const double *v, size_t n);

#endif
