/* plan.c - see plan.h. */
#include "plan.h"
#include "strategy.h"
#include "workload.h"
#include "util.h"
#include "prng.h"

void plan_round(unsigned n, unsigned round, bool shuffle, uint64_t seed,
		unsigned *order)
{
	struct prng g;

	for (unsigned i = 0; i < n; i++)
		order[i] = i;
	if (!shuffle || n < 2)
		return;
	prng_seed(&g, seed, 0x5401f1e000000000ULL + round);
	for (unsigned i = n - 1; i > 0; i--) {	/* Fisher-Yates */
		unsigned j = (unsigned)prng_below(&g, i + 1), t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
}

void plan_shape(const struct strategy *s, uint64_t workers, uint64_t qd, unsigned *w,
		unsigned *q)
{
	*w = s->uses_workers ? (unsigned)workers : 1;
	/* a pool of N blocking workers keeps at most N ops in flight */
	*q = s->uses_qd ? (unsigned)qd : *w;
}

size_t plan_cells(const struct config *cfg, const char *const *unavailable, unsigned wi,
		  struct plan_cell *cells)
{
	const struct workload *wl = cfg->wl[wi];
	const uint64_t *W = cfg->n_sw_workers ? cfg->sw_workers : &cfg->workers;
	const uint64_t *Q = cfg->n_sw_qd ? cfg->sw_qd : &cfg->qd;
	static const uint64_t own = 0;	/* the workload's own --block */
	const uint64_t *B = cfg->n_sw_block ? cfg->sw_block : &own;
	unsigned nw = cfg->n_sw_workers ? cfg->n_sw_workers : 1;
	unsigned nq = cfg->n_sw_qd ? cfg->n_sw_qd : 1;
	unsigned nb = wl->uses_block && cfg->n_sw_block ? cfg->n_sw_block : 1;
	size_t n = 0;

	for (unsigned s = 0; s < cfg->n_st; s++) {
		const struct strategy *st = cfg->st[s];

		if (unavailable[s])
			continue;
		for (unsigned b = 0; b < nb; b++)
			for (unsigned w = 0; w < (st->uses_workers ? nw : 1); w++)
				for (unsigned q = 0; q < (st->uses_qd ? nq : 1); q++) {
					struct plan_cell *c;

					/* the CLI's list limits keep a grid far below this */
					if (n == PLAN_MAX_CELLS)
						die(1, "more than %d settings to measure per workload",
						    PLAN_MAX_CELLS);
					c = &cells[n++];

					c->st = s;
					c->block = wl->uses_block ? B[b] : 0;
					/* tuning set the ring's depth, or else the workers */
					plan_shape(st, cfg->tuned[wi][s] && !st->uses_qd ?
						   cfg->tuned[wi][s] : W[w],
						   cfg->tuned[wi][s] && st->uses_qd ? cfg->tuned[wi][s] : Q[q],
						   &c->workers, &c->qd);
				}
	}
	return n;
}

