/*
 * verdict.c - the decision per workload (the rule is in summary.h, the
 * statistics in ratio.h, the sentences in verdict_text.c) and
 * --until-decided's question: is it decided yet?
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "summary.h"
#include "summary_int.h"
#include "util.h"

const char *const outcome_names[OUTCOME_N] = { "none", "faster", "equivalent", "undecided" };

enum outcome summary_outcome(const struct ratio_est *e, double p_holm, double margin)
{
	if (e->method == RATIO_NONE)
		return OUTCOME_UNDECIDED;
	if (e->lo >= 1 / (1 + margin) && e->hi <= 1 + margin)
		return OUTCOME_EQUIVALENT;
	/*
	 * A gap smaller than the margin is never "faster": significant or
	 * not, it is below what the margin calls a difference, and on this
	 * VM such gaps (md5: forked 2% ahead of io_uring) came and went
	 * between two identical runs.
	 */
	if (p_holm < SUMMARY_ALPHA && e->lo > 1 && e->ratio >= 1 + margin)
		return OUTCOME_FASTER;
	return OUTCOME_UNDECIDED;
}

/* Per row of a workload: its counted wall times and median. */
struct vrow {
	double *wall;
	size_t n;
	double med;
};

/* The rows' wall times (without the outliers unless @with_outliers) and medians. */
static struct vrow *vrows_new(const struct run_summary *s, size_t first, size_t n,
			      const struct results *r, bool with_outliers)
{
	struct vrow *vr = xcalloc(n + 1, sizeof(*vr));

	for (size_t i = 0; i < n; i++) {
		double *tmp;

		vr[i].wall = xcalloc(r->n + 1, sizeof(double));
		vr[i].n = summary_samples(r, &s->rows[first + i], MET_WALL,
					  with_outliers ? NULL : s->outlier, vr[i].wall);
		/* stats_median sorts: a copy keeps the samples in trial order */
		tmp = xcalloc(vr[i].n + 1, sizeof(double));
		memcpy(tmp, vr[i].wall, vr[i].n * sizeof(double));
		vr[i].med = stats_median(tmp, vr[i].n);
		free(tmp);
	}
	return vr;
}

static void vrows_free(struct vrow *vr, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(vr[i].wall);
	free(vr);
}

/* The lowest and second-lowest median wall among rows with samples (-1: none). */
static void rank(const struct vrow *vr, size_t n, int *best, int *second)
{
	*best = *second = -1;
	for (size_t i = 0; i < n; i++) {
		if (!vr[i].n)
			continue;
		if (*best < 0 || vr[i].med < vr[*best].med) {
			*second = *best;
			*best = (int)i;
		} else if (*second < 0 || vr[i].med < vr[*second].med) {
			*second = (int)i;
		}
	}
}

/*
 * The fastest against every other with trials, one family (Holm), each
 * comparison judged faster, equivalent or undecided.
 */
static void compare_all(const struct vrow *vr, size_t first, size_t n, int best,
			struct verdict *v)
{
	double p[16];

	v->ncmp = 0;
	for (size_t i = 0; i < n; i++) {
		struct vcomp *c = &v->cmp[v->ncmp];

		if ((int)i == best || !vr[i].n)
			continue;
		c->row = (int)(first + i);
		ratio_estimate(vr[best].wall, vr[best].n, vr[i].wall, vr[i].n, SUMMARY_ALPHA,
			       &c->est);
		p[v->ncmp++] = c->est.p;
	}
	stats_holm(p, v->ncmp);
	for (unsigned k = 0; k < v->ncmp; k++) {
		struct vcomp *c = &v->cmp[k];
		const struct vrow *o = &vr[c->row - (int)first];
		double more;

		c->p_holm = p[k];
		c->more = NAN;
		c->outcome = summary_outcome(&c->est, c->p_holm, v->margin);
		if (c->outcome != OUTCOME_UNDECIDED)
			continue;
		/* Holm's first step is the strictest a comparison can meet */
		more = ratio_trials_needed(&c->est, SUMMARY_ALPHA / v->ncmp, SUMMARY_ALPHA,
					   v->margin);
		c->more = fmax(1, more - (double)(vr[best].n < o->n ? vr[best].n : o->n));
	}
}

/* Where a strategy stands from the simplest (the registry's order); unknown ones last. */
static size_t simplicity(const char *name)
{
	for (size_t i = 0; i < n_strategies; i++)
		if (!strcmp(strategies[i]->name, name))
			return i;
	return n_strategies;
}

