/* ratio.c - see ratio.h. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ratio.h"
#include "stats.h"
#include "util.h"

const char *const ratio_method_names[] = { "none", "log-normal", "rank" };

/*
 * The continued fraction of the regularised incomplete beta function
 * I_x(a, b), by the modified Lentz method; converges fast for
 * x < (a + 1) / (a + b + 2), which the caller arranges.
 */
static double beta_cf(double a, double b, double x)
{
	const double tiny = 1e-300;
	double c = 1, d = 1 - (a + b) * x / (a + 1), h;

	d = 1 / (fabs(d) < tiny ? tiny : d);
	h = d;
	for (int m = 1; m <= 300; m++) {
		double m2 = 2.0 * m, num, delta;

		/* the even step, then the odd one */
		num = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
		d = 1 + num * d;
		c = 1 + num / c;
		d = 1 / (fabs(d) < tiny ? tiny : d);
		c = fabs(c) < tiny ? tiny : c;
		h *= d * c;
		num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
		d = 1 + num * d;
		c = 1 + num / c;
		d = 1 / (fabs(d) < tiny ? tiny : d);
		c = fabs(c) < tiny ? tiny : c;
		delta = d * c;
		h *= delta;
		if (fabs(delta - 1) < 1e-15)
			break;
	}
	return h;
}

/* I_x(a, b), the regularised incomplete beta function. */
static double beta_inc(double a, double b, double x)
{
	double front;

	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x));
	if (x < (a + 1) / (a + b + 2))
		return front * beta_cf(a, b, x) / a;
	return 1 - front * beta_cf(b, a, 1 - x) / b;
}

double stats_t_cdf(double t, double df)
{
	double tail;

	if (isinf(t))
		return t > 0 ? 1 : 0;
	/* P(|T| > |t|) = I_{df / (df + t^2)}(df / 2, 1 / 2) */
	tail = beta_inc(df / 2, 0.5, df / (df + t * t));
	return t > 0 ? 1 - tail / 2 : tail / 2;
}

