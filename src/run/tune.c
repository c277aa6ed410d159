/*
 * tune.c - before a workload's counted rounds, each strategy's concurrency:
 * the knob it rides on doubled from the cores while the wall time drops
 * by more than 5% (runloop.c runs the rounds).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "dist.h"
#include "plan.h"
#include "registry.h"
#include "runloop_int.h"
#include "signals.h"
#include "stats.h"
#include "util.h"

#define TUNE_TRIALS 2		/* per setting: a median of two, not one lucky trial */
#define TUNE_GAIN 1.05		/* the next doubling must cut the wall by more than 5% */
#define TUNE_MAX_WORKERS 256
#define TUNE_MAX_QD 1024

/*
 * The median wall of TUNE_TRIALS trials of strategy @s at concurrency @k on
 * workload @w, on every rank (rank 0's aggregates, broadcast); NaN when one
 * failed.  Tuning trials are never recorded.  *@go: false once a signal
 * asked us to stop.
 */
static double tune_measure(struct trial_loop *tl, unsigned w, unsigned s, unsigned k, bool *go)
{
	const struct strategy *st = tl->cfg->st[s];
	struct plan_cell c = { .st = s };
	struct results scratch = { 0 };
	double walls[TUNE_TRIALS], med = NAN;
	size_t n = 0;
	bool bad = false;

	/* a ring's depth is tuned where there is one; a pool's workers otherwise */
	plan_shape(st, st->uses_qd ? tl->cfg->workers : k, st->uses_qd ? k : tl->cfg->qd,
		   &c.workers, &c.qd);
	for (unsigned t = 0; t < TUNE_TRIALS && *go; t++) {
		const struct trial_rec *row;

		*go = runloop_trial(tl, w, &c, 0, true, &scratch, &row);
		if (row && !row->valid)
			bad = true;
		else if (row)
			walls[n++] = row->wall_s;
	}
	if (dist.rank == 0 && !bad && n == TUNE_TRIALS)
		med = stats_median(walls, n);
	dist_bcast(&med, sizeof(med));
	results_free(&scratch);
	return med;
}

/*
 * Strategy @s on workload @w at its best concurrency: from the cores,
 * doubling the knob it rides on while the wall drops by more than 5%
 * from the best so far, or did two doublings ago: one flat step is
 * crossed.  io_uring on array went qd 8 0.316 s, 16 0.314 s, 32 0.292 s,
 * 64 0.256 s; stopping at the first flat step kept qd 8 in one run and
 * qd 64 in the next, and the workload's verdict flipped with it.  A pool
 * that pulls whole jobs never gets more workers than there are jobs.
 */
static void tune_one(struct trial_loop *tl, struct run_meta *meta, unsigned w, unsigned s,
		     bool *go)
{
	struct config *cfg = tl->cfg;
	const struct strategy *st = cfg->st[s];
	struct tune_path *p = &meta->tuning[w][s];
	unsigned k = (unsigned)sysinfo_cores(), cap = st->uses_qd ? TUNE_MAX_QD : TUNE_MAX_WORKERS;
	double best = NAN;
	unsigned flat = 0;	/* doublings in a row without the gain */

	if (st->jobs_per_worker && tl->ctxs[w].njobs < cap)
		cap = tl->ctxs[w].njobs > k ? (unsigned)tl->ctxs[w].njobs : k;
	p->knob = st->uses_qd ? "qd" : "workers";
	while (*go && p->n < TUNE_MAX_STEPS) {
		double wall = tune_measure(tl, w, s, k, go);

		p->k[p->n] = k;
		p->wall[p->n++] = wall;
		if (!isfinite(wall))
			break;
		if (isfinite(best) && !(wall < best / TUNE_GAIN)) {
			if (++flat == 2)
				break;
		} else {
			flat = 0;
			best = wall;
			p->chosen = k;
		}
		if (k * 2 > cap)
			break;
		k *= 2;
	}
	cfg->tuned[w][s] = p->chosen;
}

/* What tuning found for workload @w, one line per strategy. */
static void tune_say(const struct config *cfg, const struct run_meta *meta, unsigned w)
{
	for (unsigned s = 0; s < cfg->n_st && !cfg->quiet; s++) {
		const struct tune_path *p = &meta->tuning[w][s];

		if (!p->knob)
			continue;
		printf("tuning %s/%s %s:", cfg->wl[w]->name, cfg->st[s]->name, p->knob);
		for (unsigned i = 0; i < p->n; i++)
			printf(" %u (%.3g s)", p->k[i], p->wall[i]);
		if (p->chosen)
			printf(": runs at %u\n", p->chosen);
		else
			printf(": failed, runs at the default\n");
	}
}

/* Is the concurrency of strategy @s ours to tune in this run? */
static bool tunable(const struct config *cfg, const struct run_meta *meta, unsigned s)
{
	const struct strategy *st = cfg->st[s];

	if (cfg->no_tune || cfg->sweep || cfg->profile || meta->unavailable[s] || st->no_io)
		return false;
	/* the knob tuned is the ring's depth where there is one, else the workers */
	return st->uses_qd ? !cfg->qd_given : st->uses_workers && !cfg->workers_given;
}

/* Before the counted rounds of workload @w: each strategy at its best concurrency. */
bool tune_workload(struct trial_loop *tl, struct run_meta *meta, unsigned w)
{
	bool go = true, any = false;

	for (unsigned s = 0; s < tl->cfg->n_st && go; s++)
		if (tunable(tl->cfg, meta, s)) {
			tune_one(tl, meta, w, s, &go);
			any = true;
		}
	if (any && dist.rank == 0)
		tune_say(tl->cfg, meta, w);
	return go;
}

/*
 * Per workload: the warmup rounds, then the counted ones; then, with
 * --until-decided, the extra rounds.  Returns the number of failed trials.
 */
