/* summary.h - from trials to statistics, comparisons and a recommendation. */
#ifndef IOBENCH_SUMMARY_H
#define IOBENCH_SUMMARY_H

#include <stdbool.h>
#include <stdio.h>

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
 * One (workload, strategy): counted, valid trials only.  A trial that did
 * not start in the cache state asked for (cache_flag) is valid but not
 * counted: it measured something else.
 */
struct strat_summary {
	const char *workload, *strategy;
	unsigned valid, total, outliers, cache_flagged;
	struct summary m[MET_N];
	double speedup, speedup_sd;	/* serial's median wall / this one's; 0: no serial */
	const char *unavailable;	/* why, when the strategy can't run here */
	const char *error;		/* the first failure, when none is valid */
};

#define SUMMARY_ALPHA 0.05
/* A CPU or memory difference decides a tie only when at least this large... */
#define SUMMARY_MIN_REL 0.10
/* ...and, for memory, above the kernel's counter resolution (memuse.h). */
#define SUMMARY_MIN_MEM_KIB 1024

/*
 * The decision for one workload.  The fastest (lowest median wall) is
 * tested against every other strategy (Mann-Whitney on wall times, Holm's
 * correction over those comparisons); the ones it is not separated from
 * are its equivalents.  Alone, it is picked.  With equivalents it is
 * picked only when it also uses measurably less CPU (then memory) than
 * each of them: significant and at least SUMMARY_MIN_REL less.  A slower
 * median is never picked on a weaker figure; otherwise nothing is picked
 * and the verdict names the equivalents.
 */
struct verdict {
	const char *workload;
	int fastest, runner_up, pick;	/* indexes into rows, -1 if none */
	int equiv[16];			/* rows not separated from the fastest, rows' order */
	unsigned nequiv;		/* the fastest included */
	double p;			/* fastest v runner-up, Holm-adjusted */
	double min_p;			/* the smallest p these trial counts allow */
	bool tie;			/* the fastest has equivalents */
	bool underpowered;		/* too few trials: no difference can be significant */
	char reason[256];		/* the verdict: the same text when a rerun agrees */
	char detail[512];		/* the numbers behind it */
	char outlier_note[384];		/* set when the outliers changed the verdict */
};

struct run_summary {
	struct strat_summary *rows;
	size_t n;
	struct verdict v[16];
	size_t nv;
};

/* Builds the summary; also sets each trial's outlier flag. */
void summary_compute(struct results *r, const struct run_meta *m,
		     struct run_summary *out);
void summary_free(struct run_summary *s);

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
 * the trials so far?  Yes when, with at least SUMMARY_MIN_DECIDE trials of
 * the fastest and the runner-up, the fastest is separated from every other
 * strategy, or it ties with the runner-up and both medians are known
 * within 5% (95% CIs).  @why says which, or why not.
 */
bool summary_decided(struct results *r, const struct run_meta *m, unsigned w, char *why,
		     size_t len);

/* Smallest two-sided p the exact Mann-Whitney test can give for na v nb. */
double summary_min_p(size_t na, size_t nb);

/* The terminal tables and recommendations. */
void summary_print(FILE *f, const struct run_summary *s, const struct run_meta *m);
/* results/<run-id>-summary.csv: one row per (workload, strategy). */
int summary_write_csv(FILE *f, const struct run_summary *s, const char *run_id);
/* The "summary" and "recommendations" members of the JSON. */
void summary_write_json(FILE *f, const struct run_summary *s);

#endif
