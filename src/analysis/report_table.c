/* report_table.c - a workload's table and its verdict, as the report writes them. */
#include <math.h>
#include <string.h>

#include "report.h"
#include "summary.h"

/* A number, or n/a when it was not measured. */
static void put_or_na(FILE *f, int decimals, double v)
{
	if (!isfinite(v)) {
		fputs("n/a", f);
		return;
	}
	fprintf(f, "%.*f", decimals, v);
}

static void table_row(FILE *f, const struct strat_summary *r)
{
	double sp = r->speedup;
	char lbl[96];

	if (!r->valid) {
		fprintf(f, "| %s | 0/%u | no valid trial | | | | | |\n", r->strategy, r->total);
		return;
	}
	fprintf(f, "| %s%s | %u/%u | %.3f [%.3f, %.3f] | ", summary_label(r, lbl, sizeof(lbl)),
		r->recommended ? " **(recommended)**" : r->equivalent ? " (equivalent)" : "",
		r->valid, r->total, r->m[MET_WALL].median, r->m[MET_WALL].ci_lo,
		r->m[MET_WALL].ci_hi);
	if (sp > 0 && !r->baseline)
		fprintf(f, "%.2f ± %.2f x %s", sp >= 1 ? sp : 1 / sp,
			sp >= 1 ? r->speedup_sd : r->speedup_sd / (sp * sp),
			sp >= 1 ? "faster" : "slower");
	fprintf(f, " | %.3f | ", r->m[MET_CPU].median);
	put_or_na(f, 2, r->m[MET_MEM].n ? r->m[MET_MEM].median / 1024 : NAN);
	fprintf(f, " | %.1f | ", r->m[MET_MIBS].median);
	put_or_na(f, 0, r->m[MET_P99].n ? r->m[MET_P99].median : NAN);
	fputs(" |\n", f);
}

void report_table(FILE *f, const struct run_data *rd, const char *wl,
		  const char **sts, size_t ns)
{
	fprintf(f, "| strategy | valid | median wall (s) [CI] | vs %s | CPU (s) | memory net "
		"(MiB) | MiB/s | p99 response (us) |\n|---|---|---|---|---|---|---|---|\n",
		summary_baseline(&rd->sum, wl) ? summary_baseline(&rd->sum, wl) : "baseline");
	for (size_t k = 0; k < ns; k++) {
		const struct strat_summary *r = summary_row(&rd->sum, wl, sts[k]);

		if (r)
			table_row(f, r);
	}
}

/* The verdict the run stored for workload @wl, as Markdown. */
void report_verdict(FILE *f, const struct run_data *rd, const char *wl)
{
	const struct verdict *v = NULL;

	for (size_t i = 0; i < rd->sum.nv; i++)
		if (!strcmp(rd->sum.v[i].workload, wl))
			v = &rd->sum.v[i];
	if (!v) {
		fputs("\n**Recommendation: none.** No recommendation recorded.\n\n", f);
		return;
	}
	if (v->pick >= 0) {
		char lbl[96];

		fprintf(f, "\n**Recommendation: %s**%s%s%s %s.",
			summary_label(&rd->sum.rows[v->pick], lbl, sizeof(lbl)),
			v->outcome == OUTCOME_NONE ? "" : " (",
			v->outcome == OUTCOME_NONE ? "" : outcome_names[v->outcome],
			v->outcome == OUTCOME_NONE ? "." : ").", v->reason);
	} else if (v->outcome == OUTCOME_UNDECIDED) {
		fprintf(f, "\n**Undecided.** %s.", v->reason);
	} else {
		fprintf(f, "\n**No single recommendation.** %s.", v->reason);
	}
	if (v->detail[0])
		fprintf(f, " (%s.)", v->detail);
	if (v->interference[0] && v->outcome != OUTCOME_UNDECIDED)
		fprintf(f, "\n\nNote: %s; those trials are left out of the statistics.",
			v->interference);
	if (v->outlier_note[0])
		fprintf(f, "\n\nNote: %s.", v->outlier_note);
	fputs("\n\n", f);
}

