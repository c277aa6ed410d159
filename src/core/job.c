/* job.c - the helpers every job and strategy share: failing a job, running one blocking. */
#include <errno.h>
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

void job_run_blocking(struct job *job)
{
	struct op *op;

	while (job_next(job, &op) == JOB_OP) {
		op_exec(op);
		job_complete(job, op);
	}
	/* JOB_WAIT with nothing in flight would be a workload bug */
}
