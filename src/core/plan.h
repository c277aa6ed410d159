/* plan.h - what a run measures (cells) and the order trials run in. */
#ifndef IOBENCH_PLAN_H
#define IOBENCH_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

/*
 * Round @round of a run visits each of @n strategies once, writing their
 * indexes to @order: 0, 1, ..., n-1, so that trials interleave round-robin
 * (A B C A B C ...) and drift on a shared machine hits all alike; with
 * @shuffle, a permutation drawn from @seed and the round (the same seed
 * gives the same order).
 */
void plan_round(unsigned n, unsigned round, bool shuffle, uint64_t seed,
		unsigned *order);

/*
 * One thing to measure: a strategy with the knobs it runs with.  A plain
 * run has one cell per strategy; a sweep crosses each strategy with the
 * values of the knobs that strategy uses, and no others.
 */
struct plan_cell {
	unsigned st;		/* index into cfg->st */
	unsigned workers, qd;
	uint64_t block;
};



#define PLAN_MAX_CELLS 4096

/* The workers and queue_depth strategy @s really runs with. */
void plan_shape(const struct strategy *s, uint64_t workers, uint64_t qd, unsigned *w,
		unsigned *q);
/*
 * The cells of workload cfg->wl[@wi] into @cells (PLAN_MAX_CELLS of room),
 * leaving out the strategies with a reason in @unavailable (per cfg->st);
 * a strategy tuned for the workload (cfg->tuned) runs at its setting.
 * Returns their number.
 */
size_t plan_cells(const struct config *cfg, const char *const *unavailable, unsigned wi,
		  struct plan_cell *cells);

#endif
