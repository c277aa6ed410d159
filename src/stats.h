/* stats.h - summary statistics over trials. */
#ifndef IOBENCH_STATS_H
#define IOBENCH_STATS_H

#include <stddef.h>

/* Median of @n values (sorts @v in place).  0 for n == 0. */
double stats_median(double *v, size_t n);

#endif
