/* summary.h - the table printed at the end of a run. */
#ifndef IOBENCH_SUMMARY_H
#define IOBENCH_SUMMARY_H

#include <stdio.h>

#include "config.h"
#include "results.h"

/*
 * Per workload: strategy, valid trials, median wall, median user+sys,
 * peak RSS, median MiB/s; invalid trials never enter a median.
 */
void summary_print(FILE *f, const struct results *r, const struct run_meta *m);

#endif
