/* compare.h - two runs side by side: did the storage change help, and where? */
#ifndef IOBENCH_COMPARE_H
#define IOBENCH_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

#include "rundata.h"

struct cmp_row {
	const char *workload, *strategy;
	double a, b;		/* median wall times (s) */
	double a_lo, a_hi, b_lo, b_hi;	/* their confidence intervals */
	double ratio, sd;	/* b / a, with relative spreads in quadrature */
	struct ratio_est est;	/* B's wall times over A's (ratio.h): interval, p, method */
	double p;		/* est.p */
	double p_holm;		/* p after Holm's correction over every row */
	bool significant;	/* p_holm < 0.05 */
	/*
	 * As a verdict says it (summary.h): FASTER when B differs (significant,
	 * its interval not inside the margin; est.ratio says which way),
	 * EQUIVALENT within A's --margin, else UNDECIDED.
	 */
	enum outcome outcome;
};

/*
 * One row per (workload, strategy) with valid trials in both runs, in
 * @a's order.  Returns the count (at most @max).
 */
size_t compare_runs(const struct run_data *a, const struct run_data *b,
		    struct cmp_row *out, size_t max);

/* One row the regression gate looked at (compare --fail-if-slower). */
struct gate_row {
	const char *workload, *strategy;
	double ratio;		/* B / A of the medians */
	double lower;		/* B / A is at least this, at the gate's confidence */
	int rc;			/* 0; -ERANGE: too few trials to bound it; -ENOENT: not in B */
	bool slower;		/* lower > 1 + limit, or not measured in B */
};

/*
 * The regression gate: for each workload, the strategy @a recommended
 * (every compared strategy with @all), is B slower than A by more than
 * @limit (0.05: 5%) with 95% confidence?  The one-sided lower bound of
 * B/A (stats_ratio_lower over both runs' counted wall times, Bonferroni
 * over the rows looked at) must clear 1 + @limit; a recommended strategy
 * B has no valid trials for counts as slower.  Fills at most @max of
 * @out; returns how many.
 */
size_t compare_gate(const struct run_data *a, const struct run_data *b,
		    const struct cmp_row *rows, size_t n, double limit, bool all,
		    struct gate_row *out, size_t max);

/*
 * Are the runs comparable: the same preset, cache mode, workers, queue
 * depth, seed and datasets?  0, or -EINVAL with the differences in @msg.
 */
int compare_check(const struct run_data *a, const struct run_data *b, char *msg, size_t len);

/* The recommended strategy of @wl in a run ("" when none). */
const char *compare_recommended(const struct run_data *rd, const char *wl);

/*
 * Draws the @n rows side by side into a new <plots_dir>/compare-A-vs-B/
 * (*@outdir, malloc'd).  0; -ENOENT without gnuplot; -errno with @msg.
 */
int compare_plot(const struct run_data *a, const struct run_data *b,
		 const struct cmp_row *rows, size_t n, const char *plots_dir,
		 char **outdir, char *msg, size_t len);

#endif
