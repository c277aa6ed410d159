/* test_stats.c - the statistics against values worked out by hand or by R. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <stdint.h>

#include <cmocka.h>

#include "prng.h"
#include "stats.h"

#define NEAR(a, b, eps) assert_true(fabs((a) - (b)) <= (eps))

static void test_summary(void **state)
{
	double v[] = { 9, 2, 7, 4, 5, 6, 3, 8, 1, 10 };
	struct summary s;

	(void)state;
	stats_summarize(v, 10, &s);
	NEAR(s.median, 5.5, 1e-12);
	NEAR(s.mean, 5.5, 1e-12);
	NEAR(s.stddev, 3.0276503540974917, 1e-12);	/* sd(1:10) in R */
	NEAR(s.min, 1, 0);
	NEAR(s.max, 10, 0);
	/* n = 10: P(B(10,.5) <= 1) = 11/1024, so (x_(2), x_(9)) covers 97.85% */
	NEAR(s.ci_lo, 2, 0);
	NEAR(s.ci_hi, 9, 0);
	NEAR(s.ci_level, 1 - 22.0 / 1024, 1e-12);
	/* MAD of 1..10 around 5.5: deviations .5 .5 1.5 1.5 ... 4.5 -> 2.5 */
	NEAR(s.mad, 2.5, 1e-12);
}

static void test_small_n_ci(void **state)
{
	double v[] = { 3, 1, 2, 5, 4 };
	struct summary s;

	(void)state;
	stats_summarize(v, 5, &s);
	/* n = 5 can't reach 95%: (min, max) with its true level, 1 - 2/32 */
	NEAR(s.ci_lo, 1, 0);
	NEAR(s.ci_hi, 5, 0);
	NEAR(s.ci_level, 0.9375, 1e-12);
	stats_summarize(v, 1, &s);
	NEAR(s.median, 3, 0);
	NEAR(s.stddev, 0, 0);
}

/* Item 12 of issue 12: the binomial must not underflow for large n. */
static void test_large_n_ci(void **state)
{
	size_t n = 2000;
	double *v = calloc(n, sizeof(*v));
	struct summary s;

	(void)state;
	for (size_t i = 0; i < n; i++)
		v[i] = (double)(i + 1);
	stats_summarize(v, n, &s);
	/* normal approximation: median +- 1.96 sqrt(n) / 2, about 44 ranks */
	assert_true(s.ci_lo > 950 && s.ci_lo < 960);
	assert_true(s.ci_hi > 1040 && s.ci_hi < 1050);
	assert_true(s.ci_level >= 0.95 && s.ci_level < 0.955);
	free(v);
}

static void test_holm(void **state)
{
	/* by hand: sorted 0.01, 0.02, 0.04 -> 0.03, max(0.03, 0.04), max(0.04, 0.04) */
	double p[3] = { 0.04, 0.01, 0.02 };

	(void)state;
	stats_holm(p, 3);
	NEAR(p[1], 0.03, 1e-12);
	NEAR(p[2], 0.04, 1e-12);
	NEAR(p[0], 0.04, 1e-12);
}

static void test_outliers(void **state)
{
	double v[] = { 1.00, 1.02, 0.98, 1.01, 0.99, 1.60 };
	double same[] = { 2, 2, 2, 2 };
	struct summary s;

	(void)state;
	stats_summarize(v, 6, &s);
	/* median 1.005, MAD 0.015: z(1.60) = 0.6745 * 0.595 / 0.015 = 26.76 */
	NEAR(stats_modified_z(1.60, &s, v, 6), 26.755166666666, 1e-6);
	assert_true(fabs(stats_modified_z(1.60, &s, v, 6)) > STATS_OUTLIER_Z);
	assert_true(fabs(stats_modified_z(0.98, &s, v, 6)) < STATS_OUTLIER_Z);
	stats_summarize(same, 4, &s);
	NEAR(stats_modified_z(2, &s, same, 4), 0, 0);
}

static void test_mann_whitney(void **state)
{
	double a[] = { 1.1, 1.2, 1.3, 1.4, 1.5 };
	double b[] = { 2.1, 2.2, 2.3, 2.4, 2.5 };
	double c[] = { 1.15, 1.25, 1.35, 1.45, 1.55 };
	double x[] = { 0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46 };
	double y[] = { 1.15, 0.88, 0.90, 0.74, 1.21 };
	double t1[] = { 1, 2, 2, 3 }, t2[] = { 2, 3, 3, 4 };

	(void)state;
	/* complete separation, 5 v 5: p = 2 / C(10,5) = 2/252 */
	NEAR(stats_mann_whitney_p(a, 5, b, 5), 2.0 / 252, 1e-12);
	NEAR(stats_mann_whitney_p(b, 5, a, 5), 2.0 / 252, 1e-12);
	/* interleaved: U = 10 of 25, p = 2 P(U <= 10) = 0.6905 (R: wilcox.test) */
	NEAR(stats_mann_whitney_p(a, 5, c, 5), 0.6904762, 1e-6);
	/* R: wilcox.test(x, y) -> W = 35, p-value = 0.2544 */
	NEAR(stats_mann_whitney_p(x, 10, y, 5), 0.2544122, 1e-6);
	/*
	 * ties: normal approximation, tie and continuity correction, by hand:
	 * mid-ranks 1 | 3 3 3 | 6 6 6 | 8, rank sum of t1 = 13, U = 3, mu = 8,
	 * sigma^2 = 16/12 (9 - (24 + 24) / 56) = 10.857, z = 4.5 / 3.2950,
	 * p = erfc(1.36571 / sqrt 2) = 0.17203
	 */
	NEAR(stats_mann_whitney_p(t1, 4, t2, 4), 0.17203, 1e-5);
	NEAR(stats_mann_whitney_p(a, 0, b, 5), 1, 0);
}

