/*
 * array_job.c - one array job: open the file, keep up to d->window row
 * reads in flight, hash and sum each row as it lands, fold the per-row
 * results in selection order, close.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "array.h"
#include "hash64.h"
#include "iobuf.h"
#include "pymodel.h"
#include "window.h"	/* WIN_ALIGN */

enum array_state { A_OPEN, A_OPENING, A_READ, A_CLOSE, A_CLOSING, A_DONE };

struct array_job {
	struct job job;
	enum array_state state;
	const struct array_data *d;
	uint64_t first, end, next;	/* range of the selection; next to issue */
	int fd;
	unsigned inflight;
	struct op ctl;
	/* read slots: an op, its buffer (allocated on first use), its row */
	struct op *ops;
	void **bufs;
	uint64_t *sel;
	unsigned *free_slots, nfree;
	/* per row of [first, end): its hash and sum, folded in order at the end */
	uint64_t *row_hash;
	double *row_sum;
};

static void array_finish_job(struct array_job *j)
{
	struct job_result *r = j->job.res;

	if (!r->err)
		array_fold(j->row_hash, j->row_sum, j->end - j->first, r->digest, &r->sum);
	/* nothing is in flight now: the buffers go, so memory follows the
	 * reads a strategy keeps in flight, not the number of jobs */
	for (unsigned s = 0; s < j->d->window; s++) {
		iobuf_free(j->bufs[s], j->d->buf_size);
		j->bufs[s] = NULL;
	}
	free(j->row_hash);
	free(j->row_sum);
	j->row_hash = NULL;
	j->row_sum = NULL;
	j->state = A_DONE;
	r->done = true;
}

static enum job_state array_next(struct job *job, struct op **op)
{
	struct array_job *j = (struct array_job *)job;
	const struct array_data *d = j->d;

	switch (j->state) {
	case A_OPEN:
		j->ctl = (struct op){ .type = OP_OPEN, .path = d->path,
				      .flags = d->open_flags, .job = job };
		j->state = A_OPENING;
		*op = &j->ctl;
		return JOB_OP;
	case A_READ:
		if (!job->res->err && j->next < j->end && j->nfree) {
			unsigned slot = j->free_slots[--j->nfree];
			struct op *rd = &j->ops[slot];
			uint64_t off = array_row_off(d, j->next);

			if (!j->bufs[slot] && !(j->bufs[slot] = iobuf_alloc(d->buf_size))) {
				j->free_slots[j->nfree++] = slot;
				job_fail(job, -ENOMEM, "array: out of memory for row buffers");
				return array_next(job, op);	/* now winds down */
			}
			/* buffered: the row; O_DIRECT: the aligned range around it */
			*rd = (struct op){ .type = OP_READ, .fd = j->fd, .path = d->path,
					   .buf = j->bufs[slot], .slot = slot, .job = job };
			rd->off = off / d->align * d->align;
			rd->len = (size_t)((off + d->info.row_bytes + d->align - 1) / d->align *
					   d->align - rd->off);
			j->sel[slot] = j->next++;
			j->inflight++;
			*op = rd;
			return JOB_OP;
		}
		if (j->inflight || (!job->res->err && j->next < j->end))
			return JOB_WAIT;
		/* all rows read, or failed with nothing in flight: close */
		__attribute__((fallthrough));
	case A_CLOSE:
		j->ctl = (struct op){ .type = OP_CLOSE, .fd = j->fd, .path = d->path,
				      .job = job };
		j->state = A_CLOSING;
		*op = &j->ctl;
		return JOB_OP;
	case A_OPENING:
	case A_CLOSING:
		return JOB_WAIT;
	case A_DONE:
		break;
	}
	return JOB_DONE;
}

static void array_complete(struct job *job, struct op *op)
{
	struct array_job *j = (struct array_job *)job;
	const struct npy_info *info = &j->d->info;
	uint64_t skip, k;

	switch (op->type) {
	case OP_OPEN:
		if (op->res < 0) {
			job_fail_op(job, op);
			array_finish_job(j);
			return;
		}
		j->fd = (int)op->res;
		j->state = A_READ;
		return;
	case OP_READ:
		j->inflight--;
		k = j->sel[op->slot];
		skip = array_row_off(j->d, k) - op->off;
		/*
		 * The compute, as each row lands: its hash and its sum.  Every byte
		 * of the row must have been read; with O_DIRECT the aligned tail
		 * past the end of the file may be missing.
		 */
		if (op->res < 0)
			job_fail_op(job, op);
		else if ((uint64_t)op->res < skip + info->row_bytes)
			job_fail(job, -ENODATA,
				 "read %s: file ends at byte %llu, inside a row the header promises",
				 op->path, (unsigned long long)(op->off + (uint64_t)op->res));
		if (!job->res->err) {
			const char *row = (const char *)op->buf + skip;

			j->row_hash[k - j->first] = h64(0, row, info->row_bytes);
			j->row_sum[k - j->first] = npy_sum(info, row, info->row_bytes / info->itemsize);
			py_units(1);	/* --model python: NumPy's call costs more */
		}
		j->free_slots[j->nfree++] = op->slot;
		return;
	case OP_CLOSE:
		if (op->res < 0)
			job_fail_op(job, op);
		array_finish_job(j);
		return;
	default:
		job_fail(job, -EPROTO, "array: unexpected %s completion", op_name(op->type));
		return;
	}
}

static void array_destroy(struct job *job)
{
	struct array_job *j = (struct array_job *)job;

	for (unsigned s = 0; j->bufs && s < j->d->window; s++)
		iobuf_free(j->bufs[s], j->d->buf_size);
	free(j->ops);
	free(j->bufs);
	free(j->sel);
	free(j->free_slots);
	free(j->row_hash);
	free(j->row_sum);
	free(j);
}

static const struct job_ops array_job_ops = {
	.next = array_next,
	.complete = array_complete,
	.destroy = array_destroy,
};

int array_make_jobs(struct wl_ctx *ctx, struct job_result *res,
			   struct job **jobs)
{
	struct array_data *d = ctx->priv;

	for (size_t i = 0; i < ctx->njobs; i++) {
		struct array_job *j = calloc(1, sizeof(*j));
		uint64_t first, end;

		array_job_range(d->nrows, ctx->njobs, i, &first, &end);
		if (!j)
			return wl_error(ctx, -ENOMEM, "array: out of memory for jobs");
		j->d = d;
		j->ops = calloc(d->window, sizeof(*j->ops));
		j->bufs = calloc(d->window, sizeof(*j->bufs));
		j->sel = calloc(d->window, sizeof(*j->sel));
		j->free_slots = calloc(d->window, sizeof(*j->free_slots));
		j->row_hash = calloc(end - first + 1, sizeof(*j->row_hash));
		j->row_sum = calloc(end - first + 1, sizeof(*j->row_sum));
		if (!j->ops || !j->bufs || !j->sel || !j->free_slots || !j->row_hash || !j->row_sum) {
			array_destroy(&j->job);
			return wl_error(ctx, -ENOMEM, "array: out of memory for jobs");
		}
		/* a stack: one op at a time (serial) reuses slot 0 and its buffer */
		for (unsigned s = d->window; s-- > 0;)
			j->free_slots[j->nfree++] = s;
		j->job = (struct job){ .ops = &array_job_ops, .res = &res[i], .id = (unsigned)i };
		j->fd = -1;
		j->first = first;
		j->end = end;
		j->next = first;
		jobs[i] = &j->job;
	}
	return 0;
}
