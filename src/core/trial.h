/* trial.h - one measured execution of a workload under a strategy. */
#ifndef IOBENCH_TRIAL_H
#define IOBENCH_TRIAL_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "strategy.h"
#include "workload.h"

/* How to run one trial. */
struct trial_opts {
	unsigned workers;
	unsigned qd;
	/* the strategy's own options (strat_ctx.opt); NULL: all 0 */
	const uint64_t *st_opt;
	bool py_model;		/* --model python: CPython's interpreter lock (pymodel.h) */
	const double *py_cost;	/* ...and its constructs' costs (pycost.h); NULL: none */
	double py_unit_s;	/* ...and Python's extra per unit of the compute; 0: none */
	/*
	 * Count the requests io_uring hands to io-wq (a tracepoint event,
	 * tpcount.h).  Only in trials whose time is not used: with the event
	 * attached, md5 on tmpfs under io_uring (every read through io-wq)
	 * took 2.0x as long, 0.080 s against 0.040 s, three A/B pairs.
	 */
	bool count_iowq;
	uint64_t block;		/* read size for a workload with uses_block; 0: its own */
	enum cache_mode cache;
	bool pin;		/* bind threads and processes to distinct cores */
	bool latency;		/* record op latencies */
	/* when not NULL, filled after the trial: each job's digest (njobs of them) */
	unsigned char (*digests)[16];
	struct lat_set *lat;	/* ...and the latency histograms */
	/* when not NULL, called last before the clock starts (the ranks' barrier) */
	void (*ready)(void);
};

