/* null.c - jobs of no-op operations: measures the harness and the executor.
 *
 * Like fio's null engine turned around: the work is nothing, so what a
 * trial costs is what the harness (fork, measurement, records) and the
 * strategy (queues, threads, rings) cost per op.  Each job issues
 * null_ops OP_NOPs, up to NULL_WINDOW at once.  Its digest is the MD5 of
 * its id and how many NOPs completed, so a strategy that drops ops fails.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "util.h"
#include "workload.h"

#define NULL_WINDOW 8

struct null_job {
	struct job job;
	uint64_t total, issued, completed;
	unsigned inflight;
	struct op ops[NULL_WINDOW];
	unsigned free_slots[NULL_WINDOW], nfree;
};

struct null_data {
	uint64_t ops;
	unsigned char expect[16];
};

static void null_digest(uint64_t id, uint64_t completed, unsigned char out[16])
{
	uint64_t v[2] = { id, completed };

	EVP_Digest(v, sizeof(v), out, NULL, EVP_md5(), NULL);
}

/* null's knobs, in the order of null_options[]. */
enum { NULL_JOBS, NULL_OPS };
static const struct wl_option null_options[] = {
	[NULL_JOBS] = { "null-jobs", "N", "jobs per trial", WLO_NUM, 1, 1000000, NULL,
			{ 16, 64, 64, 64 } },
	[NULL_OPS] = { "null-ops", "N", "ops per job", WLO_NUM, 1, 1ULL << 32, NULL,
		       { 64, 1024, 4096, 16384 } },
};

extern const struct workload workload_null;

static int null_prepare(struct wl_ctx *ctx)
{
	const struct { uint64_t null_jobs, null_ops; } k = {
		wl_val(ctx->cfg, &workload_null, NULL_JOBS),
		wl_val(ctx->cfg, &workload_null, NULL_OPS),
	}, *p = &k;
	struct null_data *d = xcalloc(1, sizeof(*d));
	struct job_result *ref = xcalloc(p->null_jobs, sizeof(*ref));

	d->ops = p->null_ops;
	for (uint64_t i = 0; i < p->null_jobs; i++)
		null_digest(i, d->ops, ref[i].digest);
	wl_combine_digests(ctx, ref, p->null_jobs, d->expect);
	free(ref);
	ctx->priv = d;
	ctx->njobs = p->null_jobs;
	snprintf(ctx->spec, sizeof(ctx->spec), "null jobs=%llu ops=%llu",
		 (unsigned long long)p->null_jobs, (unsigned long long)d->ops);
	return 0;
}

static enum job_state null_next(struct job *job, struct op **op)
{
	struct null_job *j = (struct null_job *)job;
	struct op *o;

	if (j->completed == j->total) {
		job->res->done = true;
		return JOB_DONE;
	}
	if (j->issued == j->total || j->nfree == 0)
		return JOB_WAIT;
	o = &j->ops[j->free_slots[--j->nfree]];
	*o = (struct op){ .type = OP_NOP, .fd = -1, .path = "(nop)", .job = job,
			  .slot = (unsigned)(o - j->ops) };
	j->issued++;
	*op = o;
	return JOB_OP;
}

static void null_complete(struct job *job, struct op *op)
{
	struct null_job *j = (struct null_job *)job;

	if (op->res < 0)
		job_fail_op(job, op);
	j->free_slots[j->nfree++] = op->slot;
	j->completed++;
	if (j->completed == j->total)
		null_digest(job->id, j->completed, job->res->digest);
}

static void null_destroy(struct job *job)
{
	free(job);
}

static const struct job_ops null_job_ops = {
	.next = null_next,
	.complete = null_complete,
	.destroy = null_destroy,
};

static int null_make_jobs(struct wl_ctx *ctx, struct job_result *res,
			  struct job **jobs)
{
	struct null_data *d = ctx->priv;

	for (size_t i = 0; i < ctx->njobs; i++) {
		struct null_job *j = calloc(1, sizeof(*j));

		if (!j)
			return wl_error(ctx, -ENOMEM, "null: out of memory for jobs");
		j->job = (struct job){ .ops = &null_job_ops, .res = &res[i], .id = (unsigned)i };
		j->total = d->ops;
		for (unsigned s = 0; s < NULL_WINDOW; s++)
			j->free_slots[j->nfree++] = s;
		jobs[i] = &j->job;
	}
	return 0;
}

static void null_finish(struct wl_ctx *ctx, const struct job_result *res,
			struct wl_out *out)
{
	wl_combine_digests(ctx, res, ctx->njobs, out->digest);
}

static int null_check(struct wl_ctx *ctx, const struct wl_out *out)
{
	struct null_data *d = ctx->priv;

	if (memcmp(out->digest, d->expect, 16) == 0)
		return 0;
	return wl_error(ctx, -EBADMSG, "null: not every no-op completed");
}

static void null_release(struct wl_ctx *ctx)
{
	free(ctx->priv);
	ctx->priv = NULL;
}

const struct workload workload_null = {
	.name = "null",
	.desc = "no-op operations only: measures the harness and the executor",
	.options = null_options,
	.noptions = ARRAY_SIZE(null_options),
	.main_op = OP_NOP,
	.opt_in = true,
	.prepare = null_prepare,
	.make_jobs = null_make_jobs,
	.finish = null_finish,
	.check = null_check,
	.release = null_release,
};
