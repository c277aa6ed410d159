/* results.h - the trials of a run, and the files they are written to. */
#ifndef IOBENCH_RESULTS_H
#define IOBENCH_RESULTS_H

#include <stddef.h>
#include <stdio.h>

#include "config.h"
#include "sysinfo.h"
#include "trial.h"

#define IOBENCH_VERSION "0.1.0"

/* One strategy's tuning on one workload: the settings tried, their median walls. */
#define TUNE_MAX_STEPS 10
struct tune_path {
	const char *knob;	/* "workers" or "qd"; NULL: not tuned */
	unsigned n, chosen;
	unsigned k[TUNE_MAX_STEPS];
	double wall[TUNE_MAX_STEPS];	/* NaN: a trial failed there */
};

/*
 * The result JSON's layout (schema/iobench-run.schema.json): raised when a
 * field changes meaning or goes; new fields keep it.  Readers refuse a
 * newer one rather than misread it.
 */
#define RESULTS_SCHEMA_VERSION 2

struct run_meta {
	char run_id[64];	/* 20261125-041502-12345: time, then pid */
	char date[32];		/* ISO 8601, UTC */
	const struct config *cfg;
	struct sysinfo sys;
	const char *specs[MAX_SELECTED];	/* per selected workload */
	const struct wl_ctx *wl_ctxs;		/* ...and its facts and jobs (wl_ctx) */
	const char *unavailable[MAX_SELECTED];	/* per strategy: NULL or why */
	bool partial;		/* stopped by a signal before every trial ran */
	char delay_acct[192];	/* "on", or why the time breakdown is n/a */
	const char *cache_asked;	/* the --cache asked for, when it could not be had */
	char cache_note[320];		/* ...and why */
	/* --until-decided, per workload: rounds run (warmup too), why they stopped */
	unsigned rounds[MAX_SELECTED];
	char stopped[MAX_SELECTED][192];
	struct tune_path tuning[MAX_SELECTED][MAX_SELECTED];	/* [workload][strategy] */
	/* under mpirun (ranks > 1): how the work was shared, each rank's host */
	unsigned ranks;
	const char *share;
	char (*nodes)[64];
	int json_out;		/* --json -: where the JSON goes (the real stdout), or -1 */
};

/* A trial's latency histograms, per op type: what its percentiles came from. */
struct trial_hists {
	struct lat_sparse resp[OP_NTYPES], svc[OP_NTYPES];
};

struct results {
	struct trial_rec *recs;
	struct trial_hists **hists;	/* per trial: NULL when none were recorded */
	size_t n, cap;
};

/* Copies @rec into @r. */
void results_add(struct results *r, const struct trial_rec *rec);
/* Keeps the histograms of @lat as trial @i's (when any op was timed). */
void results_set_hists(struct results *r, size_t i, const struct lat_set *lat);
void results_free(struct results *r);

/* Fills run_id and date from the clock and our pid. */
void results_new_run_id(struct run_meta *m);

/* The CSV header line (no newline), exposed for tests and readers. */
const char *results_csv_header(void);

/*
 * Writes the CSV, header first.  @outlier (per trial, from the summary)
 * fills the outlier column; NULL writes n/a there.  0 or -errno.
 */
int results_write_csv(FILE *f, const struct results *r, const bool *outlier,
		      const char *run_id);

/*
 * The run's journal, <run-id>.journal in @dirfd: the CSV header, then one
 * line per finished trial, flushed to disk as it comes, so a run whose
 * result files can't be written at the end loses nothing.  0 or -errno.
 */
int results_journal_open(int dirfd, const struct run_meta *m, FILE **out);
int results_journal_add(FILE *f, const struct trial_rec *rec, const char *run_id);

#endif