/* The workload's outcome from its comparisons, and the pick. */
static void conclude(const struct strat_summary *rows, size_t first, int best, struct verdict *v)
{
	unsigned faster = 0, undecided = 0;

	v->nequiv = 0;
	v->equiv[v->nequiv++] = (int)first + best;
	v->more = 0;
	for (unsigned k = 0; k < v->ncmp; k++) {
		const struct vcomp *c = &v->cmp[k];

		faster += c->outcome == OUTCOME_FASTER;
		undecided += c->outcome == OUTCOME_UNDECIDED;
		if (c->outcome == OUTCOME_EQUIVALENT)
			v->equiv[v->nequiv++] = c->row;
		if (c->outcome == OUTCOME_UNDECIDED)
			v->more = fmax(v->more, c->more);
		if (c->row == v->runner_up)
			v->p = c->p_holm;
	}
	if (v->too_short || undecided) {
		v->outcome = OUTCOME_UNDECIDED;
		v->pick = -1;
		return;
	}
	v->outcome = faster == v->ncmp ? OUTCOME_FASTER : OUTCOME_EQUIVALENT;
	v->pick = (int)first + best;
	for (unsigned e = 0; e < v->nequiv; e++)
		if (simplicity(rows[v->equiv[e] - (int)first].strategy) <
		    simplicity(rows[v->pick - (int)first].strategy))
			v->pick = v->equiv[e];
}

/*
 * The storage is the limit: every strategy with trials is equivalent to
 * the fastest, and the fastest keeps under half a CPU busy, so neither
 * more concurrency nor less CPU would help.
 */
static void storage_limit(const struct strat_summary *rows, size_t nvalid, int best,
			  struct verdict *v)
{
	const struct summary *cpu = &rows[best].m[MET_CPU], *wall = &rows[best].m[MET_WALL];

	if (v->outcome != OUTCOME_EQUIVALENT || v->nequiv < nvalid || !cpu->n ||
	    !(wall->median > 0) || cpu->median / wall->median >= 0.5)
		return;
	v->storage_limit = true;
	v->ceiling_mibs = rows[best].m[MET_MIBS].median;
}

/*
 * Is serial (the registry's baseline; without it, the first strategy with
 * trials) on a CPU 95% of its time?  A replay's own baseline, the program
 * as recorded, runs its threads at once, so its share says less.
 */
static void compute_bound(const struct strat_summary *rows, size_t n, struct verdict *v)
{
	int pick = -1;

	for (size_t i = 0; i < n; i++) {
		const struct strategy *st = strategy_find(rows[i].strategy);
		const struct summary *cpu = &rows[i].m[MET_CPU], *wall = &rows[i].m[MET_WALL];

		if (!rows[i].valid || !cpu->n || !(wall->median > 0))
			continue;
		if (pick < 0 || (st && st->baseline))
			pick = (int)i;
		if (st && st->baseline)
			break;
	}
	if (pick < 0)
		return;
	v->cpu_share = rows[pick].m[MET_CPU].median / rows[pick].m[MET_WALL].median;
	v->compute_bound = v->cpu_share >= 0.95;
	v->cpu_row = pick;
}

/* The trials of the workload that were disturbed, and by how much, from @r. */
static void interference(const struct results *r, const char *wl, struct verdict *v)
{
	double other = 0, steal = 0;
	unsigned cpu = 0;

	for (size_t i = 0; i < r->n; i++) {
		const struct trial_rec *t = &r->recs[i];

		if (strcmp(t->workload, wl) || t->warmup || t->trial == 0 || !t->valid ||
		    (t->ranks > 1 && t->rank >= 0))
			continue;
		v->trials++;
		if (!t->disturbed)
			continue;
		v->disturbed++;
		if (t->foreign_conns) {
			v->foreign++;
			continue;
		}
		cpu++;
		other += fmax(t->other_cpu_s, 0) / t->wall_s;
		steal += fmax(t->steal_s, 0) / t->wall_s;
	}
	v->other_cpus = cpu ? other / cpu : 0;
	v->steal_cpus = cpu ? steal / cpu : 0;
}

static void verdict_reset(struct verdict *v, double margin)
{
	const char *wl = v->workload;

	memset(v, 0, sizeof(*v));
	v->workload = wl;
	v->fastest = v->runner_up = v->pick = -1;
	v->p = 1;
	v->margin = margin > 0 ? margin : SUMMARY_MARGIN;
}

