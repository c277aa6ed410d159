/* job.h - a workload's unit of independent work (usually one file).
 *
 * A job is a small state machine.  Strategies only ever call job_next() and
 * job_complete(); they never know which workload they drive.  Every
 * callback runs on whichever thread the strategy chooses, but never on two
 * threads at once for the same job (strategies serialise per job).
 */
#ifndef IOBENCH_JOB_H
#define IOBENCH_JOB_H

#include <stdbool.h>
#include <stdint.h>

#include "latency.h"
#include "op.h"
#include "util.h"

enum job_state {
	JOB_OP,		/* *op is ready to issue */
	JOB_WAIT,	/* nothing to issue until one of its own ops in flight completes */
	JOB_DONE,	/* finished, successfully or not (see res->err) */
};

#define JOB_ERR_MAX 256

/*
 * What a job leaves behind.  Lives in memory shared with the trial process
 * (MAP_SHARED), so a job run in a forked worker reports back without any
 * copying.
 */
struct job_result {
	int err;			/* 0 or -errno of the first failure */
	char msg[JOB_ERR_MAX];		/* "read /path: Input/output error" */
	unsigned char digest[16];	/* workload-defined MD5 */
	double sum;			/* workload-defined (array: row sum) */
	uint64_t ops;			/* ops completed */
	uint64_t ops_by_type[OP_NTYPES];
	uint64_t bytes_read;
	uint64_t bytes_written;
	/*
	 * Requests the peer answered with an error (net): counted, not a
	 * failure of the job; the workload's check compares them with what
	 * the peer says it injected.
	 */
	uint64_t failed;
	bool done;
};

struct job;

struct job_ops {
	/*
	 * Hands out the next op that can be issued now.  Returns JOB_OP with
	 * *op set, JOB_WAIT or JOB_DONE.  Can't fail: a failing job finishes
	 * (after its in-flight ops drain and its fd is closed) with res->err.
	 */
	enum job_state (*next)(struct job *job, struct op **op);
	/* Takes back a finished op and runs the compute.  Can't fail. */
	void (*complete)(struct job *job, struct op *op);
	/* Frees the job.  May be NULL. */
	void (*destroy)(struct job *job);
};

struct job {
	const struct job_ops *ops;
	struct job_result *res;
	unsigned id;
	size_t sched_slot;	/* jobsched's: where it sits among the active jobs */
	struct lat_set *lat;	/* the trial's latency record (set by the trial); NULL: none */
};

/* Asks the job for an op; an op handed out is stamped with its issue time. */
static inline enum job_state job_next(struct job *job, struct op **op)
{
	enum job_state st = job->ops->next(job, op);
	struct lat_set *lat = job->lat;

	if (st == JOB_OP && lat) {
		int64_t n = __atomic_add_fetch(&lat->inflight, 1, __ATOMIC_RELAXED);
		int64_t max = __atomic_load_n(&lat->inflight_max, __ATOMIC_RELAXED);

		while (n > max && !__atomic_compare_exchange_n(&lat->inflight_max, &max, n,
							       true, __ATOMIC_RELAXED,
							       __ATOMIC_RELAXED))
			;
		(*op)->t_issue_ns = now_ns();
		(*op)->t_svc_start_ns = (*op)->t_svc_end_ns = 0;
	}
	return st;
}

/*
 * Records the op's response time (and its service time when the executor
 * stamped one) and counts it for the trial's totals, then
 * hands it to the workload.
 */
static inline void job_complete(struct job *job, struct op *op)
{
	struct job_result *r = job->res;
	struct lat_set *lat = job->lat;

	if (lat) {
		lat_record(&lat->h[op->type], now_ns() - op->t_issue_ns);
		if (op->t_svc_start_ns && op->t_svc_end_ns >= op->t_svc_start_ns)
			lat_record(&lat->svc[op->type],
				   op->t_svc_end_ns - op->t_svc_start_ns);
		__atomic_sub_fetch(&lat->inflight, 1, __ATOMIC_RELAXED);
	}
	r->ops++;
	r->ops_by_type[op->type]++;
	if (op->res > 0 && (op->type == OP_READ || op->type == OP_RECV))
		r->bytes_read += (uint64_t)op->res;
	else if (op->res > 0 && (op->type == OP_WRITE || op->type == OP_SEND))
		r->bytes_written += (uint64_t)op->res;
	job->ops->complete(job, op);
}

/*
 * Records the first failure of a job: "<op> <path>: <strerror>".  Later
 * failures are ignored so the message names the cause, not its echoes.
 */
void job_fail_op(struct job *job, const struct op *op);
/* Same, with a free-form message; err is -errno. */
void job_fail(struct job *job, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A blocking runner holds at most this many of a job's ops at once. */
#define JOB_RUN_WINDOW 64

/*
 * Runs @job to its end with blocking syscalls, one op at a time.  With
 * @window (threaded and forked, unless --no-sync-readahead), it takes every op the job can issue at once
 * (the read-ahead window the event loops keep in flight: md5's next
 * block, array's next rows), asks the kernel to start reading the later
 * ones into the page cache (readahead(2); not for O_DIRECT), and runs
 * them in order: while it waits for or computes on the first, the next
 * are on their way, as in the event loops.
 */
void job_run_blocking(struct job *job, bool window);

#endif
