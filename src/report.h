/* report.h - the Markdown report of a run: tables, plots, a recommendation. */
#ifndef IOBENCH_REPORT_H
#define IOBENCH_REPORT_H

#include <stdio.h>

#include "rundata.h"

/*
 * Writes <base>.md next to the result files: machine and storage, the
 * datasets, per workload a table (median wall with CI, speed vs serial,
 * CPU, memory, MiB/s, p99 latency), the plots found under
 * @plots_dir/<run-id>/, why the slower strategies lose, and the
 * recommendation.  Returns 0 or -errno with @msg set.
 */
int report_write(const struct run_data *rd, const char *plots_dir, char *msg,
		 size_t len);

/* One sentence, from the measurements, on why @st is slower than serial. */
void report_why_slower(const struct run_data *rd, const char *wl,
		       const char *st, char *out, size_t len);

#endif
