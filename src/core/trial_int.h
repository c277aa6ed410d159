/* trial_int.h - what trial.c (the parent's side) and trial_child.c (the trial process) share. */
#ifndef IOBENCH_TRIAL_INT_H
#define IOBENCH_TRIAL_INT_H

#include "conc.h"
#include "hwcount.h"
#include "latency.h"
#include "pin.h"
#include "tpcount.h"
#include "trial.h"
#include "workload.h"

/* What a trial process hands back to the harness (lives in shared memory). */
struct trial_out {
	int err;			/* 0, or -errno of the first failure */
	char msg[MSG_MAX];
	struct wl_out wl;		/* the workload's digest and sum (finish) */
	uint64_t ops;
	uint64_t ops_by_type[OP_NTYPES];
	uint64_t bytes_read;
	uint64_t bytes_written;
	uint64_t peak_rss_sum_kib;	/* strategies with worker processes */
	bool mem_ok;			/* the two below were measured */
	uint64_t mem_base_kib;		/* trial process resident when the strategy starts */
	uint64_t mem_net_kib;		/* peak above that, over all its processes */
	bool io_ok;			/* the two below were measured */
	uint64_t read_bytes, write_bytes;	/* storage I/O: /proc/self/io deltas */
	uint64_t ring_wait_ns;		/* batching strategies: asleep waiting for completions */
	uint64_t gil_wait_ns;		/* --model python: every thread's wait for the lock */
	struct conc_counts conc;	/* threads and processes, counted exactly */
	struct pin_map pins;		/* --pin: where each thread went */
	int stopped;			/* a SIGCONT reached the trial or a worker */
	uint64_t run_ns;		/* the strategy's run, for average in-flight ops */
	uint64_t io_uring_enters;	/* batching strategies: submit/reap calls */
	uint64_t io_uring_sqes;		/* ring strategies: SQEs prepared */
	int64_t hw[HW_N];		/* hardware counters; -1: n/a */
	char hw_why[128];		/* why they are n/a */
	int64_t tp[TP_N];		/* ring strategies: io_uring's tracepoints; -1: n/a */
	struct lat_set lat;		/* every op's latency, by type */
};

/*
 * The trial process after the fork: sets up its counters, makes the jobs,
 * runs @st on them, folds the results into @out and @res (memory the
 * parent reads after), and exits.
 */
_Noreturn void trial_child(const struct workload *wl, struct wl_ctx *wctx,
			   const struct strategy *st, const struct trial_opts *o,
			   struct trial_out *out, struct job_result *res);

#endif
