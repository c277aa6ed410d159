/* conc.h - exact counts of a trial's threads and processes.
 *
 * Sampling /proc every few milliseconds misses the workers of a short
 * trial, so the strategies count their own: every thread they run calls
 * conc_thread_start() first and conc_thread_end() last, and a worker
 * process conc_proc_start().  The counters live in the trial's shared
 * memory (forked workers write into the same ones) and are updated with
 * atomics.  The kernel's own io_uring workers are not ours to count here;
 * taskstats counts them after the trial (io_workers).
 */
#ifndef IOBENCH_CONC_H
#define IOBENCH_CONC_H

#include <stdint.h>

struct conc_counts {
	int64_t threads;	/* alive now, the trial's own thread included */
	int64_t threads_ran;	/* every thread that ran, the trial's included */
	int64_t procs;		/* processes, the trial process included */
};

/* Each takes where the counts go (strat_ctx.conc): NULL outside a trial (tests), then nothing. */
static inline void conc_thread_start(struct conc_counts *c)
{
	if (!c)
		return;
	__atomic_add_fetch(&c->threads, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&c->threads_ran, 1, __ATOMIC_RELAXED);
}

static inline void conc_thread_end(struct conc_counts *c)
{
	if (c)
		__atomic_sub_fetch(&c->threads, 1, __ATOMIC_RELAXED);
}

/* A worker process starts: counted, and its thread with it. */
static inline void conc_proc_start(struct conc_counts *c)
{
	if (c)
		__atomic_add_fetch(&c->procs, 1, __ATOMIC_RELAXED);
	conc_thread_start(c);
}

#endif