double stats_t_quantile(double p, double df)
{
	double lo = -1e6, hi = 1e6;

	if (p <= 0)
		return -INFINITY;
	if (p >= 1)
		return INFINITY;
	for (int i = 0; i < 200 && hi - lo > 1e-12 * fmax(1, fabs(lo)); i++) {
		double mid = (lo + hi) / 2;

		if (stats_t_cdf(mid, df) < p)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

/* The standard normal's quantile, by bisection on erfc. */
static double z_quantile(double p)
{
	double lo = -40, hi = 40;

	for (int i = 0; i < 200; i++) {
		double mid = (lo + hi) / 2;

		if (erfc(-mid / sqrt(2)) / 2 < p)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

/* Mean and sample variance of log(@v). */
static void log_moments(const double *v, size_t n, double *mean, double *var)
{
	double m = 0, s = 0;

	for (size_t i = 0; i < n; i++)
		m += log(v[i]) / (double)n;
	for (size_t i = 0; i < n; i++)
		s += (log(v[i]) - m) * (log(v[i]) - m);
	*mean = m;
	*var = n > 1 ? s / (double)(n - 1) : 0;
}

/*
 * Dixon's Q test at 95% on @n sorted values (3 to 7): is the lowest or
 * the highest an outlier?  Where n is too small for a median absolute
 * deviation to mean anything (of 3 values it is the smaller gap, so any
 * uneven triple looked wild), the gap to the neighbour over the range.
 */
static bool dixon_outlier(const double *sorted, size_t n)
{
	static const double q95[] = { 0, 0, 0, 0.970, 0.829, 0.710, 0.625, 0.568 };
	double range = sorted[n - 1] - sorted[0];

	if (!(range > 0))
		return false;
	return (sorted[1] - sorted[0]) / range > q95[n] ||
	       (sorted[n - 1] - sorted[n - 2]) / range > q95[n];
}

bool ratio_lognormal_ok(const double *v, size_t n)
{
	double *l;
	struct summary s;
	bool ok = n >= 2 && !stats_bimodal(v, n);

	if (!ok || n == 2)
		return ok;
	l = xcalloc(n, sizeof(double));
	for (size_t i = 0; i < n; i++)
		l[i] = log(v[i]);
	if (n <= 7) {
		stats_median(l, n);	/* sorts */
		ok = !dixon_outlier(l, n);
	} else {
		stats_summarize(l, n, &s);
		for (size_t i = 0; i < n && ok; i++)
			ok = fabs(stats_modified_z(l[i], &s, l, n)) <= STATS_OUTLIER_Z;
	}
	free(l);
	return ok;
}

/* Welch's t on the logs. */
static void welch(const double *a, size_t na, const double *b, size_t nb, double alpha,
		  struct ratio_est *out)
{
	double ma, va, mb, vb, d, se2, df, q;

	log_moments(a, na, &ma, &va);
	log_moments(b, nb, &mb, &vb);
	d = mb - ma;
	se2 = va / (double)na + vb / (double)nb;
	out->method = RATIO_LOGNORMAL;
	out->ratio = exp(d);
	out->sd_log = sqrt((va + vb) / 2);
	if (!(se2 > 0)) {
		/* no spread at all: the difference is what it is */
		out->lo = out->hi = out->ratio;
		out->p = d == 0 ? 1 : 0;
		return;
	}
	df = se2 * se2 / ((va / na) * (va / na) / (double)(na - 1) +
			  (vb / nb) * (vb / nb) / (double)(nb - 1));
	q = stats_t_quantile(1 - alpha, df);
	out->lo = exp(d - q * sqrt(se2));
	out->hi = exp(d + q * sqrt(se2));
	out->p = 2 * (1 - stats_t_cdf(fabs(d) / sqrt(se2), df));
}

/* The median of the pairwise log ratios, and the robust spread of the logs. */
static void hodges_lehmann(const double *a, size_t na, const double *b, size_t nb,
			   struct ratio_est *out)
{
	double *d = xcalloc(na + nb, sizeof(double)), mad2 = 0;
	size_t np = na * nb;
	struct summary s;

	out->ratio = exp(np % 2 ? stats_logratio_kth(a, na, b, nb, np / 2) :
			 (stats_logratio_kth(a, na, b, nb, np / 2 - 1) +
			  stats_logratio_kth(a, na, b, nb, np / 2)) / 2);
	/* 1.4826 x MAD: the standard deviation where the bulk is normal */
	for (size_t k = 0; k < 2; k++) {
		const double *v = k ? b : a;
		size_t n = k ? nb : na;

		for (size_t i = 0; i < n; i++)
			d[i] = log(v[i]);
		stats_summarize(d, n, &s);
		mad2 += 1.4826 * 1.4826 * s.mad * s.mad / 2;
	}
	out->sd_log = sqrt(mad2);
	free(d);
}

static void rank_based(const double *a, size_t na, const double *b, size_t nb, double alpha,
		       struct ratio_est *out)
{
	double lower, upper_inv;

	out->method = RATIO_RANK;
	hodges_lehmann(a, na, b, nb, out);
	out->p = stats_mann_whitney_p(a, na, b, nb);
	/* a bound the sample cannot give is the widest there is */
	out->lo = stats_ratio_lower(a, na, b, nb, alpha, &lower) == 0 ? lower : 0;
	out->hi = stats_ratio_lower(b, nb, a, na, alpha, &upper_inv) == 0 ? 1 / upper_inv :
		  INFINITY;
}

int ratio_estimate(const double *a, size_t na, const double *b, size_t nb, double alpha,
		   struct ratio_est *out)
{
	memset(out, 0, sizeof(*out));
	out->method = RATIO_NONE;
	out->ratio = NAN;
	out->lo = 0;
	out->hi = INFINITY;
	out->p = 1;
	out->sd_log = NAN;
	for (size_t i = 0; i < na; i++)
		if (!(a[i] > 0) || !isfinite(a[i]))
			return -EDOM;
	for (size_t j = 0; j < nb; j++)
		if (!(b[j] > 0) || !isfinite(b[j]))
			return -EDOM;
	if (na < 2 || nb < 2)
		return -ERANGE;
	if (ratio_lognormal_ok(a, na) && ratio_lognormal_ok(b, nb))
		welch(a, na, b, nb, alpha, out);
	else
		rank_based(a, na, b, nb, alpha, out);
	return 0;
}

double ratio_trials_needed(const struct ratio_est *e, double alpha_diff, double alpha,
			   double margin)
{
	double d = fabs(log(e->ratio)), delta = log1p(margin), s2 = e->sd_log * e->sd_log;
	double zp = z_quantile(0.8), best = INFINITY;

	if (e->method == RATIO_NONE || !isfinite(d) || !isfinite(s2))
		return INFINITY;
	if (s2 == 0)
		return 2;
	/*
	 * A gap of at least the margin is shown a difference: two-sided at
	 * alpha_diff, n = 2 s^2 (z + z_power)^2 / d^2.  A smaller one can only
	 * be shown an equivalence: the interval, centred near d, must fit
	 * inside delta.
	 */
	if (d >= delta) {
		double z = z_quantile(1 - alpha_diff / 2) + zp;

		best = 2 * s2 * z * z / (d * d);
	} else {
		double z = z_quantile(1 - alpha) + zp;

		best = 2 * s2 * z * z / ((delta - d) * (delta - d));
	}
	return ceil(fmax(best, 2));
}
