/* sweep.h - what a sweep found: throughput per setting, and the knee. */
#ifndef IOBENCH_SWEEP_H
#define IOBENCH_SWEEP_H

#include <stddef.h>

#include "config.h"
#include "results.h"

struct sweep_point {
	const char *workload, *strategy;
	unsigned workers, qd;
	uint64_t block;
	unsigned n;		/* counted, valid trials */
	double mibs, wall, ops;	/* medians */
	bool knee;
};

/*
 * Groups the counted, valid trials by (workload, strategy, workers, qd,
 * block), ordered by strategy then setting, and marks per (workload,
 * strategy) the knee: the smallest setting whose median throughput
 * (MiB/s, or ops/s when no bytes move) is within 5% of the best.
 * Returns the count; *out is malloc'd.
 */
size_t sweep_points(const struct results *r, struct sweep_point **out);

/* Prints the table, writes <results>/<run-id>-sweep.csv and the plots. */
void sweep_finish(const struct results *r, const struct run_meta *m,
		  const struct config *cfg);

#endif
