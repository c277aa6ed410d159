/* trial.h - one measured execution of a workload under a strategy. */
#ifndef IOBENCH_TRIAL_H
#define IOBENCH_TRIAL_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "hwcount.h"
#include "latency.h"
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

/*
 * The per-trial figures, each declared once, in the CSV's column order:
 * the member of struct trial_rec (where it is a plain one) and its entry
 * in the column table, from which the CSV, the JSON trial objects and the
 * MPI aggregate are made (trial_cols.h says what each field means).
 *
 *   COL(member, type, csv, group, json, decimals, n/a rule, ranks' rule)
 *	a plain member, declared by this list: type TC_U64, TC_I64,
 *	TC_UINT, TC_INT, TC_DBL, TC_BOOL or TC_PSTR
 *   OWN(member, type, csv, group, json, decimals, n/a, ranks', special, arg)
 *	a member struct trial_rec declares by hand (an array, a figure
 *	with a second entry, one a special writes in another unit)
 *   GEN(csv, group, json, decimals, n/a, ranks', special, arg)
 *	made by the writer from other members (enum tc_special)
 *
 * csv NULL: the JSON's only; group TG_NONE: the CSV's only.  Not measured
 * is one thing: the n/a rule says when, and the CSV says "n/a", the JSON
 * null.  A new column goes at the end of the CSV's (before the JSON's
 * only).
 */
