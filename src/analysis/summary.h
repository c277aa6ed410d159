/* summary.h - from trials to statistics, comparisons and a recommendation. */
#ifndef IOBENCH_SUMMARY_H
#define IOBENCH_SUMMARY_H

#include <stdbool.h>
#include <stdio.h>

#include "jsonh.h"
#include "ratio.h"
#include "stats.h"
#include "trial.h"

struct results;
struct run_meta;

/*
 * MET_MEM is the memory a strategy adds (mem_net_kib: all processes of the
 * trial, net of the harness); MET_P99 is the main op's response time.
 */
enum metric { MET_WALL, MET_CPU, MET_MEM, MET_MIBS, MET_P99, MET_N };
extern const char *const metric_names[MET_N];

/*
 * The figures the report and the plots describe a strategy by, beside the
 * metrics: only their medians are kept.  Named as the trial CSV's columns,
 * except iowq_share: of the SQEs io_uring took, the share io-wq ran (JSON's
 * io_shape.io_uring_iowq / io_uring_sqes).
 */
enum desc { DESC_USER, DESC_SYS, DESC_VOLCTX, DESC_STEAL, DESC_RUNQ, DESC_BLKIO, DESC_RING,
	    DESC_OTHER, DESC_MEMBASE, DESC_P50, DESC_P999, DESC_STRAGGLER, DESC_SKEW,
	    DESC_INFLIGHT, DESC_IOWQ_SHARE, DESC_IO_WORKERS, DESC_SERVER_LATE, DESC_GIL_WAIT,
	    DESC_N };
extern const char *const desc_names[DESC_N];

/*
 * Does trial @t count?  Valid, not warmup (nor a round's trial 0),
 * started in the cache state asked for, not disturbed by other processes
 * (trial.h), and under mpirun the aggregate of
 * the ranks (their own rows are kept, not counted): the one definition
 * every statistic (summary, verdict, sweep, compare) is computed over.
 */
bool summary_counted(const struct trial_rec *t);

/*
 * One (workload, strategy): counted, valid trials only.  A trial that did
 * not start in the cache state asked for (cache_flag), or that other
 * processes disturbed, is valid but not counted: it measured something else.
 */
struct strat_summary {
	const char *workload, *strategy;
	unsigned valid, total, outliers, cache_flagged;
	unsigned disturbed;		/* valid, but other processes took the CPUs (trial.h) */
	struct summary m[MET_N];
	double med[DESC_N];		/* medians; NaN when not measured */
	double *wall;			/* the counted wall times, in trial order */
	size_t nwall;
	/*
	 * A trend in the counted wall times, trial after trial (Mann-Kendall):
	 * the Theil-Sen change over the run relative to the median, its p, and
	 * whether it is a drift worth saying (significant and 10% or more):
	 * then the median describes a moving target.
	 */
	double trend_change, trend_p;
	bool drift;
	/*
	 * The counted wall times fall in two groups at least 2x apart, two or
	 * more trials each: as when the shorter trials fit in a throttled
	 * device's burst allowance and the others do not.
	 */
	bool bimodal;
	/* under mpirun: each rank's median wall over the counted trials (NaN: none) */
	double *rank_wall;
	unsigned nranks;
	double speedup, speedup_sd;	/* the baseline's median wall / this one's; 0: none */
	bool baseline;			/* this row is its workload's baseline (summary_baseline) */
	unsigned workers, qd;		/* what its counted trials ran with (tuned or given) */
	bool recommended, equivalent;	/* set from the verdicts */
	const char *unavailable;	/* why, when the strategy can't run here */
	const char *error;		/* the first failure, when none is valid */
};

#define SUMMARY_ALPHA 0.05
/* Equivalent by default when the ratio's 90% interval lies within 1 +- this (--margin). */
#define SUMMARY_MARGIN 0.05
/* A trend over the run is reported as drift from this relative change on. */
#define SUMMARY_DRIFT 0.10
/* A fastest median wall below this is too short to decide on (start-up weighs as much). */
#define SUMMARY_SHORT_S 0.005

/*
 * What the evidence says of two strategies, and of a workload: the
 * fastest is faster than another (the difference is significant after
 * Holm's correction and at least the margin), the two
 * are equivalent (the 90% interval of the ratio of their times lies
 * within 1 +- margin: the two one-sided tests of an equivalence at 5%
 * each), or it is undecided (neither).  "Not shown different" is never
 * "equivalent".  NONE: nothing to compare.
 */
enum outcome { OUTCOME_NONE, OUTCOME_FASTER, OUTCOME_EQUIVALENT, OUTCOME_UNDECIDED, OUTCOME_N };
extern const char *const outcome_names[OUTCOME_N];

/*
 * One comparison's outcome, from the ratio of the other's time over the
 * fastest's (@e) and its Holm-adjusted p: EQUIVALENT when the interval
 * lies within 1 +- @margin; FASTER when the difference is significant and
 * the ratio at least 1 + @margin (a gap under the margin is no
 * difference worth a pick); else UNDECIDED.  compare uses it too.
 */
enum outcome summary_outcome(const struct ratio_est *e, double p_holm, double margin);

/* The fastest against one other strategy. */
struct vcomp {
	int row;		/* the other's row in the summary */
	enum outcome outcome;	/* FASTER: the fastest is faster than it */
	struct ratio_est est;	/* the other's wall over the fastest's */
	double p_holm;		/* est.p after Holm's correction over the comparisons */
	double more;		/* undecided: trials more each that would decide; INFINITY: unknown */
};

