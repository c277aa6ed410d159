/* stats.c - see stats.h. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "util.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double stats_median(double *v, size_t n)
{
	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* P(X = i) for X ~ Binomial(n, 1/2), in log space: 0.5^n underflows to 0
 * from n = 1075, which made every interval (min, max). */
static double binom_half_pmf(size_t n, size_t i)
{
	return exp(lgamma((double)n + 1) - lgamma((double)i + 1) -
		   lgamma((double)(n - i) + 1) + (double)n * log(0.5));
}

static void median_ci(const double *sorted, size_t n, struct summary *s)
{
	/* k = 1 is (min, max); widen inwards while coverage stays >= 95% */
	size_t k = 1;
	double cdf = binom_half_pmf(n, 0);	/* P(X <= k - 1) */

	s->ci_lo = sorted[0];
	s->ci_hi = sorted[n - 1];
	s->ci_level = 1 - 2 * cdf;
	while (k + 1 <= (n + 1) / 2) {
		double level = 1 - 2 * (cdf + binom_half_pmf(n, k));

		if (level < 0.95)
			break;
		cdf += binom_half_pmf(n, k);
		k++;
		s->ci_lo = sorted[k - 1];
		s->ci_hi = sorted[n - k];
		s->ci_level = level;
	}
}

void stats_summarize(const double *v, size_t n, struct summary *s)
{
	double *sorted, *dev;

	memset(s, 0, sizeof(*s));
	s->n = n;
	if (n == 0)
		return;
	sorted = xcalloc(n, sizeof(*sorted));
	dev = xcalloc(n, sizeof(*dev));
	memcpy(sorted, v, n * sizeof(*v));
	s->median = stats_median(sorted, n);
	s->min = sorted[0];
	s->max = sorted[n - 1];
	for (size_t i = 0; i < n; i++)
		s->mean += v[i] / (double)n;
	for (size_t i = 0; i < n; i++)
		s->stddev += (v[i] - s->mean) * (v[i] - s->mean);
	s->stddev = n > 1 ? sqrt(s->stddev / (double)(n - 1)) : 0;
	median_ci(sorted, n, s);
	for (size_t i = 0; i < n; i++)
		dev[i] = fabs(v[i] - s->median);
	s->mad = stats_median(dev, n);
	free(dev);
	free(sorted);
}

double stats_modified_z(double x, const struct summary *s, const double *v,
			size_t n)
{
	double meanad = 0;

	if (s->mad > 0)
		return 0.6745 * (x - s->median) / s->mad;
	for (size_t i = 0; i < n; i++)
		meanad += fabs(v[i] - s->median) / (double)n;
	if (meanad == 0)
		return 0;
	return (x - s->median) / (1.253314 * meanad);
}

struct item {
	double v;
	int from_a;
};

static int cmp_item(const void *x, const void *y)
{
	return cmp_double(&((const struct item *)x)->v, &((const struct item *)y)->v);
}

/* Mid-ranks of the pooled sample; returns the rank sum of a and the tie term. */
static double rank_sum_a(const double *a, size_t na, const double *b, size_t nb,
			 double *tie_term, bool *ties)
{
	size_t n = na + nb;
	struct item *it = xcalloc(n, sizeof(*it));
	double ra = 0;

	for (size_t i = 0; i < na; i++)
		it[i] = (struct item){ a[i], 1 };
	for (size_t i = 0; i < nb; i++)
		it[na + i] = (struct item){ b[i], 0 };
	/* n log n: a file may hold tens of thousands of trials (compare) */
	qsort(it, n, sizeof(*it), cmp_item);
	*tie_term = 0;
	*ties = false;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		double rank, t;

		while (j + 1 < n && it[j + 1].v == it[i].v)
			j++;
		rank = (double)(i + j + 2) / 2;	/* mid-rank, 1-based */
		t = (double)(j - i + 1);
		if (t > 1) {
			*ties = true;
			*tie_term += t * t * t - t;
		}
		for (size_t k = i; k <= j; k++)
			if (it[k].from_a)
				ra += rank;
		i = j + 1;
	}
	free(it);
	return ra;
}

/*
 * The exact null distribution of U, by counting: f(m, n, u) arrangements,
 * f(m,n,u) = f(m-1,n,u-n) + f(m,n-1,u).  Returns P(U <= v) for v = 0..m*n
 * (m*n + 1 values, free() them).
 */