void summary_verdict(const struct run_summary *s, size_t first, size_t n,
		     const struct results *r, bool with_outliers, struct verdict *v)
{
	const struct strat_summary *rows = s->rows + first;
	struct vrow *vr;
	int best, second;
	size_t nvalid = 0;

	n = n < 16 ? n : 16;
	vr = vrows_new(s, first, n, r, with_outliers);
	verdict_reset(v, s->margin);
	if (n)
		interference(r, rows[0].workload, v);
	rank(vr, n, &best, &second);
	if (best < 0) {
		v->outcome = v->disturbed ? OUTCOME_UNDECIDED : OUTCOME_NONE;
		verdict_text(rows, first, NULL, v);
		goto out;
	}
	v->fastest = v->pick = (int)first + best;
	if (second < 0) {
		verdict_text(rows, first, NULL, v);
		goto out;
	}
	v->runner_up = (int)first + second;
	v->too_short = vr[best].med < SUMMARY_SHORT_S;
	compare_all(vr, first, n, best, v);
	v->bimodal = stats_bimodal(vr[best].wall, vr[best].n);
	for (unsigned k = 0; k < v->ncmp; k++)
		if (v->cmp[k].outcome == OUTCOME_UNDECIDED) {
			const struct vrow *o = &vr[v->cmp[k].row - (int)first];

			v->bimodal |= stats_bimodal(o->wall, o->n);
		}
	conclude(rows, first, best, v);
	for (size_t i = 0; i < n; i++)
		nvalid += vr[i].n > 0;
	storage_limit(rows, nvalid, best, v);
	compute_bound(rows, n, v);
	{
		double med[16];

		for (size_t i = 0; i < n; i++)
			med[i] = vr[i].med;
		verdict_text(rows, first, med, v);
	}
out:
	vrows_free(vr, n);
}

/* Says when the flagged outliers made the verdict what it is. */
void verdict_outliers(const struct run_summary *s, size_t first, size_t n,
		      const struct results *r, struct verdict *v)
{
	struct verdict alt = { .workload = v->workload };
	unsigned outliers = 0;

	for (size_t i = first; i < first + n; i++)
		outliers += s->rows[i].outliers;
	if (!outliers)
		return;
	summary_verdict(s, first, n, r, false, &alt);
	if (!strcmp(alt.reason, v->reason))
		return;
	snprintf(v->outlier_note, sizeof(v->outlier_note),
		 "%u outlier trial%s changed this verdict: without them, %s", outliers,
		 outliers == 1 ? "" : "s", alt.reason);
}

/* Does every comparison's interval lie beyond SUMMARY_CLEAR (or within the margin)? */
static bool clear_gaps(const struct verdict *v)
{
	for (unsigned k = 0; k < v->ncmp; k++)
		if (v->cmp[k].outcome == OUTCOME_FASTER && !(v->cmp[k].est.lo > SUMMARY_CLEAR))
			return false;
	return v->outcome == OUTCOME_FASTER;
}

/* summary_decided on one workload's summary @s and its verdict @v. */
static bool decided(const struct run_summary *s, const struct verdict *v, char *why,
		    size_t len)
{
	const char *a, *b;

	if (v->fastest < 0 || v->runner_up < 0) {
		snprintf(why, len, "%s (%s)", v->outcome == OUTCOME_UNDECIDED ? "undecided" :
			 "nothing to separate", v->reason);
		return v->outcome != OUTCOME_UNDECIDED;
	}
	a = s->rows[v->fastest].strategy;
	b = s->rows[v->runner_up].strategy;
	if (v->outcome == OUTCOME_UNDECIDED) {
		snprintf(why, len, "%s", v->reason);
		return false;
	}
	/*
	 * Stopping at the first look that decides would lock in a streak: on
	 * this VM one strategy's md5 trials ran 25% slow for five rounds in
	 * a row and fine in the next run.  Every look needs at least
	 * SUMMARY_MIN_DECIDE trials of the two, unless the gaps are wider
	 * than such a streak.
	 */
	if ((s->rows[v->fastest].valid < SUMMARY_MIN_DECIDE ||
	     s->rows[v->runner_up].valid < SUMMARY_MIN_DECIDE) && !clear_gaps(v)) {
		snprintf(why, len, "undecided: fewer than %d trials of %s and %s", SUMMARY_MIN_DECIDE,
			 a, b);
		return false;
	}
	snprintf(why, len, "decided: %s", v->reason);
	return true;
}

bool summary_decided(const struct results *r, const struct run_meta *m, unsigned w,
		     char *why, size_t len)
{
	struct run_summary s = { 0 };
	struct verdict v = { .workload = m->cfg->wl[w]->name };
	bool yes;

	s.rows = xcalloc(m->cfg->n_st, sizeof(*s.rows));
	s.outlier = xcalloc(r->n + 1, sizeof(bool));
	s.margin = m->cfg->margin;
	summary_workload(r, m, w, s.rows, s.outlier);
	s.n = m->cfg->n_st;
	summary_verdict(&s, 0, s.n, r, true, &v);
	yes = decided(&s, &v, why, len);
	summary_free(&s);
	return yes;
}
