/* report.h - the Markdown report of a run: tables, plots, a recommendation. */
#ifndef IOBENCH_REPORT_H
#define IOBENCH_REPORT_H

#include <stdio.h>

#include "rundata.h"

/*
 * Writes <base>.md next to the result files (replacing an older report of
 * the run, atomically): machine and storage, the datasets, per workload a
 * table (median wall with CI, speed vs serial, CPU, memory net, MiB/s, p99
 * response time), the plots in @plotdir (none when NULL or missing), why
 * the slower strategies lose, and the recommendation.  Works for a result
 * file named bare, by a relative or absolute path, or through a symlink.
 * Returns 0 or -errno with @msg set.
 */
int report_write(const struct run_data *rd, const char *plotdir, char *msg, size_t len);

/* Workload @wl's table, a row per strategy of @sts that ran it. */
void report_table(FILE *f, const struct run_data *rd, const char *wl, const char **sts,
		  size_t ns);
/* The verdict the run stored for @wl, as Markdown. */
void report_verdict(FILE *f, const struct run_data *rd, const char *wl);

/*
 * --model c,python: the C run the Python run @rd names (config.paired_run),
 * from the same folder, into @pair.  0; -ENOENT when @rd names none; or
 * -errno with @msg saying why it cannot be read.
 */
int report_pair_load(const struct run_data *rd, struct run_data *pair, char *msg, size_t len);
/* The C run's table and verdict for @wl, and the two verdicts in one sentence. */
void report_pair_section(FILE *f, const struct run_data *py, const struct run_data *c,
			 const char *wl);

/* One sentence, from the measurements, on why @st is slower than serial. */
void report_why_slower(const struct run_data *rd, const char *wl,
		       const char *st, char *out, size_t len);

/*
 * For a replayed trace (the replay workload): the recorded program's
 * time, ops and bytes next to the serial replay's.  Nothing for others.
 */
void report_replay(FILE *f, const struct run_data *rd, const char *wl);

#endif
