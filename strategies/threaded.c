/* threaded.c - a pool of --workers pthreads pulling whole jobs.
 *
 * The shared queue is the job array and an atomic cursor: a worker takes
 * the next unclaimed job and runs it to its end with blocking syscalls,
 * like Python's ThreadPoolExecutor over files.  A job is only ever run by
 * the thread that claimed it, so jobs need no locking of their own.
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

struct threaded_data {
	struct strat_ctx *ctx;
	unsigned started;	/* threads started so far, for --pin (atomic) */
	size_t next;		/* next job to claim (atomic) */
	int stop;		/* set when the pool could not be built (atomic) */
};

static void *threaded_worker(void *arg)
{
	struct threaded_data *td = arg;

	conc_thread_start(td->ctx->conc);
	py_enter();	/* --model python: a ThreadPoolExecutor's thread, one lock for all */
	if (td->ctx->pin)
		pin_self(td->ctx->pin, "worker", __atomic_fetch_add(&td->started, 1, __ATOMIC_RELAXED));
	while (!__atomic_load_n(&td->stop, __ATOMIC_ACQUIRE)) {
		size_t i = __atomic_fetch_add(&td->next, 1, __ATOMIC_RELAXED);

		if (i >= td->ctx->njobs)
			break;
		py_cost(PY_TPE_TASK);	/* --model python: the task's trip through the executor */
		job_run_blocking(td->ctx->jobs[i], !td->ctx->opt[RA_OPT_OFF]);
	}
	py_exit();
	conc_thread_end(td->ctx->conc);
	return NULL;
}

static int threaded_run(struct strat_ctx *ctx)
{
	struct threaded_data td = { .ctx = ctx };
	pthread_t *tids = calloc(ctx->workers, sizeof(*tids));
	unsigned started = 0;
	int rc = 0;

	if (!tids) {
		snprintf(ctx->msg, sizeof(ctx->msg), "threaded: out of memory");
		return -ENOMEM;
	}
	py_cost(PY_TPE_START);	/* --model python: the executor started and shut down */
	for (; started < ctx->workers; started++) {
		int err = pthread_create(&tids[started], NULL, threaded_worker, &td);

		if (err) {
			/* the threads already running finish their jobs, then stop */
			__atomic_store_n(&td.stop, 1, __ATOMIC_RELEASE);
			snprintf(ctx->msg, sizeof(ctx->msg),
				 "threaded: cannot create thread %u of %u: %s",
				 started + 1, ctx->workers, strerror(err));
			rc = -err;
			break;
		}
	}
	for (unsigned i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	free(tids);
	return rc;
}

const struct strategy strategy_threaded = {
	.name = "threaded",
	.desc = "pool of --workers pthreads pulling whole jobs, blocking syscalls",
	.options = readahead_options,
	.noptions = RA_OPT_N,
	.uses_workers = true,
	.jobs_per_worker = true,
	.run = threaded_run,
};
