/* job.c - the helpers every job and strategy share: failing a job, running one blocking. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "job.h"

void job_fail(struct job *job, int err, const char *fmt, ...)
{
	struct job_result *r = job->res;
	va_list ap;

	if (r->err)
		return;
	r->err = err < 0 ? err : -EIO;
	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
	va_end(ap);
}

void job_fail_op(struct job *job, const struct op *op)
{
	job_fail(job, (int)op->res, "%s %s: %s", op_name(op->type),
		 op->path ? op->path : "?", strerror((int)-op->res));
}

/*
 * Asks the kernel to start reading @op's range into the page cache,
 * unless it continues the read before it (@seq: where that one ended):
 * the kernel already reads ahead of a sequential stream, and the hint's
 * system call then only costs (md5 on tmpfs: 0.064 against 0.056 s per
 * trial under ThreadSanitizer, 1-2% in a plain build).
 */
static void hint_read(const struct op *op, int *fd, bool *ok, uint64_t seq)
{
	if (op->off == seq)
		return;
	if (op->fd != *fd) {
		int fl = fcntl(op->fd, F_GETFL);

		/* O_DIRECT reads bypass the page cache: filling it is wasted I/O */
		*fd = op->fd;
		*ok = fl >= 0 && !(fl & O_DIRECT);
	}
	if (*ok)
		readahead(op->fd, (off64_t)op->off, op->len);
}

void job_run_blocking(struct job *job, bool window)
{
	struct op *fifo[JOB_RUN_WINDOW];
	unsigned head = 0, n = 0, cap = window ? JOB_RUN_WINDOW : 1;
	int hint_fd = -1;
	bool hint_ok = false;
	uint64_t seq = UINT64_MAX;	/* where the last read taken ends */

	for (;;) {
		struct op *op;

		/* take what the job can issue now: one op, or its whole window */
		while (n < cap && job_next(job, &op) == JOB_OP) {
			if (n > 0 && op->type == OP_READ)
				hint_read(op, &hint_fd, &hint_ok, seq);
			if (op->type == OP_READ)
				seq = op->off + op->len;
			fifo[(head + n++) % JOB_RUN_WINDOW] = op;
		}
		/* nothing taken: done (JOB_WAIT with nothing held would be a workload bug) */
		if (!n)
			return;
		op = fifo[head];
		head = (head + 1) % JOB_RUN_WINDOW;
		n--;
		op_exec(op);
		job_complete(job, op);
	}
}