/* A series that rises is a trend; one that wanders is not; short ones can't tell. */
/* A normal deviate (Box-Muller) from @p (prng_unit is in [-1, 1): folded to [0, 1)). */
static double gauss(struct prng *p)
{
	double u = fabs(prng_unit(p)), v = fabs(prng_unit(p));

	return sqrt(-2 * log(u > 0 ? u : 1e-300)) * cos(2 * M_PI * v);
}

/*
 * The lower bound of B/A: known cases, the limits, and its coverage: with
 * no real difference, "B slower" is claimed at most alpha of the time.
 */
static void test_ratio_lower(void **state)
{
	double a[5] = { 1.0, 1.01, 0.99, 1.02, 0.98 }, b[5], lo = 0, x[12], y[12];
	unsigned claims = 0, found = 0, reps = 2000;
	struct prng p;

	(void)state;
	for (int i = 0; i < 5; i++)
		b[i] = a[i] * 2;
	assert_int_equal(stats_ratio_lower(a, 5, b, 5, 0.05, &lo), 0);
	/* 5 v 5 at 5%: c = 4 (P(U <= 4) = 12/252), the 5th smallest of the 25 ratios */
	assert_true(lo > 1.85 && lo < 2.0);
	assert_int_equal(stats_ratio_lower(a, 5, a, 5, 0.05, &lo), 0);
	assert_true(lo < 1);
	/* 2 v 2: P(U <= 0) = 1/6, no bound at 5% */
	assert_int_equal(stats_ratio_lower(a, 2, b, 2, 0.05, &lo), -ERANGE);
	b[0] = 0;
	assert_int_equal(stats_ratio_lower(a, 5, b, 5, 0.05, &lo), -EDOM);
	prng_seed(&p, 7, 0);
	for (unsigned r = 0; r < reps; r++) {
		for (int i = 0; i < 12; i++) {
			x[i] = exp(0.2 * gauss(&p));		/* same distribution: ratio 1 */
			y[i] = exp(0.2 * gauss(&p));
		}
		assert_int_equal(stats_ratio_lower(x, 6, y, 6, 0.05, &lo), 0);
		claims += lo > 1;
		for (int i = 0; i < 12; i++)
			y[i] *= 1.5;				/* B really 1.5x slower */
		assert_int_equal(stats_ratio_lower(x, 12, y, 12, 0.05, &lo), 0);
		found += lo > 1.05;
	}
	assert_true(claims <= reps * 0.05 + 3 * sqrt(reps * 0.05));	/* within 3 sd of 5% */
	assert_true(found > reps * 0.9);	/* and a real 1.5x is seen past 5% */
}

static void test_trend(void **state)
{
	double rising[20], flat[20], change;
	/* 20 values with no order to them (a fixed shuffle of 1..20) */
	static const double shuffled[20] = { 7, 13, 2, 18, 10, 4, 16, 1, 12, 20,
					     5, 9, 15, 3, 19, 8, 11, 6, 17, 14 };

	(void)state;
	for (int i = 0; i < 20; i++) {
		/* +50% over the run, with noise that doesn't hide it */
		rising[i] = 1.0 + 0.5 * i / 19 + ((i % 3) - 1) * 0.02;
		flat[i] = 1.0 + 0.01 * shuffled[i];
	}
	assert_true(stats_trend_p(rising, 20, &change) < 0.001);
	assert_true(change > 0.40 && change < 0.55);
	assert_true(stats_trend_p(flat, 20, &change) > 0.2);
	assert_true(fabs(change) < 0.1);
	assert_true(stats_trend_p(rising, 7, &change) == 1);	/* too few to tell */
	/* all equal: no trend, no division by zero */
	for (int i = 0; i < 20; i++)
		flat[i] = 2;
	assert_true(stats_trend_p(flat, 20, &change) == 1 && change == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_small_n_ci),
		cmocka_unit_test(test_large_n_ci),
		cmocka_unit_test(test_holm),
		cmocka_unit_test(test_outliers),
		cmocka_unit_test(test_mann_whitney),
		cmocka_unit_test(test_trend),
		cmocka_unit_test(test_ratio_lower),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
