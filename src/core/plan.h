/* plan.h - the order trials run in. */
#ifndef IOBENCH_PLAN_H
#define IOBENCH_PLAN_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Round @round of a run visits each of @n strategies once, writing their
 * indexes to @order: 0, 1, ..., n-1, so that trials interleave round-robin
 * (A B C A B C ...) and drift on a shared machine hits all alike; with
 * @shuffle, a permutation drawn from @seed and the round (the same seed
 * gives the same order).
 */
void plan_round(unsigned n, unsigned round, bool shuffle, uint64_t seed,
		unsigned *order);

#endif