/* One row of results/<run-id>.csv. */
struct trial_rec {
	const char *workload;
	const char *strategy;
	unsigned trial;		/* 1-based, per (workload, strategy) */
	unsigned workers;
	unsigned qd;
	uint64_t block;			/* the read size of a uses_block workload; 0 for the others */
	enum cache_mode cache;
	double wall_s, user_s, sys_s;
	uint64_t peak_rss_kib, peak_rss_sum_kib;
	uint64_t minor_faults, major_faults, vol_ctx, invol_ctx;
	bool io_ok;				/* read_bytes, write_bytes measured */
	uint64_t read_bytes, write_bytes;	/* reached storage: /proc/self/io */
	bool mem_ok;				/* mem_base_kib, mem_net_kib measured */
	uint64_t mem_base_kib;			/* the harness: trial process at start */
	uint64_t mem_net_kib;			/* the strategy: peak above it, all processes */
	bool latency_on;			/* lat, inflight_* recorded (not --no-latency) */
	uint64_t bytes;				/* moved by the workload's ops */
	uint64_t ops;
	double mib_per_s, ops_per_s;
	double sum;			/* array: sum of the values read */
	char digest[33];
	bool valid;
	bool stopped;			/* SIGCONT seen: stopped mid-trial, not valid */
	char error[MSG_MAX];
	bool warmup;			/* not counted in any statistic */
	double resident_pct;		/* dataset in page cache at start; < 0: n/a */
	bool cache_flag;		/* the cache was not in the state asked for */
	enum op_type main_op;
	struct lat_pct lat[OP_NTYPES];	/* response time, per op type */
	struct lat_pct svc[OP_NTYPES];	/* service time, per op type */
	/* where the time went, summed over every thread and process */
	bool delay_ok;			/* delay accounting worked for this trial */
	double runq_wait_s, blkio_wait_s, other_s, task_s;
	unsigned delay_glitches;	/* impossible kernel values dropped */
	double steal_s;			/* the hypervisor's, all CPUs; < 0: n/a */
	/*
	 * What else used the machine during the trial (interfere.h): CPU time
	 * of processes outside the trial and the harness, and the kernel's
	 * pressure stall time (CPU, I/O; "some").  < 0: n/a.  disturbed: the
	 * other CPU and the steal came to more than --max-interference CPUs
	 * on average; like cache_flag, kept but never counted.
	 */
	double other_cpu_s, psi_cpu_s, psi_io_s;
	double idle_cpu_s;		/* CPU time nobody used meanwhile, all CPUs; < 0: n/a */
	bool disturbed;
	/* threads and processes the trial ran (itself included), counted as
	 * they start; the column keeps its old name, threads_max */
	unsigned threads_max, procs;
	int io_workers;			/* io_uring kernel workers (taskstats); -1: n/a */
	double sqpoll_cpu_s;		/* their SQPOLL threads' CPU (taskstats), in cpu_s too; -1 n/a */
	double ring_wait_s;		/* io_uring: asleep waiting for completions */
	double gil_wait_s;		/* --model python: threads' waits for the lock, summed; < 0 n/a */
	/* the I/O shape */
	uint64_t ops_by_type[OP_NTYPES];
	uint64_t bytes_read, bytes_written;
	uint64_t failed_requests;	/* answered with an error by the peer (net) */
	/*
	 * net: the delay the server itself added to its answers beyond their
	 * service time, mean and largest, µs (see sink_stats); < 0: n/a.  Not
	 * the strategy's: a large one says the server, not the strategy under
	 * test, set the pace.
	 */
	double server_late_us, server_late_max_us;
	/* net: connections from outside the run the server dropped (the trial is disturbed) */
	uint64_t foreign_conns;
	double inflight_avg;
	int64_t inflight_max;
	uint64_t enter_calls;		/* batched submit/reap calls (strat_ctx) */
	/*
	 * Ring strategies (uses_qd): SQEs prepared (strat_ctx), and requests
	 * the kernel handed to io-wq's kernel workers (io_uring's tracepoint;
	 * the rest completed inline or natively async).  -1: n/a (both, so
	 * the share is never of a missing count).
	 */
	int64_t uring_sqes, uring_iowq;
	int64_t hw[HW_N];		/* -1: n/a */
	char hw_why[128];
	char pins[256];			/* --pin: "loop0=cpu0 pool1=cpu1 pool2=any" */
	/* under mpirun: which rank ran it (-1: the aggregate of all ranks) */
	int rank;
	unsigned ranks;			/* ranks in the job; 1 alone */
	char node[64];			/* the host it ran on */
	double straggler;		/* aggregate: slowest rank's wall / the median rank's; < 0 n/a */
	double start_skew_s;		/* aggregate: latest start - earliest (the barrier's spread); < 0 n/a */
	uint64_t t_start_ns, t_end_ns;	/* CLOCK_MONOTONIC at fork and at exit */
};

/*
 * The CPUs taken from trial @t by everything else, on average over its
 * wall time: other processes' CPU plus the hypervisor's steal.  NaN when
 * neither was measured.
 */
double trial_interference(const struct trial_rec *t);

/*
 * Did more than @max_cpus (> 0; else never) interfere with @t, beyond
 * what the counters' resolution (INTERFERE_RES_S) can account for, while
 * leaving under half a CPU idle (TRIAL_IDLE_FREE)?  With CPUs to spare,
 * the others took nothing the trial wanted: a FUSE daemon serving its
 * reads, or a busy loop beside a trial that waits on a disk.
 */
#define TRIAL_IDLE_FREE 0.5
bool trial_disturbed(const struct trial_rec *t, double max_cpus);

/*
 * Runs one trial in a fresh child process and fills @rec.  The parent
 * times the child with CLOCK_MONOTONIC from fork() to exit and takes its
 * rusage from wait4().  Afterwards the workload checks the child's result
 * against its reference.  A failed trial is a record with valid = 0 and
 * an error, not a failure of this function, which returns -errno only
 * when no trial could be started at all (fork failed), or -EINTR when a
 * signal asked us to stop (the trial's processes are killed and reaped).
 */
int trial_run(const struct workload *wl, struct wl_ctx *wctx,
	      const struct strategy *st, const struct trial_opts *o,
	      struct trial_rec *rec);

#endif
