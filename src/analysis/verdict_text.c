/*
 * verdict_text.c - the verdict in words: one headline a person can act on
 * (reason), the numbers behind it (detail) and the measured interference.
 * The headline holds the outcome's words and names only; its numbers are
 * what a rerun may move by a point or two.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "summary.h"
#include "summary_int.h"

/* Appends to @buf (of @len) what the format says, never past its end. */
__attribute__((format(printf, 3, 4)))
static void add(char *buf, size_t len, const char *fmt, ...)
{
	size_t off = strlen(buf);
	va_list ap;

	if (off + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + off, len - off, fmt, ap);
	va_end(ap);
}

/* "a", "a and b", "a, b and c": the rows @idx (absolute) by strategy name. */
static void names(const struct strat_summary *rows, size_t first, const int *idx, unsigned n,
		  char *out, size_t len)
{
	out[0] = '\0';
	for (unsigned i = 0; i < n; i++)
		add(out, len, "%s%s", i == 0 ? "" : i + 1 == n ? " and " : ", ",
		    rows[(size_t)idx[i] - first].strategy);
}

/* Which test decided the comparisons: one method, or how many each. */
static const char *methods(const struct verdict *v, char *out, size_t len)
{
	unsigned k[3] = { 0 };

	for (unsigned c = 0; c < v->ncmp; c++)
		k[v->cmp[c].est.method]++;
	if (!k[RATIO_LOGNORMAL] && !k[RATIO_RANK])
		snprintf(out, len, "no test: under 2 trials on a side");
	else if (k[RATIO_LOGNORMAL] && !k[RATIO_RANK])
		snprintf(out, len, "the log-normal model (Welch's t on log wall times)");
	else if (k[RATIO_RANK] && !k[RATIO_LOGNORMAL])
		snprintf(out, len, "rank tests (Mann-Whitney, Hodges-Lehmann interval): the times "
			 "have outliers or two groups, which the log-normal model does not allow");
	else
		snprintf(out, len, "the log-normal model for %u comparison%s, rank tests for %u "
			 "(outliers or two groups)", k[RATIO_LOGNORMAL],
			 k[RATIO_LOGNORMAL] == 1 ? "" : "s", k[RATIO_RANK]);
	if (k[RATIO_NONE] && (k[RATIO_LOGNORMAL] || k[RATIO_RANK]))
		add(out, len, "; %u with under 2 trials on a side", k[RATIO_NONE]);
	return out;
}

/* Each comparison's ratio and interval: "serial 2.01 [1.90, 2.13] p=0.001". */
static void comparisons(const struct strat_summary *rows, size_t first, const struct verdict *v,
			char *out, size_t len)
{
	for (unsigned k = 0; k < v->ncmp; k++) {
		const struct vcomp *c = &v->cmp[k];

		add(out, len, "%s%s %s: ", k ? "; " : "", rows[(size_t)c->row - first].strategy,
		    outcome_names[c->outcome]);
		if (c->est.method == RATIO_NONE)
			add(out, len, "under 2 trials on a side");
		else
			add(out, len, "x%.3g [%.3g, %.3g] p=%.2g", c->est.ratio, c->est.lo,
			    c->est.hi, c->p_holm);
	}
}

/* v->interference: the trials other processes or the hypervisor disturbed. */
static void interference_text(struct verdict *v)
{
	char *o = v->interference;
	size_t len = sizeof(v->interference);

	o[0] = '\0';
	if (v->disturbed > v->foreign) {
		if (v->other_cpus >= 0.05 || v->steal_cpus < 0.05)
			add(o, len, "other processes used %.2f CPUs", v->other_cpus);
		if (v->steal_cpus >= 0.05)
			add(o, len, "%sthe hypervisor took %.2f CPUs (steal)", o[0] ? " and " : "",
			    v->steal_cpus);
		add(o, len, " during %u of %u trials", v->disturbed - v->foreign, v->trials);
	}
	if (v->foreign)
		add(o, len, "%sconnections from outside the run reached the net server during %u of "
		    "%u trials", o[0] ? "; " : "", v->foreign, v->trials);
}

/* What would decide it: more trials, a quieter machine, a bigger --size. */
static void what_decides(const struct verdict *v, char *out, size_t len)
{
	if (v->too_short) {
		add(out, len, ": the trials are too short (under %.0f ms), start-up weighs as much "
		    "as the strategy; use a bigger --size", 1e3 * SUMMARY_SHORT_S);
		return;
	}
	if (isinf(v->more))
		add(out, len, ": needs more trials each");
	else if (v->more > 1000)
		add(out, len, ": needs over 1000 more trials each at this spread");
	else
		add(out, len, ": needs about %.0f more trial%s each", v->more, v->more == 1 ? "" : "s");
	if (v->disturbed)
		add(out, len, ", or a quieter machine (%s)", v->interference);
	if (v->bimodal)
		add(out, len, "; trial times fall in two groups 2x apart");
}

static void faster_text(const struct strat_summary *rows, size_t first, const double *med,
			struct verdict *v)
{
	const struct strat_summary *a = &rows[v->fastest - (int)first];
	const struct strat_summary *b = &rows[v->runner_up - (int)first];
	double ma = med[v->fastest - (int)first], mb = med[v->runner_up - (int)first];
	char la[96], lb[96], how[200];

