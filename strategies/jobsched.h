/* jobsched.h - which job issues the next op, for event-driven strategies.
 *
 * epoll and io_uring keep many ops of many jobs in flight from one
 * thread.  The scheduler starts jobs in order only when the jobs already
 * started have nothing to issue, so at most max_inflight (+1) jobs are
 * active and their buffers bounded, and it never lets more than
 * max_inflight ops be in flight.  Not thread-safe: the loop thread owns it.
 */
#ifndef IOBENCH_JOBSCHED_H
#define IOBENCH_JOBSCHED_H

#include <stdbool.h>
#include <stddef.h>

#include "job.h"

struct job_sched {
	struct job **jobs;
	size_t njobs, next_job, ndone;
	size_t *shared;		/* several loops' common next job (atomic); NULL: ours alone */
	bool exhausted;		/* ...and none is left to take */
	size_t max_active;	/* shared: jobs one loop may hold at once */
	struct job **active;
	/*
	 * waits[i]: active[i] said JOB_WAIT and none of its ops completed
	 * since, so asking it again is pointless (JOB_WAIT's contract).  A
	 * completion clears its job's flag and moves the cursor back to it:
	 * with hundreds of connections parked, asking every active job after
	 * every completion was most of the loop's own CPU.
	 */
	unsigned char *waits;
	size_t nactive, cursor;
	unsigned inflight, max_inflight;
	/*
	 * Ops parked by the loop on a connection's readiness (sched_park):
	 * they hold no executor slot, so they count neither against
	 * max_inflight nor as a reason to keep later jobs waiting.  Each
	 * parked op lets one more job be active (its own buffers: one
	 * connection each).
	 */
	unsigned parked;
	size_t active_cap;
	/* called with each job as it is done, before another starts; NULL: none */
	void (*on_done)(void *arg, struct job *job);
	void *on_done_arg;
};

/* 0 or -ENOMEM. */
int sched_init(struct job_sched *s, struct job **jobs, size_t njobs,
	       unsigned max_inflight);
/*
 * The same for one of @loops loops taking their jobs from one array: each
 * new job is the next of *@next (an atomic cursor they share), so a loop
 * that is done early takes more.  A loop holds at most its share of the
 * jobs at once (njobs / loops, rounded up), or the first loop to start
 * would take them all before the others run.  A job is only ever run by
 * the loop that took it.
 */
int sched_init_shared(struct job_sched *s, struct job **jobs, size_t njobs,
		      unsigned max_inflight, size_t *next, unsigned loops);
void sched_free(struct job_sched *s);

/*
 * The next op to issue, counted as in flight, or NULL when none can be
 * issued now (the limit is reached, or every active job waits for a
 * completion, or all jobs are done).
 */
struct op *sched_next(struct job_sched *s);

/* Hands a finished op back to its job (which runs its compute). */
void sched_complete(struct job_sched *s, struct op *op);

/*
 * The loop parks @op, just handed out, until its connection is ready, or
 * (sched_unpark) takes it back to complete it.  Only for ops on
 * connections (op_is_socket): their wait costs no thread.
 */
void sched_park(struct job_sched *s);
void sched_unpark(struct job_sched *s);

static inline bool sched_done(const struct job_sched *s)
{
	return s->shared ? s->exhausted && s->nactive == 0 : s->ndone == s->njobs;
}

/* Ops handed out by sched_next and not yet completed. */
static inline unsigned sched_inflight(const struct job_sched *s)
{
	return s->inflight;
}

/* The limit given to sched_init. */
static inline unsigned sched_limit(const struct job_sched *s)
{
	return s->max_inflight;
}

/* Nothing in flight or parked, nothing to issue, yet not done: a workload bug. */
static inline bool sched_stalled(const struct job_sched *s)
{
	return s->inflight == 0 && s->parked == 0 && !sched_done(s);
}

#endif
