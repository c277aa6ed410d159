/* runloop.h - running the trials of a run (see runloop.c). */
#ifndef IOBENCH_RUNLOOP_H
#define IOBENCH_RUNLOOP_H

#include <stdio.h>

#include "config.h"
#include "results.h"
#include "strategy.h"
#include "workload.h"

/* Records strategy @s as unavailable (@why) for every workload of the run. */
void runloop_unavailable(struct results *res, const struct config *cfg,
			 const struct strategy *s, const char *why);

/*
 * Per workload (ctxs prepared): the warmup rounds, then the counted ones;
 * then, with --until-decided, the extra rounds (meta->rounds and stopped
 * say how many and why they ended).  Every trial goes into @res and, as
 * it finishes, into @journal.  Stops early when a signal asks
 * (sig_stop()).  Returns the number of failed trials.
 */
unsigned runloop_trials(struct config *cfg, struct wl_ctx *ctxs, struct run_meta *meta,
			struct results *res, FILE *journal);

#endif
