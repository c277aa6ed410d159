/* plot.h - gnuplot charts of a run. */
#ifndef IOBENCH_PLOT_H
#define IOBENCH_PLOT_H

#include <stdbool.h>
#include <stddef.h>

#include "rundata.h"

/*
 * Writes plots/<run-id>/ (under @plots_dir): wall.{png,svg} and
 * speedup.{png,svg} over all workloads, cpu-W, memory-W and latency-W per
 * workload, and the .dat files they were drawn from.  Returns 0; -ENOENT
 * when gnuplot is not installed; -errno otherwise, with @msg set.
 */
int plot_run(const struct run_data *rd, const char *plots_dir, char *msg,
	     size_t len);

/*
 * Runs gnuplot on script @name (plots/NAME.gp) with the -e variables
 * @vars.  0, -ENOENT when gnuplot is missing, -EIO when it failed.
 */
int plot_gnuplot(const char *name, const char *vars);

/* The directory holding the .gp scripts. */
const char *plot_scripts_dir(void);

/* Appends ";key='value'" to @buf (of @cap bytes), quoting for gnuplot. */
void plot_var(char *buf, size_t cap, const char *key, const char *value);

/* Unique workloads / strategies of a summary, in file order. */
size_t plot_names(const struct csv_table *sum, const char *col,
		  const char **out, size_t max);

/* Median of @col over the counted, valid trials of (wl, st). NaN: none. */
double plot_trial_median(const struct csv_table *t, const char *wl,
			 const char *st, const char *col);

/*
 * Draws @dir/breakdown-@wl.{png,svg}: each strategy's time split into
 * user, sys, run-queue wait, block-I/O wait and other.  *drawn is false
 * (and 0 returned) when the run had no delay accounting.
 */
int plot_breakdown(const struct run_data *rd, const char *dir, const char *wl,
		   const char *where, bool *drawn);

/* gnuplot linetype of a strategy: its place in the registry, from 1. */
int plot_lt(const char *strategy);

#endif
