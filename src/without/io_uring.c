/*
 * without/io_uring.c - the io_uring strategy of a build without liburing.
 *
 * Linked instead of strategies/io_uring.c when pkg-config found no liburing
 * (or WITH_URING=0): the strategy stays in the registry, so `iobench list`,
 * `info` and a run name it, and its probe says why it cannot run here.
 */
#include <errno.h>
#include <stdio.h>

#include "io_uring_opts.h"
#include "strategy.h"

#ifndef IOBENCH_URING_OFF
#define IOBENCH_URING_OFF "built without liburing"
#endif

static int uring_off_probe(char *why, size_t len)
{
	snprintf(why, len, "%s", IOBENCH_URING_OFF);
	return -ENOSYS;
}

static int uring_off_run(struct strat_ctx *ctx)
{
	snprintf(ctx->msg, sizeof(ctx->msg), "io_uring: %s", IOBENCH_URING_OFF);
	return -ENOSYS;
}

const struct strategy strategy_io_uring = {
	IO_URING_TRAITS,
	.desc = "--workers threads, each with a ring of --qd entries (liburing): not in this build",
	.probe = uring_off_probe,
	.run = uring_off_run,
};
