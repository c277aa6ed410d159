/* plot.h - gnuplot charts of a run. */
#ifndef IOBENCH_PLOT_H
#define IOBENCH_PLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "rundata.h"

/*
 * A fresh output directory for one set of charts.  It is made new under
 * the plots directory (never an existing one: a name that is taken gets
 * -2, -3, ...), so nobody else can have planted anything in it.  iobench
 * writes its data files there relative to @fd (O_EXCL|O_NOFOLLOW), and
 * gnuplot reaches it through /proc/self/fd/<gfd>, an inherited descriptor
 * of the same directory: renaming or replacing the path meanwhile cannot
 * redirect a single file.
 */
struct plot_dir {
	int fd, gfd;
	char *path;	/* for messages and links */
};

/* Makes @parent (when missing) and a fresh @name under it.  0 or -errno with @msg. */
int plot_dir_create(const char *parent, const char *name, struct plot_dir *pd, char *msg,
		    size_t len);
void plot_dir_close(struct plot_dir *pd);
/* A new file @name in @pd for writing, or NULL (errno set). */
FILE *plot_dir_fopen(const struct plot_dir *pd, const char *name);
/* The path gnuplot is given for @name in @pd (malloc'd). */
char *plot_dir_gnuplot(const struct plot_dir *pd, const char *name);

/*
 * Writes <plots_dir>/<run-id>/ (a new directory, see struct plot_dir):
 * wall.{png,svg} and speedup.{png,svg} over all workloads, cpu-W, memory-W
 * and latency-W per workload, and the .dat files they were drawn from.
 * *@outdir gets the directory's path (malloc'd) once it exists.  Returns 0;
 * -ENOENT when gnuplot is not installed; -errno otherwise, with @msg set.
 */
int plot_run(const struct run_data *rd, const char *plots_dir, char **outdir, char *msg,
	     size_t len);

/*
 * Runs gnuplot on script @name (plots/NAME.gp) with the -e variables
 * @vars.  0, -ENOENT when gnuplot is missing, -EIO when it failed.
 */
int plot_gnuplot(const char *name, const char *vars);

/* The directory holding the .gp scripts. */
const char *plot_scripts_dir(void);

/* Is there a gnuplot to run on $PATH? */
bool plot_have_gnuplot(void);

/* Appends ";key='value'" to @buf (of @cap bytes), quoting for gnuplot. */
void plot_var(char *buf, size_t cap, const char *key, const char *value);

/*
 * Draws @dir/breakdown-@wl.{png,svg}: each strategy's time split into
 * user, sys, run-queue wait, block-I/O wait and other.  *drawn is false
 * (and 0 returned) when the run had no delay accounting.
 */
int plot_breakdown(const struct run_data *rd, const struct plot_dir *pd, const char *wl,
		   const char *where, bool *drawn);

/* gnuplot linetype of a strategy: its place in the registry, from 1. */
int plot_lt(const char *strategy);

#endif
