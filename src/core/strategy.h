/* strategy.h - an executor of jobs.
 *
 * Like an fio ioengine or an IOR backend: a table of functions, one file
 * per strategy in strategies/.  The harness never knows which one it runs.
 */
#ifndef IOBENCH_STRATEGY_H
#define IOBENCH_STRATEGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "job.h"
#include "option.h"

struct conc_counts;
struct pin_map;

/*
 * What a strategy's run() gets: the jobs, its settings, and where the
 * trial's counters live (a forked worker writes into the same ones).
 */
struct strat_ctx {
	struct job **jobs;
	size_t njobs;
	unsigned workers;	/* threads or processes, where the model has them */
	unsigned qd;		/* ring depth, where the model has one */
	/* the values of the strategy's own options, indexed as its table */
	const uint64_t *opt;
	/* --pin: bind each thread or process to its own core, noting where (pin.h); NULL: not */
	struct pin_map *pin;
	/* every thread and process run() starts is counted here (conc.h) */
	struct conc_counts *conc;
	/* the jobs' latency record (each job's lat); NULL: not recorded, and no stamps */
	struct lat_set *lat;
	char msg[512];		/* why run() failed, when it returns -errno */
	uint64_t peak_rss_sum_kib;	/* set by strategies that fork workers */
	uint64_t workers_net_kib;	/* their peak memory above their start, summed */
	bool workers_mem_fail;		/* a worker could not measure it */
	/*
	 * Filled by strategies that submit ops in batches (io_uring today;
	 * the others leave 0): the system calls that submitted or reaped a
	 * batch, and the time the loop slept in them waiting for completions
	 * (taken out of the kernel's block-I/O wait, taskstats.c).
	 */
	uint64_t io_uring_enters;
	uint64_t ring_wait_ns;
	uint64_t io_uring_sqes;	/* ring strategies: SQEs prepared (a short transfer's rest too) */
};

struct strategy {
	const char *name;
	const char *desc;
	/* Its own options (at most WL_MAX_KNOBS), as a workload's: ctx->opt holds their values. */
	const struct wl_option *options;
	size_t noptions;
	/* Does no I/O at all: its results can't match a reference (null). */
	bool no_io;
	/*
	 * The others are measured against it ("2x faster than serial"): the
	 * simplest model.  Exactly one registered strategy has it (checked
	 * by test_registry).
	 */
	bool baseline;
	/*
	 * One event-loop thread runs every job's compute, whatever the
	 * workers: on CPU-heavy work it runs at the baseline's speed by
	 * design, and the report says so when it loses.
	 */
	bool one_loop_thread;
	/*
	 * Runs the jobs as the program they come from did (wl_ctx.as_recorded):
	 * the baseline of a workload that has a recorded program behind it
	 * (workload.has_recorded), and run in `--strategy all` only with one.
	 */
	bool as_recorded;
	/*
	 * No construct of Python's standard library works this way (io_uring):
	 * --model python does not run it.
	 */
	bool no_python;
	/* Which knobs shape it: recorded as the workers / queue_depth columns. */
	bool uses_workers;	/* --workers threads or processes */
	bool uses_qd;		/* --qd ring entries */
	/* Its workers pull whole jobs: more of them than jobs only sit idle. */
	bool jobs_per_worker;
	/* Its workers are processes, not threads: nothing shared but what is mapped. */
	bool worker_processes;
	/*
	 * Checks the strategy works on this machine and kernel.  Returns 0,
	 * or -errno with a one-line reason in @why.  NULL: always works.
	 */
	int (*probe)(char *why, size_t len);
	/*
	 * Runs every job to completion.  An op that fails is the job's
	 * business (it lands in the job's result); run() returns -errno only
	 * when the strategy itself failed (a worker died, a ring could not
	 * be set up), with ctx->msg set.  Must not return before every job
	 * it started has stopped touching its buffers.
	 */
	int (*run)(struct strat_ctx *ctx);
};

#endif
