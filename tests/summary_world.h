/*
 * summary_world.h - the synthetic runs test_summary.c and
 * test_summary_trials.c give the recommendation: fake strategies' trial
 * times, built into results and summarised.
 */
#ifndef IOBENCH_TEST_SUMMARY_WORLD_H
#define IOBENCH_TEST_SUMMARY_WORLD_H

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "registry.h"
#include "results.h"
#include "summary.h"

#define NT 5
#define NMAX 32

/* One strategy's counted trials: wall, CPU and net memory per trial. */
struct fake {
	const char *name;
	double wall[NMAX], cpu[NMAX], mem[NMAX];
	uint64_t peak_rss;	/* the largest process: must never decide */
	bool valid;
};

/* The setting each fake strategy's trials ran with (0: not given); reset by done(). */
static unsigned fake_workers[8];

struct world {
	struct results r;
	struct run_meta m;
	struct config cfg;
	struct run_summary s;
};

static inline void build(struct world *w, const struct fake *f, unsigned nst, unsigned ntrials)
{
	memset(w, 0, sizeof(*w));
	w->cfg.wl[0] = workload_find("md5");
	w->cfg.n_wl = 1;
	for (unsigned s = 0; s < nst; s++)
		w->cfg.st[s] = strategy_find(f[s].name);
	w->cfg.n_st = nst;
	w->m.cfg = &w->cfg;
	for (unsigned t = 0; t < ntrials; t++) {
		for (unsigned s = 0; s < nst; s++) {
			struct trial_rec rec = {
				.workload = "md5", .strategy = f[s].name, .trial = t + 1,
				.wall_s = f[s].wall[t], .user_s = f[s].cpu[t], .sys_s = 0,
				.peak_rss_kib = f[s].peak_rss, .mem_ok = true,
				.mem_net_kib = (uint64_t)f[s].mem[t], .valid = f[s].valid,
				.workers = fake_workers[s], .qd = fake_workers[s],
				.other_cpu_s = 0, .steal_s = 0,
			};

			results_add(&w->r, &rec);
		}
	}
	/* a warmup that would win everything must not count */
	{
		struct trial_rec wu = { .workload = "md5", .strategy = f[0].name, .trial = 1,
					.wall_s = 0.001, .valid = true, .warmup = true };

		results_add(&w->r, &wu);
	}
}

static inline const struct verdict *verdict(struct world *w)
{
	summary_compute(&w->r, &w->m, &w->s);
	assert_int_equal(w->s.nv, 1);
	return &w->s.v[0];
}

static inline void done(struct world *w)
{
	memset(fake_workers, 0, sizeof(fake_workers));
	summary_free(&w->s);
	results_free(&w->r);
}

static inline const char *pick(const struct world *w, const struct verdict *v)
{
	return v->pick >= 0 ? w->s.rows[v->pick].strategy : "none";
}

static inline bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

#define FLAT(x) { x, x, x, x, x }

/* n values around 1 with a standard deviation of about @sd, in a fixed shuffled order. */
static inline void spread(double *v, unsigned n, double sd, unsigned shift)
{
	for (unsigned i = 0; i < n; i++) {
		/* -1 .. 1 evenly, then scaled: the sd of a uniform on [-a, a] is a / sqrt 3 */
		double u = (double)((i * 7 + shift) % n) / (n - 1) * 2 - 1;

		v[i] = 1 + u * sd * sqrt(3);
	}
}

#endif
