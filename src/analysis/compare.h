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
	double p;		/* Mann-Whitney on the two runs' wall times */
	double p_holm;		/* p after Holm's correction over every row */
	bool significant;	/* p_holm < 0.05 */
};

/*
 * One row per (workload, strategy) with valid trials in both runs, in
 * @a's order.  Returns the count (at most @max).
 */
size_t compare_runs(const struct run_data *a, const struct run_data *b,
		    struct cmp_row *out, size_t max);

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
