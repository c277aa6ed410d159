/* summary.h - from trials to statistics, comparisons and a recommendation. */
#ifndef IOBENCH_SUMMARY_H
#define IOBENCH_SUMMARY_H

#include <stdbool.h>
#include <stdio.h>

#include "stats.h"
#include "trial.h"

struct results;
struct run_meta;

enum metric { MET_WALL, MET_CPU, MET_RSS, MET_MIBS, MET_P99, MET_N };
extern const char *const metric_names[MET_N];

/* One (workload, strategy): counted, valid trials only. */
struct strat_summary {
	const char *workload, *strategy;
	unsigned valid, total, outliers;
	struct summary m[MET_N];
	double speedup, speedup_sd;	/* serial's median wall / this one's; 0: no serial */
	const char *unavailable;	/* why, when the strategy can't run here */
	const char *error;		/* the first failure, when none is valid */
};

/* The decision for one workload. */
struct verdict {
	const char *workload;
	int fastest, runner_up, pick;	/* indexes into rows, -1 if none */
	double p;			/* Mann-Whitney, fastest v runner-up wall times */
	bool tie;			/* p >= 0.05 */
	char reason[256];		/* one sentence */
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

/* Recommendation for the rows [first, first + n) of one workload.  Exposed for tests. */
void summary_verdict(const struct run_summary *s, size_t first, size_t n,
		     const struct results *r, struct verdict *v);

/* The terminal tables and recommendations. */
void summary_print(FILE *f, const struct run_summary *s, const struct run_meta *m);
/* results/<run-id>-summary.csv: one row per (workload, strategy). */
int summary_write_csv(FILE *f, const struct run_summary *s, const char *run_id);
/* The "summary" and "recommendations" members of the JSON. */
void summary_write_json(FILE *f, const struct run_summary *s);

#endif
