/*
 * scaling.h - runs of one job with different numbers of MPI ranks: the
 * aggregate throughput per strategy against the ranks, and where adding
 * clients stops helping (the storage saturates first, or the strategy).
 */
#ifndef IOBENCH_SCALING_H
#define IOBENCH_SCALING_H

#include <stdbool.h>
#include <stddef.h>

#include "rundata.h"

struct scale_point {
	const char *workload, *strategy;
	unsigned ranks;
	double mibs;		/* aggregate MiB/s, median over the run's counted trials */
	double efficiency;	/* mibs / (ranks x the 1-rank mibs); NaN without a 1-rank run */
	bool knee;		/* the fewest ranks within 5% of the best throughput */
};

/*
 * The points of @n runs (any order), sorted by workload, strategy and
 * ranks; *out malloc'd.  Returns their number.
 */
size_t scaling_points(const struct run_data *runs, size_t n, struct scale_point **out);

/*
 * Draws scaling-W.{png,svg} per workload into a new <plots_dir>/scaling-<first run>/
 * (*@outdir, malloc'd).  0; -ENOENT without gnuplot; -errno with @msg.
 */
int scaling_plot(const struct scale_point *p, size_t n, const struct run_data *first,
		 const char *plots_dir, char **outdir, char *msg, size_t len);

#endif
