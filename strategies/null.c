/* null.c - completes every op at once without a syscall, as fio's null
 * engine does.
 *
 * What is left is the harness plus the workload's own compute (MD5 of
 * whatever the buffers hold, CSV formatting): a floor no real strategy
 * can go below.  Its results can't match any reference (nothing was read
 * or written), so its trials are reported, but never as valid.
 */
#include "strategy.h"

static void null_exec(struct op *op)
{
	switch (op->type) {
	case OP_OPEN:
		op->res = 1000;	/* a plausible fd that no op will ever use */
		break;
	case OP_READ:
	case OP_WRITE:
		op->res = (int64_t)op->len;
		break;
	default:
		op->res = 0;
		break;
	}
}

static int null_run(struct strat_ctx *ctx)
{
	for (size_t i = 0; i < ctx->njobs; i++) {
		struct job *job = ctx->jobs[i];
		struct op *op;

		while (job_next(job, &op) == JOB_OP) {
			null_exec(op);
			job_complete(job, op);
		}
	}
	return 0;
}

const struct strategy strategy_null = {
	.name = "null",
	.desc = "completes every op at once, no syscalls (harness floor)",
	.no_io = true,
	.run = null_run,
};
