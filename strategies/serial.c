/* serial.c - one job after another, each op a blocking syscall.
 *
 * The baseline every other strategy is compared with: what a plain loop
 * over files does.
 */
#include "pymodel.h"
#include "strategy.h"

static int serial_run(struct strat_ctx *ctx)
{
	py_enter();	/* --model python: a plain loop, one thread */
	for (size_t i = 0; i < ctx->njobs; i++)
		job_run_blocking(ctx->jobs[i], false);	/* the baseline: plain */
	py_exit();
	return 0;
}

const struct strategy strategy_serial = {
	.name = "serial",
	.desc = "one job after another, blocking syscalls",
	.baseline = true,
	.run = serial_run,
};
