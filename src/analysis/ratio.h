/*
 * ratio.h - how two samples of times compare: the ratio of their typical
 * values, its interval, the test behind it, and how many more trials
 * would settle what this sample leaves open.
 *
 * Two methods, and the one used is said:
 *
 *   log-normal  where both samples look it (at least 2 values each, no
 *               outlier among the logs: Dixon's Q up to 7 values, the
 *               modified z-score beyond; not in two groups 2x apart):
 *               Welch's t on the log times.  It has
 *               power at small n: 3 trials against 3, 10x apart with 10%
 *               spread, are told apart at p < 0.001, where no rank test
 *               of 3 against 3 can go below p = 0.1.
 *   rank        otherwise (heavy tails, outliers, two regimes): the
 *               Mann-Whitney test and the Hodges-Lehmann interval of the
 *               ratio, which assume nothing of the shape and need more
 *               trials.
 */
#ifndef IOBENCH_RATIO_H
#define IOBENCH_RATIO_H

#include <stdbool.h>
#include <stddef.h>

enum ratio_method { RATIO_NONE, RATIO_LOGNORMAL, RATIO_RANK };
extern const char *const ratio_method_names[];	/* "none", "log-normal", "rank" */

struct ratio_est {
	double ratio;		/* b over a: exp(mean log b - mean log a), or Hodges-Lehmann */
	double lo, hi;		/* its two-sided (1 - 2 alpha) interval: the TOST's */
	double p;		/* two-sided p of "no difference", uncorrected */
	double sd_log;		/* one trial's spread on the log scale, pooled */
	enum ratio_method method;	/* RATIO_NONE: too few values to say anything */
};

/*
 * Compares @b with @a (values > 0): fills @out.  @alpha: each side of the
 * interval (0.05 gives a 90% interval, as the two one-sided tests of an
 * equivalence need).  0; -EDOM for a value <= 0 or not finite; -ERANGE
 * with fewer than 2 values on a side (method RATIO_NONE).
 */
int ratio_estimate(const double *a, size_t na, const double *b, size_t nb, double alpha,
		   struct ratio_est *out);

/* Could @v (n values > 0) come from a log-normal distribution, as far as n lets one see? */
bool ratio_lognormal_ok(const double *v, size_t n);

/*
 * Trials per side that would, at the spread @e saw, show a difference
 * (two-sided at @alpha_diff) when the ratio is at least 1 + @margin, or
 * else an equivalence within 1 +- @margin (at @alpha), with 80% power:
 * the normal approximation, a guide, not a promise.  INFINITY when it
 * can't say.
 */
double ratio_trials_needed(const struct ratio_est *e, double alpha_diff, double alpha,
			   double margin);

/* Student's t: P(T <= @t) with @df degrees of freedom (> 0), and its inverse. */
double stats_t_cdf(double t, double df);
double stats_t_quantile(double p, double df);

#endif