static double *exact_u_cdfs(size_t m, size_t n)
{
	size_t umax = m * n;
	/* dp[j][v]: ways with j of b and the current i of a */
	double *prev = xcalloc((n + 1) * (umax + 1), sizeof(double));
	double *cur = xcalloc((n + 1) * (umax + 1), sizeof(double));
	double *cdf = xcalloc(umax + 1, sizeof(double));
	double total = 0, below = 0;

#define AT(t, j, v) t[(j) * (umax + 1) + (v)]
	for (size_t j = 0; j <= n; j++)
		AT(prev, j, 0) = 1;	/* i = 0: one way, U = 0 */
	for (size_t i = 1; i <= m; i++) {
		memset(cur, 0, (n + 1) * (umax + 1) * sizeof(double));
		for (size_t j = 0; j <= n; j++) {
			for (size_t v = 0; v <= i * j; v++) {
				double w = 0;

				if (v >= j)
					w += AT(prev, j, v - j);	/* a's largest is last */
				if (j > 0)
					w += AT(cur, j - 1, v);		/* b's largest is last */
				AT(cur, j, v) = w;
			}
		}
		memcpy(prev, cur, (n + 1) * (umax + 1) * sizeof(double));
	}
	for (size_t v = 0; v <= umax; v++)
		total += AT(prev, n, v);
	for (size_t v = 0; v <= umax; v++) {
		below += AT(prev, n, v);
		cdf[v] = below / total;
	}
#undef AT
	free(prev);
	free(cur);
	return cdf;
}

/* Exact P(U <= u) under the null. */
static double exact_u_cdf(size_t m, size_t n, double u)
{
	double *cdf = exact_u_cdfs(m, n);
	double p = cdf[(size_t)floor(u)];

	free(cdf);
	return p;
}

