/* runloop_int.h - what runloop.c (the rounds) and tune.c (the tuning before them) share. */
#ifndef IOBENCH_RUNLOOP_INT_H
#define IOBENCH_RUNLOOP_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "latency.h"
#include "plan.h"
#include "results.h"
#include "workload.h"

/* The state of the trial loop shared by every round. */
struct trial_loop {
	struct config *cfg;
	struct wl_ctx *ctxs;
	struct results *res;
	struct lat_set *lat;		/* the last trial's histograms, for the ranks' aggregate */
	unsigned char (*digests)[16];	/* the last trial's job digests (ctxs' largest njobs) */
	unsigned k, total, failed;	/* trials run, planned, failed */
	uint64_t t_start;
	bool pins_said[MAX_SELECTED];	/* --pin: where the threads went, said once */
	FILE *journal;			/* every finished trial, as it finishes */
	const char *run_id;
	bool journal_failed;
	bool stopped;			/* a signal stopped the run (here or on another rank) */
};

/*
 * One trial of cell @c of workload @w on every rank, collected into @into
 * (rank 0's aggregate in *@row; NULL elsewhere).  False when a signal
 * asked us to stop.
 */
bool runloop_trial(struct trial_loop *tl, unsigned w, const struct plan_cell *c, unsigned t,
		   bool warmup, struct results *into, const struct trial_rec **row);
/* Tunes workload @w's strategies (tune.c).  False when a signal asked us to stop. */
bool tune_workload(struct trial_loop *tl, struct run_meta *meta, unsigned w);

#endif
