/* summary_int.h - what summary.c and verdict.c share; not for other modules. */
#ifndef IOBENCH_SUMMARY_INT_H
#define IOBENCH_SUMMARY_INT_H

#include "results.h"
#include "summary.h"

/* The counted values of metric @m of @row (without the trials marked in @skip). */
size_t summary_samples(const struct results *r, const struct strat_summary *row, enum metric m,
		       const bool *skip, double *out);
/* One row per strategy of workload @w (index into m->cfg->wl) into @rows; flags outliers. */
void summary_workload(const struct results *r, const struct run_meta *m, unsigned w,
		      struct strat_summary *rows, bool *outlier);
/* Says in v->outlier_note when the flagged outliers made the verdict what it is. */
void verdict_outliers(const struct run_summary *s, size_t first, size_t n,
		      const struct results *r, struct verdict *v);

/*
 * The verdict's sentences (verdict_text.c): v->reason, detail and
 * interference from its outcome and comparisons.  @med: each row's median
 * wall as the verdict counted it (NULL when nothing was compared).
 */
void verdict_text(const struct strat_summary *rows, size_t first, const double *med,
		  struct verdict *v);

#endif
