/* compare.h - two runs side by side: did the storage change help, and where? */
#ifndef IOBENCH_COMPARE_H
#define IOBENCH_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

#include "rundata.h"

struct cmp_row {
	const char *workload, *strategy;
	double a, b;		/* median wall times (s) */
	double ratio, sd;	/* b / a, with relative spreads in quadrature */
	double p;		/* Mann-Whitney on the two runs' wall times */
	bool significant;	/* p < 0.05 */
};

/*
 * One row per (workload, strategy) with valid trials in both runs, in
 * @a's order.  Returns the count (at most @max).
 */
size_t compare_runs(const struct run_data *a, const struct run_data *b,
		    struct cmp_row *out, size_t max);

/* The recommended strategy of @wl in a run ("" when none). */
const char *compare_recommended(const struct run_data *rd, const char *wl);

#endif