	snprintf(v->reason, sizeof(v->reason), "%s is fastest (%.0f%% less time than %s)",
		 summary_label(a, la, sizeof(la)), 100 * (mb - ma) / mb,
		 summary_label(b, lb, sizeof(lb)));
	snprintf(v->detail, sizeof(v->detail), "median %.4g s against the runner-up's %.4g s; "
		 "each other's time over the fastest's, 90%% interval and Holm-adjusted p: ", ma, mb);
	comparisons(rows, first, v, v->detail, sizeof(v->detail));
	add(v->detail, sizeof(v->detail), "; decided by %s", methods(v, how, sizeof(how)));
}

static void equivalent_text(const struct strat_summary *rows, size_t first, const double *med,
			    struct verdict *v)
{
	const struct strat_summary *f = &rows[v->fastest - (int)first];
	char group[160], lp[96], lf[96], how[200];

	names(rows, first, v->equiv, v->nequiv, group, sizeof(group));
	snprintf(v->reason, sizeof(v->reason), "%s are equivalent within %.3g%%; keep %s, the %s",
		 group, 100 * v->margin, summary_label(&rows[v->pick - (int)first], lp, sizeof(lp)),
		 v->nequiv > 2 ? "simplest" : "simpler");
	snprintf(v->detail, sizeof(v->detail), "the fastest median: %s, %.4g s; each other's time "
		 "over it, 90%% interval: ", summary_label(f, lf, sizeof(lf)),
		 med[v->fastest - (int)first]);
	comparisons(rows, first, v, v->detail, sizeof(v->detail));
	add(v->detail, sizeof(v->detail), "; decided by %s", methods(v, how, sizeof(how)));
	if (v->storage_limit)
		add(v->detail, sizeof(v->detail), "; the storage is the limit: every strategy reaches "
		    "about %.3g MiB/s and the fastest keeps under half a CPU busy", v->ceiling_mibs);
}

static void undecided_text(const struct strat_summary *rows, size_t first, const double *med,
			   struct verdict *v)
{
	int open[16];
	unsigned n = 0;
	char list[160], how[200], lf[96];

	open[n++] = v->fastest;
	for (unsigned k = 0; k < v->ncmp; k++)
		if (v->cmp[k].outcome == OUTCOME_UNDECIDED)
			open[n++] = v->cmp[k].row;
	if (n == 1)
		open[n++] = v->runner_up;	/* too short: the runner-up is the question */
	names(rows, first, open, n, list, sizeof(list));
	snprintf(v->reason, sizeof(v->reason), "undecided between %s", list);
	what_decides(v, v->reason, sizeof(v->reason));
	snprintf(v->detail, sizeof(v->detail), "the leader: %s, median %.4g s; each other's time "
		 "over it, 90%% interval and Holm-adjusted p: ",
		 summary_label(&rows[v->fastest - (int)first], lf, sizeof(lf)),
		 med[v->fastest - (int)first]);
	comparisons(rows, first, v, v->detail, sizeof(v->detail));
	add(v->detail, sizeof(v->detail), "; by %s", methods(v, how, sizeof(how)));
}

/* A measured cause that holds whatever the outcome: the job is compute-bound. */
static void compute_text(const struct strat_summary *rows, struct verdict *v)
{
	char l[96];
	const struct strat_summary *base = &rows[v->cpu_row];

	if (!v->compute_bound)
		return;
	/* a strategy that wins by running compute on more cores: the detail says why */
	if (v->outcome != OUTCOME_FASTER)
		add(v->reason, sizeof(v->reason), "; the job is compute-bound");
	add(v->detail, sizeof(v->detail), "%scompute-bound: %s kept a CPU busy %.0f%% of its "
	    "time, so no I/O strategy changes it much; a strategy gains only by running several "
	    "jobs' compute on more cores", v->detail[0] ? "; " : "",
	    summary_label(base, l, sizeof(l)), 100 * v->cpu_share);
}

void verdict_text(const struct strat_summary *rows, size_t first, const double *med,
		  struct verdict *v)
{
	char l[96];

	v->reason[0] = v->detail[0] = '\0';
	interference_text(v);
	if (v->fastest < 0 && v->disturbed) {
		snprintf(v->reason, sizeof(v->reason), "undecided: every valid trial was disturbed "
			 "(%.200s); a quieter machine would decide it, or --max-interference",
			 v->interference);
		return;
	}
	if (v->fastest < 0) {
		snprintf(v->reason, sizeof(v->reason),
			 "no strategy produced a valid trial: no recommendation");
		return;
	}
	if (v->runner_up < 0 || !med) {
		snprintf(v->reason, sizeof(v->reason), "%s is the only strategy with valid trials",
			 summary_label(&rows[v->fastest - (int)first], l, sizeof(l)));
		return;
	}
	if (v->outcome == OUTCOME_FASTER)
		faster_text(rows, first, med, v);
	else if (v->outcome == OUTCOME_EQUIVALENT)
		equivalent_text(rows, first, med, v);
	else
		undecided_text(rows, first, med, v);
	compute_text(rows, v);
}