#define TRIAL_COLS(COL, OWN, GEN) \
	GEN("run_id", TG_NONE, NULL, 0, NA_NEVER, AG_SELF, TS_RUN_ID, 0) \
	COL(workload, TC_PSTR, "workload", TG_TOP, "workload", 0, NA_NEVER, AG_SELF) \
	COL(strategy, TC_PSTR, "strategy", TG_TOP, "strategy", 0, NA_NEVER, AG_SELF) \
	COL(trial, TC_UINT, "trial", TG_TOP, "trial", 0, NA_NEVER, AG_SELF) \
	COL(workers, TC_UINT, "workers", TG_TOP, "workers", 0, NA_NEVER, AG_SELF) \
	COL(qd, TC_UINT, "queue_depth", TG_TOP, "queue_depth", 0, NA_NEVER, AG_SELF) \
	GEN("cache", TG_TOP, "cache", 0, NA_NEVER, AG_SELF, TS_CACHE, 0) \
	COL(wall_s, TC_DBL, "wall_s", TG_TOP, "wall_s", 6, NA_NEVER, AG_SELF) \
	COL(user_s, TC_DBL, "user_s", TG_TOP, "user_s", 6, NA_NEVER, AG_SUM) \
	COL(sys_s, TC_DBL, "sys_s", TG_TOP, "sys_s", 6, NA_NEVER, AG_SUM) \
	COL(peak_rss_kib, TC_U64, "peak_rss_kib", TG_TOP, "peak_rss_kib", 0, NA_NEVER, AG_MAX) \
	COL(peak_rss_sum_kib, TC_U64, "peak_rss_sum_kib", TG_TOP, "peak_rss_sum_kib", 0, \
	    NA_NEVER, AG_SUM) \
	COL(minor_faults, TC_U64, "minor_faults", TG_TOP, "minor_faults", 0, NA_NEVER, AG_SUM) \
	COL(major_faults, TC_U64, "major_faults", TG_TOP, "major_faults", 0, NA_NEVER, AG_SUM) \
	COL(vol_ctx, TC_U64, "vol_ctx", TG_TOP, "vol_ctx", 0, NA_NEVER, AG_SUM) \
	COL(invol_ctx, TC_U64, "invol_ctx", TG_TOP, "invol_ctx", 0, NA_NEVER, AG_SUM) \
	/* read_bytes, write_bytes: what reached storage (/proc/self/io) */ \
	COL(read_bytes, TC_U64, "read_bytes", TG_TOP, "read_bytes", 0, NA_IO, AG_SUM) \
	COL(write_bytes, TC_U64, "write_bytes", TG_TOP, "write_bytes", 0, NA_IO, AG_SUM) \
	/* moved by the workload's ops */ \
	COL(bytes, TC_U64, "bytes", TG_TOP, "bytes", 0, NA_NEVER, AG_SUM) \
	COL(ops, TC_U64, "ops", TG_TOP, "ops", 0, NA_NEVER, AG_SUM) \
	COL(mib_per_s, TC_DBL, "mib_per_s", TG_TOP, "mib_per_s", 3, NA_NEVER, AG_SELF) \
	COL(ops_per_s, TC_DBL, "ops_per_s", TG_TOP, "ops_per_s", 1, NA_NEVER, AG_SELF) \
	OWN(digest, TC_ASTR, "digest", TG_TOP, "digest", 0, NA_NEVER, AG_SELF, 0, 0) \
	COL(valid, TC_BOOL, "valid", TG_TOP, "valid", 0, NA_NEVER, AG_SELF) \
	OWN(error, TC_ASTR, "error", TG_TOP, "error", 0, NA_NEVER, AG_SELF, 0, 0) \
	/* not counted in any statistic */ \
	COL(warmup, TC_BOOL, "warmup", TG_TOP, "warmup", 0, NA_NEVER, AG_SELF) \
	GEN("outlier", TG_TOP, "outlier", 0, NA_NEVER, AG_SELF, TS_OUTLIER, 0) \
	OWN(resident_pct, TC_SPECIAL, "resident_pct", TG_TOP, "resident_pct", 1, NA_NEG, \
	    AG_SELF, TS_RESIDENT, 0) \
	/* the cache was not in the state asked for: kept, never counted */ \
	COL(cache_flag, TC_BOOL, "cache_flag", TG_TOP, "cache_flag", 0, NA_NEVER, AG_OR) \
	GEN("main_op", TG_TOP, "main_op", 0, NA_NEVER, AG_SELF, TS_MAIN_OP, 0) \
	GEN("lat_p50_us", TG_NONE, NULL, 1, NA_LAT, AG_SELF, TS_LAT, 0) \
	GEN("lat_p99_us", TG_NONE, NULL, 1, NA_LAT, AG_SELF, TS_LAT, 1) \
	GEN("lat_p999_us", TG_NONE, NULL, 1, NA_LAT, AG_SELF, TS_LAT, 2) \
	GEN("lat_max_us", TG_NONE, NULL, 1, NA_LAT, AG_SELF, TS_LAT, 3) \
	/* the read size of a uses_block workload; 0 for the others */ \
	COL(block, TC_U64, "block", TG_TOP, "block", 0, NA_NEVER, AG_SELF) \
	GEN("cpu_s", TG_BREAKDOWN, "cpu_s", 6, NA_NEVER, AG_SELF, TS_CPU, 0) \
	/* where the time went, summed over every thread and process */ \
	COL(runq_wait_s, TC_DBL, "runq_wait_s", TG_BREAKDOWN, "runq_wait_s", 6, NA_DELAY, AG_SUM) \
	COL(blkio_wait_s, TC_DBL, "blkio_wait_s", TG_BREAKDOWN, "blkio_wait_s", 6, NA_DELAY, \
	    AG_SUM) \
	COL(other_s, TC_DBL, "other_s", TG_BREAKDOWN, "other_s", 6, NA_DELAY, AG_SUM) \
	/* threads and processes the trial ran (itself included), counted as they start; the \
	 * column keeps its old name */ \
	COL(threads_max, TC_UINT, "threads_max", TG_BREAKDOWN, "threads_max", 0, NA_NEVER, \
	    AG_SUM) \
	COL(procs, TC_UINT, "procs", TG_BREAKDOWN, "procs", 0, NA_NEVER, AG_SUM) \
	/* ops in flight (latency recording): an upper bound over ranks, their peaks may differ \
	 * in time */ \
	COL(inflight_avg, TC_DBL, "inflight_avg", TG_IO_SHAPE, "inflight_avg", 2, NA_LAT, AG_SUM) \
	COL(inflight_max, TC_I64, "inflight_max", TG_IO_SHAPE, "inflight_max", 0, NA_LAT, AG_SUM) \
	/* batched submit/reap calls (strat_ctx) */ \
	COL(io_uring_enters, TC_U64, "io_uring_enters", TG_IO_SHAPE, "io_uring_enters", 0, \
	    NA_NEVER, AG_SUM) \
	GEN("cycles", TG_NONE, NULL, 0, NA_NEVER, AG_SELF, TS_HW, HW_CYCLES) \
	GEN("instructions", TG_NONE, NULL, 0, NA_NEVER, AG_SELF, TS_HW, HW_INSTRUCTIONS) \
	GEN("cache_misses", TG_NONE, NULL, 0, NA_NEVER, AG_SELF, TS_HW, HW_CACHE_MISSES) \
	/* impossible kernel values dropped */ \
	COL(delay_glitches, TC_UINT, "delay_glitches", TG_NONE, NULL, 0, NA_NEVER, AG_SUM) \
	/* the hypervisor's, all CPUs, machine-wide: once per node (ranks.c) */ \
	COL(steal_s, TC_DBL, "steal_s", TG_BREAKDOWN, "steal_s", 2, NA_NEG, AG_SELF) \
	/* the harness: the trial process at start; mem_net_kib: the strategy, its peak above \
	 * it over all processes */ \
	COL(mem_base_kib, TC_U64, "mem_base_kib", TG_TOP, "mem_base_kib", 0, NA_MEM, AG_SUM) \
	COL(mem_net_kib, TC_U64, "mem_net_kib", TG_TOP, "mem_net_kib", 0, NA_MEM, AG_SUM) \
	/* io_uring's kernel workers (taskstats) */ \
	COL(io_workers, TC_INT, "io_workers", TG_BREAKDOWN, "io_workers", 0, NA_NEG, AG_SUM_NA) \
	/* io_uring: asleep waiting for completions */ \
	COL(ring_wait_s, TC_DBL, "ring_wait_s", TG_BREAKDOWN, "ring_wait_s", 6, NA_NEVER, AG_SUM) \
	GEN("svc_p50_us", TG_NONE, NULL, 1, NA_LAT, AG_SELF, TS_SVC, 0) \
	GEN("svc_p99_us", TG_NONE, NULL, 1, NA_LAT, AG_SELF, TS_SVC, 1) \
	GEN("svc_p999_us", TG_NONE, NULL, 1, NA_LAT, AG_SELF, TS_SVC, 2) \
	GEN("svc_max_us", TG_NONE, NULL, 1, NA_LAT, AG_SELF, TS_SVC, 3) \
	GEN("rank", TG_TOP, "rank", 0, NA_NEVER, AG_SELF, TS_RANK, 0) \
	GEN("ranks", TG_TOP, "ranks", 0, NA_NEVER, AG_SELF, TS_RANKS, 0) \
	OWN(node, TC_ASTR, "node", TG_TOP, "node", 0, NA_NEVER, AG_SELF, 0, 0) \
	/* aggregate: the slowest rank's wall / the median rank's */ \
	COL(straggler, TC_DBL, "straggler", TG_TOP, "straggler", 3, NA_NEG, AG_SELF) \
	OWN(start_skew_s, TC_SPECIAL, "start_skew_us", TG_TOP, "start_skew_us", 1, NA_NEG, \
	    AG_SELF, TS_SKEW, 0) \
	/* answered with an error by the peer (net) */ \
	COL(failed_requests, TC_U64, "failed_requests", TG_IO_SHAPE, "failed_requests", 0, \
	    NA_NEVER, AG_SUM) \
	/* net: the delay the server itself added to its answers beyond their service time, \
	 * mean and largest, us (see sink_stats); a large one says the server, not the \
	 * strategy, set the pace; each rank has its own server: the worst of them (n/a unless a \
	 * rank has one) */ \
	COL(server_late_us, TC_DBL, "server_late_us", TG_IO_SHAPE, "server_late_us", 1, \
	    NA_NEG, AG_MAX) \
	COL(server_late_max_us, TC_DBL, "server_late_max_us", TG_IO_SHAPE, \
	    "server_late_max_us", 1, NA_NEG, AG_MAX) \
	/* what else used the machine (interfere.h): other processes' CPU, the kernel's \
	 * pressure stalls (CPU, I/O; "some"); each rank counts the others as other processes, \
	 * so n/a over ranks (ranks.c) */ \
	COL(other_cpu_s, TC_DBL, "other_cpu_s", TG_INTERFERENCE, "other_cpu_s", 3, NA_NEG, \
	    AG_SELF) \
	COL(psi_cpu_s, TC_DBL, "psi_cpu_s", TG_INTERFERENCE, "psi_cpu_s", 3, NA_NEG, AG_SELF) \
	COL(psi_io_s, TC_DBL, "psi_io_s", TG_INTERFERENCE, "psi_io_s", 3, NA_NEG, AG_SELF) \
	/* the other CPU and the steal came to more than --max-interference CPUs on average: \
	 * kept, never counted */ \
	COL(disturbed, TC_BOOL, "disturbed", TG_TOP, "disturbed", 0, NA_NEVER, AG_OR) \
	/* net: connections from outside the run the server dropped (the trial is disturbed) */ \
	COL(foreign_conns, TC_U64, "foreign_conns", TG_IO_SHAPE, "foreign_conns", 0, \
	    NA_NEVER, AG_SUM) \
	/* CPU time nobody used meanwhile, all CPUs */ \
	COL(idle_cpu_s, TC_DBL, "idle_cpu_s", TG_INTERFERENCE, "idle_cpu_s", 3, NA_NEG, AG_SELF) \
	/* --model python: the threads' waits for the interpreter lock, summed */ \
	COL(gil_wait_s, TC_DBL, "gil_wait_s", TG_BREAKDOWN, "gil_wait_s", 6, NA_NEG, AG_SUM_NA) \
	/* the JSON's only */ \
	/* array: the sum of the values read */ \
	COL(sum, TC_DBL, NULL, TG_TOP, "sum", -1, NA_NEVER, AG_SUM) \
	OWN(pins, TC_ASTR, NULL, TG_TOP, "pins", 0, NA_NEVER, AG_SELF, 0, 0) \
	/* io_uring's SQPOLL threads' CPU (taskstats), in cpu_s too */ \
	COL(sqpoll_cpu_s, TC_DBL, NULL, TG_BREAKDOWN, "sqpoll_cpu_s", 6, NA_NEG, AG_SELF) \
	COL(task_s, TC_DBL, NULL, TG_BREAKDOWN, "task_s", 6, NA_DELAY_OMIT, AG_SUM) \
	/* the JSON's (when delay accounting worked) */ \
	OWN(delay_glitches, TC_UINT, NULL, TG_BREAKDOWN, "delay_glitches", 0, NA_DELAY_OMIT, \
	    AG_SELF, 0, 0) \
	COL(bytes_read, TC_U64, NULL, TG_IO_SHAPE, "bytes_read", 0, NA_NEVER, AG_SUM) \
	COL(bytes_written, TC_U64, NULL, TG_IO_SHAPE, "bytes_written", 0, NA_NEVER, AG_SUM) \
	/* ring strategies: SQEs prepared (strat_ctx) and requests handed to io-wq (io_uring's \
	 * tracepoint); -1 n/a for both, so the share is never of a missing count */ \
	COL(io_uring_sqes, TC_I64, NULL, TG_IO_SHAPE, "io_uring_sqes", 0, NA_NEG, AG_SUM_NA) \
	COL(io_uring_iowq, TC_I64, NULL, TG_IO_SHAPE, "io_uring_iowq", 0, NA_NEG, AG_SUM_NA) \
	GEN(NULL, TG_INTERFERENCE, "cpus", 3, NA_NEVER, AG_SELF, TS_CPUS, 0)