/* The upper @alpha quantile of the standard normal, by bisection on erfc. */
static double z_upper(double alpha)
{
	double lo = 0, hi = 40;

	for (int i = 0; i < 200; i++) {
		double mid = (lo + hi) / 2;

		if (erfc(mid / sqrt(2)) / 2 > alpha)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

/* How many of the pairs lb[j] - la[i] are <= @x (both sorted): one sweep. */
static size_t pairs_at_most(const double *la, size_t na, const double *lb, size_t nb, double x)
{
	size_t count = 0, j = 0;

	/* la rising: the b values under x + la[i] only grow */
	for (size_t i = 0; i < na; i++) {
		while (j < nb && lb[j] <= x + la[i])
			j++;
		count += j;
	}
	return count;
}

double stats_logratio_kth(const double *a, size_t na, const double *b, size_t nb, size_t k)
{
	double *la = xcalloc(na + 1, sizeof(double)), *lb = xcalloc(nb + 1, sizeof(double));
	double lo, hi;

	for (size_t i = 0; i < na; i++)
		la[i] = log(a[i]);
	for (size_t j = 0; j < nb; j++)
		lb[j] = log(b[j]);
	qsort(la, na, sizeof(double), cmp_double);
	qsort(lb, nb, sizeof(double), cmp_double);
	/* the answer is the least x with more than k pairs at most x: bisect on x */
	lo = lb[0] - la[na - 1];
	hi = lb[nb - 1] - la[0];
	if (pairs_at_most(la, na, lb, nb, lo) > k)
		hi = lo;
	for (int it = 0; it < 200 && hi > lo && nextafter(lo, hi) < hi; it++) {
		double mid = lo + (hi - lo) / 2;

		if (pairs_at_most(la, na, lb, nb, mid) > k)
			hi = mid;
		else
			lo = mid;
	}
	free(la);
	free(lb);
	return hi;
}

int stats_ratio_lower(const double *a, size_t na, const double *b, size_t nb, double alpha,
		      double *lower)
{
	size_t nd = na * nb, c = 0;
	double *d;
	bool some = false;

	if (na == 0 || nb == 0)
		return -ERANGE;
	for (size_t i = 0; i < na; i++)
		if (!(a[i] > 0))
			return -EDOM;
	for (size_t j = 0; j < nb; j++)
		if (!(b[j] > 0))
			return -EDOM;
	/* c: the most pairwise differences a lower bound may leave below it */
	if (na <= 30 && nb <= 30) {
		double *cdf = exact_u_cdfs(na, nb);

		for (size_t v = 0; v <= nd && cdf[v] <= alpha; v++) {
			c = v;
			some = true;
		}
		free(cdf);
	} else {
		double mu = (double)nd / 2, sd = sqrt((double)nd * (double)(na + nb + 1) / 12);
		double x = floor(mu - z_upper(alpha) * sd - 0.5);

		some = x >= 0;
		c = some ? (size_t)x : 0;
	}
	if (!some)
		return -ERANGE;	/* too few values for this confidence */
	if (nd > 100000) {
		/* 15,000 trials a side would be 225 million pairs: select, never list */
		*lower = exp(stats_logratio_kth(a, na, b, nb, c));
		return 0;
	}
	d = xcalloc(nd, sizeof(double));
	for (size_t i = 0; i < na; i++)
		for (size_t j = 0; j < nb; j++)
			d[i * nb + j] = log(b[j] / a[i]);
	qsort(d, nd, sizeof(double), cmp_double);
	*lower = exp(d[c]);	/* the (c+1)-th smallest: c of them lie below */
	free(d);
	return 0;
}

double stats_mann_whitney_p(const double *a, size_t na, const double *b,
			    size_t nb)
{
	double tie_term, ra, u, umin, mu, sigma, z, p;
	bool ties;
	size_t n = na + nb;

	if (na == 0 || nb == 0)
		return 1;
	ra = rank_sum_a(a, na, b, nb, &tie_term, &ties);
	u = ra - (double)na * (double)(na + 1) / 2;
	umin = fmin(u, (double)na * (double)nb - u);
	if (!ties && na <= 30 && nb <= 30) {
		p = 2 * exact_u_cdf(na, nb, umin);
		return p > 1 ? 1 : p;
	}
	mu = (double)na * (double)nb / 2;
	sigma = sqrt((double)na * (double)nb / 12 *
		     ((double)(n + 1) - tie_term / ((double)n * (double)(n - 1))));
	if (sigma == 0)
		return 1;	/* every value equal: no evidence of a difference */
	z = (fabs(u - mu) - 0.5) / sigma;
	if (z < 0)
		z = 0;
	p = erfc(z / sqrt(2));
	return p > 1 ? 1 : p;
}

void stats_holm(double *p, size_t k)
{
	size_t *idx = xcalloc(k + 1, sizeof(*idx));
	double run = 0;

	for (size_t i = 0; i < k; i++)
		idx[i] = i;
	/* insertion sort by p: families are small */
	for (size_t i = 1; i < k; i++)
		for (size_t j = i; j > 0 && p[idx[j - 1]] > p[idx[j]]; j--) {
			size_t t = idx[j];

			idx[j] = idx[j - 1];
			idx[j - 1] = t;
		}
	for (size_t i = 0; i < k; i++) {
		run = fmax(run, fmin(1, (double)(k - i) * p[idx[i]]));
		p[idx[i]] = run;
	}
	free(idx);
}

/* The median of the slopes (v_j - v_i) / (j - i), i < j: robust to outliers. */
static double theil_sen(const double *v, size_t n)
{
	size_t m = n * (n - 1) / 2, k = 0;
	double *s = malloc((m ? m : 1) * sizeof(double)), med;

	if (!s)
		return 0;
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			s[k++] = (v[j] - v[i]) / (double)(j - i);
	med = stats_median(s, k);
	free(s);
	return med;
}

double stats_trend_p(const double *v, size_t n, double *change)
{
	double s = 0, var, z, *copy, med;

	*change = 0;
	if (n < 8)
		return 1;
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			s += (v[j] > v[i]) - (v[j] < v[i]);
	var = (double)n * (n - 1) * (2.0 * n + 5) / 18;
	/* ties shrink the variance: each group of t equal values takes t(t-1)(2t+5)/18 */
	copy = malloc(n * sizeof(double));
	if (!copy)
		return 1;
	memcpy(copy, v, n * sizeof(double));
	med = stats_median(copy, n);	/* sorts: equal values are adjacent */
	for (size_t i = 0; i < n;) {
		size_t t = 1;

		while (i + t < n && copy[i + t] == copy[i])
			t++;
		var -= (double)t * (t - 1) * (2.0 * t + 5) / 18;
		i += t;
	}
	free(copy);
	if (var <= 0)
		return 1;
	z = (fabs(s) - 1) / sqrt(var);
	*change = med > 0 ? theil_sen(v, n) * (double)(n - 1) / med : 0;
	return z > 0 ? erfc(z / sqrt(2)) : 1;
}

bool stats_bimodal(const double *wall, size_t n)
{
	double *v;
	bool two = false;

	if (n < 4)
		return false;
	v = xcalloc(n, sizeof(double));
	memcpy(v, wall, n * sizeof(double));
	stats_median(v, n);	/* sorts */
	for (size_t i = 2; i + 1 < n && !two; i++)
		two = v[i - 1] > 0 && v[i] >= 2 * v[i - 1];
	free(v);
	return two;
}