/*
 * The decision for one workload (verdict.c).  The fastest (lowest median
 * wall) is compared with every other strategy (ratio.h).  Faster than all:
 * it is picked.  Faster than some and equivalent to the rest: the
 * simplest of the equivalent ones is picked (the registry lists the
 * strategies from the simplest).  Undecided against any: nothing is
 * picked, and the verdict says what would decide it.
 */
struct verdict {
	const char *workload;
	enum outcome outcome;
	int fastest, runner_up, pick;	/* indexes into rows, -1 if none */
	int equiv[16];			/* shown equivalent to the fastest, itself included */
	unsigned nequiv;
	struct vcomp cmp[16];		/* the fastest against each other with trials */
	unsigned ncmp;
	double p;			/* fastest v runner-up, Holm-adjusted */
	double margin;			/* of the equivalence */
	double more;			/* undecided: the most trials more any comparison needs */
	/*
	 * Every strategy is equivalent to the fastest and none keeps half a
	 * CPU busy: the storage is the limit, at about ceiling_mibs.
	 */
	bool storage_limit;
	double ceiling_mibs;
	/*
	 * The baseline (serial) kept a CPU busy 95% of its wall time or more:
	 * the job is compute-bound, at cpu_share; a strategy can gain only by
	 * running several jobs' compute on more cores, not through its I/O.
	 */
	bool compute_bound;
	double cpu_share;
	int cpu_row;		/* the baseline's index into rows (while the text is made) */
	/* The fastest's median is under SUMMARY_SHORT_S: undecided, start-up weighs as much. */
	bool too_short;
	/* The fastest's or an undecided other's counted times fall in two groups 2x apart. */
	bool bimodal;
	/*
	 * Trials of this workload that were disturbed (trial.h), of its valid
	 * ones, and the CPUs other processes and the hypervisor took during
	 * them, on average: the measured interference the verdict names.
	 */
	unsigned disturbed, trials;
	double other_cpus, steal_cpus;	/* over the disturbed trials that were not @foreign */
	unsigned foreign;		/* disturbed: other programs' connections reached the net server */
	char reason[320];		/* the headline: the same text when a rerun agrees */
	char detail[640];		/* the numbers behind it */
	char outlier_note[384];		/* set when the outliers changed the verdict */
	char interference[256];		/* set when trials were disturbed */
};

/*
 * A run's summary: rows in (workload, strategy) order as run, and one
 * verdict per workload.  Built from the trials by summary_compute, or read
 * back from a result file's JSON by summary_from_json (summary_io.c): the
 * report, plots and compare use the very figures the run printed.
 */
struct run_summary {
	struct strat_summary *rows;
	size_t n;
	struct verdict v[16];
	size_t nv;
	const char *baseline;	/* the registry's baseline; a workload's: summary_baseline */
	double margin;		/* of the equivalences (--margin) */
	bool *outlier;		/* per trial of the results; NULL when read back */
	size_t nrecs;
};

/*
 * The strategy @wl's speedups are relative to: serial, or for a replayed
 * program the one that runs it as recorded; NULL when there is none.
 */
const char *summary_baseline(const struct run_summary *s, const char *wl);

/*
 * Builds the summary of @r.  Outliers (modified z-score of wall_s above
 * 3.5 in their row) are flagged in out->outlier, never in the trials.
 */
void summary_compute(const struct results *r, const struct run_meta *m,
		     struct run_summary *out);
void summary_free(struct run_summary *s);
/*
 * The median of the figure @name (a metric or a desc name) of @row; NaN
 * when @row is NULL, has no counted trial or did not measure it.
 */
double summary_median(const struct strat_summary *row, const char *name);
/*
 * "threaded with 64 workers", "io_uring with qd 128", "serial": the
 * strategy with the setting its concurrency rides on, into @out.
 */
const char *summary_label(const struct strat_summary *row, char *out, size_t len);
/* The row of (@wl, @st), or NULL. */
const struct strat_summary *summary_row(const struct run_summary *s, const char *wl,
					const char *st);

/*
 * Recommendation for the rows [first, first + n) of one workload, from
 * the counted trials (without the outlier-flagged ones when
 * !with_outliers).  Exposed for tests.
 */
void summary_verdict(const struct run_summary *s, size_t first, size_t n,
		     const struct results *r, bool with_outliers, struct verdict *v);

/* --until-decided looks at a workload only from this many trials on. */
#define SUMMARY_MIN_DECIDE 10

/*
 * For --until-decided: is workload @w (index into m->cfg->wl) decided by
 * the trials so far?  Yes when its verdict is not undecided and the
 * fastest and the runner-up have SUMMARY_MIN_DECIDE trials each, or
 * fewer when every comparison's interval lies beyond SUMMARY_CLEAR (a gap
 * no streak of slow trials explains).  @why says which, or why not.
 */
bool summary_decided(const struct results *r, const struct run_meta *m, unsigned w, char *why,
		     size_t len);

#define SUMMARY_CLEAR 1.25

/* The terminal tables and recommendations (summary_io.c). */
void summary_print(FILE *f, const struct run_summary *s, const struct run_meta *m);
/* results/<run-id>-summary.csv: one row per (workload, strategy). */
int summary_write_csv(FILE *f, const struct run_summary *s, const char *run_id);
/* Adds "baseline", "summary" and "recommendations" to the run's JSON @root. */
void summary_to_json(const struct run_summary *s, json_t *root);
/*
 * Reads them back from @root into @out, whose strings point into @root.
 * 0, or -EBADMSG with @msg saying what is missing.
 */
int summary_from_json(const json_t *root, struct run_summary *out, char *msg, size_t len);

#endif
