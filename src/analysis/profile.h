/* profile.h - `iobench profile`: where each strategy's time goes. */
#ifndef IOBENCH_PROFILE_H
#define IOBENCH_PROFILE_H

#include <stddef.h>

#include "results.h"

/*
 * One sentence on where a strategy's time went, from the medians of
 * user, sys, run-queue, block-I/O and other seconds: e.g. "serial: 56% on
 * a CPU, 44% waiting for block I/O".  "" when delay accounting was n/a.
 */
void profile_sentence(const char *st, double user, double sys, double runq,
		      double blkio, double ring, double other, char *out, size_t len);

/* The breakdown table of a profile run, to @f. */
void profile_print(FILE *f, const struct results *r, const struct run_meta *m);

#endif
