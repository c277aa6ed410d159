/* recorded.c - every job on a thread of its own, all started together.
 *
 * The baseline of a replay: there the jobs are the recorded program's
 * threads and processes (the workload cuts them so when the strategy has
 * the as_recorded trait), each with its own ops in its recorded order,
 * and a job the recording shows starting only after others had ended
 * waits for them (replay.c).  So this runs the program's own structure,
 * and the other strategies are set against what it does now.
 *
 * Any other workload run under it gets a thread per job: a
 * `threading.Thread` per task, with no pool to bound them.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conc.h"
#include "pin.h"
#include "pymodel.h"
#include "readahead_opt.h"
#include "strategy.h"

struct recorded_arg {
	struct strat_ctx *ctx;
	size_t i;
};

static void *recorded_thread(void *arg)
{
	struct recorded_arg *a = arg;

	conc_thread_start(a->ctx->conc);
	py_enter();	/* --model python: a threading.Thread per job */
	if (a->ctx->pin)
		pin_self(a->ctx->pin, "job", (unsigned)a->i);
	job_run_blocking(a->ctx->jobs[a->i], !a->ctx->opt[RA_OPT_OFF]);
	py_exit();
	conc_thread_end(a->ctx->conc);
	return NULL;
}

static int recorded_run(struct strat_ctx *ctx)
{
	struct recorded_arg *args = calloc(ctx->njobs + 1, sizeof(*args));
	pthread_t *tids = calloc(ctx->njobs + 1, sizeof(*tids));
	pthread_attr_t attr;
	size_t started = 0;
	int rc = 0;

	if (!args || !tids) {
		snprintf(ctx->msg, sizeof(ctx->msg), "recorded: out of memory for %zu threads",
			 ctx->njobs);
		rc = -ENOMEM;
		goto out;
	}
	/* a program's threads may be many: a job's stack needs little (job.h) */
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	for (; started < ctx->njobs; started++) {
		int err;

		args[started] = (struct recorded_arg){ .ctx = ctx, .i = started };
		err = pthread_create(&tids[started], &attr, recorded_thread, &args[started]);
		if (err) {
			/*
			 * The jobs not started fail and run to their end here
			 * (a failed job issues nothing), so one waiting for them
			 * (replay's order) ends instead of hanging.
			 */
			for (size_t i = started; i < ctx->njobs; i++) {
				job_fail(ctx->jobs[i], -err, "recorded: no thread for it: %s",
					 strerror(err));
				job_run_blocking(ctx->jobs[i], false);
			}
			snprintf(ctx->msg, sizeof(ctx->msg),
				 "recorded: cannot create thread %zu of %zu: %s",
				 started + 1, ctx->njobs, strerror(err));
			rc = -err;
			break;
		}
	}
	pthread_attr_destroy(&attr);
	for (size_t i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
out:
	free(tids);
	free(args);
	return rc;
}

const struct strategy strategy_recorded = {
	.name = "recorded",
	.desc = "a thread per job, all at once; a replay's baseline: the program's threads "
		"as recorded",
	.options = readahead_options,
	.noptions = RA_OPT_N,
	.as_recorded = true,
	.run = recorded_run,
};