#define TC_CTYPE_TC_U64 uint64_t
#define TC_CTYPE_TC_I64 int64_t
#define TC_CTYPE_TC_UINT unsigned
#define TC_CTYPE_TC_INT int
#define TC_CTYPE_TC_DBL double
#define TC_CTYPE_TC_BOOL bool
#define TC_CTYPE_TC_PSTR const char *
#define TRIAL_MEMBER(m, type, ...) TC_CTYPE_##type m;
#define TRIAL_NO_MEMBER(...)

/* One row of results/<run-id>.csv. */
struct trial_rec {
	TRIAL_COLS(TRIAL_MEMBER, TRIAL_NO_MEMBER, TRIAL_NO_MEMBER)
	/* the OWN members and what the GEN columns are made from */
	enum cache_mode cache;
	char digest[33];
	char error[MSG_MAX];
	double resident_pct;		/* dataset in page cache at start; < 0: n/a */
	enum op_type main_op;
	struct lat_pct lat[OP_NTYPES];	/* response time, per op type */
	struct lat_pct svc[OP_NTYPES];	/* service time, per op type */
	int64_t hw[HW_N];		/* -1: n/a */
	char hw_why[128];
	char pins[256];			/* --pin: "loop0=cpu0 pool1=cpu1 pool2=any" */
	/* under mpirun: which rank ran it (-1: the aggregate of all ranks) */
	int rank;
	unsigned ranks;			/* ranks in the job; 1 alone */
	char node[64];			/* the host it ran on */
	double start_skew_s;		/* aggregate: latest start - earliest (the barrier's spread); < 0 n/a */
	/* what the n/a rules read */
	bool io_ok;			/* read_bytes, write_bytes measured */
	bool mem_ok;			/* mem_base_kib, mem_net_kib measured */
	bool delay_ok;			/* delay accounting worked for this trial */
	bool latency_on;		/* lat, inflight_* recorded (not --no-latency) */
	/* kept for the harness, in no column */
	bool stopped;			/* SIGCONT seen: stopped mid-trial, not valid */
	uint64_t ops_by_type[OP_NTYPES];
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
