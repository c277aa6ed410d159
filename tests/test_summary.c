/* test_summary.c - the recommendation on synthetic results. */
#include <ctype.h>
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

/* One strategy's counted trials: wall, CPU and net memory per trial. */
struct fake {
	const char *name;
	double wall[NT], cpu[NT], mem[NT];
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

static void build(struct world *w, const struct fake *f, unsigned nst, unsigned ntrials)
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

static const struct verdict *verdict(struct world *w)
{
	summary_compute(&w->r, &w->m, &w->s);
	assert_int_equal(w->s.nv, 1);
	return &w->s.v[0];
}

static void done(struct world *w)
{
	memset(fake_workers, 0, sizeof(fake_workers));
	summary_free(&w->s);
	results_free(&w->r);
}

static const char *pick(const struct world *w, const struct verdict *v)
{
	return v->pick >= 0 ? w->s.rows[v->pick].strategy : "none";
}

#define FLAT(x) { x, x, x, x, x }

static void test_clear_winner(void **state)
{
	struct fake f[2] = {
		{ "serial", { 2.0, 2.1, 1.9, 2.05, 1.95 }, FLAT(2), FLAT(4000), 4000, true },
		{ "threaded", { 1.0, 1.1, 0.9, 1.05, 0.95 }, FLAT(2), FLAT(6000), 6000, true },
	};
	struct world w;
	const struct verdict *v;

	(void)state;
	build(&w, f, 2, NT);
	v = verdict(&w);
	assert_string_equal(pick(&w, v), "threaded");
	assert_false(v->tie);
	assert_true(v->p < 0.05);
	assert_string_equal(v->reason, "threaded is fastest");
	assert_non_null(strstr(v->detail, "50% less wall time than the runner-up serial"));
	assert_true(w.s.rows[1].speedup > 1.99 && w.s.rows[1].speedup < 2.01);
	assert_int_equal(w.s.rows[0].m[MET_WALL].n, NT);	/* the warmup stayed out */
	done(&w);
}

/* The fastest median also uses measurably less CPU: it is singled out. */
static void test_tie_settled_by_cpu(void **state)
{
	struct fake f[2] = {
		{ "serial", { 1.0, 1.2, 0.9, 1.1, 1.05 }, { 2.0, 2.1, 1.9, 2.05, 1.95 },
		  FLAT(4000), 4000, true },
		{ "threaded", { 1.02, 1.15, 0.95, 1.08, 1.0 }, { 1.0, 1.1, 0.9, 1.05, 0.95 },
		  FLAT(8000), 8000, true },
	};
	struct world w;
	const struct verdict *v;

	(void)state;
	build(&w, f, 2, NT);
	v = verdict(&w);
	assert_true(v->tie);
	assert_string_equal(pick(&w, v), "threaded");
	assert_string_equal(v->reason, "serial or threaded: no measurable difference in time; "
				       "threaded uses measurably less CPU");
	done(&w);
}

/* Item 9: a consistent but small CPU difference (a VM's noise) decides nothing. */
static void test_few_percent_cpu_is_noise(void **state)
{
	struct fake f[2] = {
		{ "forked", { 1.0, 1.2, 0.9, 1.1, 1.03 }, { 1.94, 1.95, 1.96, 1.97, 1.98 },
		  FLAT(4000), 4000, true },
		{ "threaded", { 1.02, 1.25, 0.95, 1.08, 1.04 }, { 2.0, 2.01, 2.02, 2.03, 2.04 },
		  FLAT(4000), 4000, true },
	};
	struct world w;
	const struct verdict *v;

	(void)state;
	build(&w, f, 2, NT);
	v = verdict(&w);
	/* forked's CPU is lower in every trial (p < 0.05), but by 3% */
	assert_true(v->tie);
	assert_int_equal(v->pick, -1);
	done(&w);
}

/* Item 15: a slower median is never singled out on CPU or memory. */
static void test_slower_median_never_picked(void **state)
{
	struct fake f[2] = {
		{ "threaded", { 1.0, 1.2, 0.9, 1.1, 1.03 }, { 2.0, 2.1, 1.9, 2.05, 1.95 },
		  FLAT(9000), 9000, true },
		{ "epoll", { 1.02, 1.25, 0.95, 1.08, 1.04 }, { 1.0, 1.1, 0.9, 1.05, 0.95 },
		  FLAT(1000), 1000, true },
	};
	struct world w;
	const struct verdict *v;

	(void)state;
	build(&w, f, 2, NT);
	v = verdict(&w);
	assert_true(v->tie);
	assert_string_equal(w.s.rows[v->fastest].strategy, "threaded");
	assert_int_equal(v->pick, -1);
	assert_int_equal(v->nequiv, 2);
	assert_non_null(strstr(v->reason, "threaded or epoll: no measurable difference in time"));
	/* the verdict is text a rerun can reproduce: no figures in it */
	for (const char *c = v->reason; *c; c++)
		assert_false(isdigit((unsigned char)*c));
	done(&w);
}

/*
 * Item 1: memory decides only on the memory a strategy adds, when large
 * and significant; the largest process (peak_rss_kib) never decides.
 */
static void test_memory_is_net_and_must_be_large(void **state)
{
	struct fake f[2] = {
		/* forked: smallest single process, largest total */
		{ "forked", { 1.0, 1.2, 0.9, 1.1, 1.03 }, FLAT(1.0),
		  { 9000, 9100, 8900, 9050, 9000 }, 3000, true },
		{ "threaded", { 1.02, 1.25, 0.95, 1.08, 1.04 }, FLAT(1.0),
		  { 5000, 5100, 4900, 5050, 5000 }, 5000, true },
	};
	struct world w;
	const struct verdict *v;

	(void)state;
	build(&w, f, 2, NT);
	v = verdict(&w);
	/* forked has the lower median wall but adds more memory: no pick */
	assert_string_equal(w.s.rows[v->fastest].strategy, "forked");
	assert_int_equal(v->pick, -1);
	done(&w);

	/* the fastest adding 40% less memory, significantly: picked */
	for (int t = 0; t < NT; t++)
		f[0].mem[t] = 3000 + 10 * t;
	build(&w, f, 2, NT);
	v = verdict(&w);
	assert_string_equal(pick(&w, v), "forked");
	assert_non_null(strstr(v->reason, "forked uses measurably less memory"));
	done(&w);

	/* 5% less is noise, however consistent */
	for (int t = 0; t < NT; t++)
		f[0].mem[t] = 4750 + 10 * t;
	build(&w, f, 2, NT);
	v = verdict(&w);
	assert_int_equal(v->pick, -1);
	done(&w);

	/*
	 * 40% less again, but with 2 workers against the other's 4: the
	 * setting's memory, not the strategy's: no pick, and it says why
	 */
	for (int t = 0; t < NT; t++)
		f[0].mem[t] = 3000 + 10 * t;
	fake_workers[0] = 2;
	fake_workers[1] = 4;
	build(&w, f, 2, NT);
	v = verdict(&w);
	assert_int_equal(v->pick, -1);
	assert_non_null(strstr(v->detail, "CPU and memory not compared: it ran with less "
				       "concurrency"));
	done(&w);
	/* the same memory with the same concurrency, or more: picked */
	fake_workers[0] = fake_workers[1] = 4;
	build(&w, f, 2, NT);
	v = verdict(&w);
	assert_string_equal(pick(&w, v), "forked");
	done(&w);
}

/* Item 10: three trials each can never separate anything; the verdict says so. */
static void test_underpowered(void **state)
{
	struct fake f[2] = {
		{ "serial", { 2.0, 2.1, 1.9 }, FLAT(2), FLAT(4000), 4000, true },
		{ "threaded", { 1.0, 1.1, 0.9 }, FLAT(2), FLAT(4000), 4000, true },
	};
	struct world w;
	const struct verdict *v;

	(void)state;
	assert_float_equal(summary_min_p(3, 3), 0.1, 1e-12);
	assert_float_equal(summary_min_p(4, 4), 2.0 / 70, 1e-12);
	build(&w, f, 2, 3);
	v = verdict(&w);
	assert_true(v->underpowered);
	assert_true(v->tie);
	assert_non_null(strstr(v->detail, "no difference can be significant"));
	done(&w);
}

/* Item 11: a trial in the wrong cache state is valid but not counted. */
static void test_cache_flagged_left_out(void **state)
{
	struct fake f[2] = {
		{ "serial", { 2.0, 2.1, 1.9, 2.05, 1.95 }, FLAT(2), FLAT(4000), 4000, true },
		{ "threaded", { 1.0, 1.1, 0.9, 1.05, 0.95 }, FLAT(2), FLAT(4000), 4000, true },
	};
	struct world w;
	const struct verdict *v;

	(void)state;
	build(&w, f, 2, NT);
	/* serial's trials all ran from a warm cache when cold was asked for */
	for (size_t i = 0; i < w.r.n; i++)
		if (!strcmp(w.r.recs[i].strategy, "serial") && !w.r.recs[i].warmup) {
			w.r.recs[i].cache_flag = true;
			w.r.recs[i].wall_s = 0.1;
		}
	v = verdict(&w);
	assert_int_equal(w.s.rows[0].valid, 0);
	assert_int_equal(w.s.rows[0].cache_flagged, NT);
	assert_string_equal(pick(&w, v), "threaded");
	done(&w);
}

/* Item 11: when the flagged outliers made the verdict, it says so. */
static void test_outlier_changes_verdict(void **state)
{
	struct fake f[2] = {
		{ "serial", { 1.00, 1.01, 1.02, 1.03, 1.04 }, FLAT(1), FLAT(4000), 4000, true },
		{ "threaded", { 1.005, 1.015, 1.025, 1.035, 9.0 }, FLAT(1), FLAT(4000), 4000, true },
	};
	struct world w;
	const struct verdict *v;

	(void)state;
	build(&w, f, 2, NT);
	v = verdict(&w);
	(void)v;
	/* with or without the outlier the two are equivalent: no note */
	assert_string_equal(w.s.v[0].outlier_note, "");
	done(&w);

	/* threaded clearly faster but for two wild trials */
	{
		struct fake g[2] = {
			{ "serial", { 2.0, 2.1, 1.9, 2.05, 1.95 }, FLAT(1), FLAT(4000), 4000, true },
			{ "threaded", { 1.0, 1.01, 1.02, 50.0, 60.0 }, FLAT(1), FLAT(4000), 4000, true },
		};

		build(&w, g, 2, NT);
		v = verdict(&w);
		assert_true(w.s.rows[1].outliers >= 2);
		assert_non_null(strstr(v->outlier_note, "changed this verdict"));
		done(&w);
	}
}

/* Three strategies: the fastest must beat each, with Holm's correction. */
static void test_three_way(void **state)
{
	struct fake f[3] = {
		{ "serial", { 3.0, 3.1, 2.9, 3.05, 2.95 }, FLAT(2), FLAT(4000), 4000, true },
		{ "threaded", { 1.0, 1.1, 0.9, 1.05, 0.95 }, FLAT(2), FLAT(4000), 4000, true },
		{ "forked", { 1.01, 1.12, 0.92, 1.04, 0.96 }, FLAT(2), FLAT(4000), 4000, true },
	};
	struct world w;
	const struct verdict *v;

	(void)state;
	build(&w, f, 3, NT);
	v = verdict(&w);
	assert_int_equal(v->nequiv, 2);
	assert_string_equal(v->reason, "threaded or forked: no measurable difference in time, "
				       "nor one in CPU or memory that singles out the fastest");
	done(&w);
}

static void test_all_invalid(void **state)
{
	struct fake f[2] = {
		{ "serial", FLAT(1), FLAT(1), FLAT(1), 1, false },
		{ "threaded", FLAT(1), FLAT(1), FLAT(1), 1, false },
	};
	struct world w;
	const struct verdict *v;

	(void)state;
	build(&w, f, 2, NT);
	w.r.n--;	/* drop the (valid) warmup: every counted trial is invalid */
	v = verdict(&w);
	assert_int_equal(v->pick, -1);
	assert_non_null(strstr(v->reason, "no strategy produced a valid trial"));
	assert_int_equal(w.s.rows[0].valid, 0);
	assert_int_equal(w.s.rows[0].total, NT);
	done(&w);
}

/*
 * All strategies tie while waiting on the storage: the storage is the
 * limit, and the simplest (the baseline) is picked.  The same tie with the
 * CPUs busy is no storage limit.
 */
static void test_storage_limit(void **state)
{
	struct fake f[3] = {
		{ "serial", { 1.0, 1.02, 0.99, 1.01, 1.0 }, { 0.1, 0.1, 0.1, 0.1, 0.1 },
		  FLAT(4000), 4000, true },
		{ "threaded", { 1.01, 0.99, 1.0, 1.02, 0.98 }, { 0.08, 0.09, 0.085, 0.08, 0.09 },
		  FLAT(4000), 4000, true },
		{ "io_uring", { 0.99, 1.0, 1.01, 1.0, 1.02 }, { 0.11, 0.1, 0.1, 0.1, 0.1 },
		  FLAT(4000), 4000, true },
	};
	struct world w;
	const struct verdict *v;

	(void)state;
	build(&w, f, 3, NT);
	v = verdict(&w);
	assert_true(v->storage_limit);
	assert_string_equal(pick(&w, v), "serial");
	assert_string_equal(v->reason, "the storage is the limit: no strategy is measurably "
				       "faster and none keeps a CPU busy; keep the simplest, serial");
	done(&w);
	for (int i = 0; i < 3; i++)
		for (int t = 0; t < NT; t++)
			f[i].cpu[t] = 0.9;	/* busy: the CPU, not the storage */
	build(&w, f, 3, NT);
	v = verdict(&w);
	assert_false(v->storage_limit);
	done(&w);
}

/*
 * Trials of a few ms, or in two groups 2x apart (a throttled device's
 * burst for some trials, not others): too short to decide, nothing picked.
 */
static void test_too_short(void **state)
{
	struct fake f[2] = {
		{ "serial", { 0.009, 0.0095, 0.009, 0.0092, 0.0091 }, FLAT(0.001), FLAT(4000), 4000, true },
		{ "threaded", { 0.003, 0.0031, 0.0029, 0.003, 0.0032 }, FLAT(0.001), FLAT(4000), 4000, true },
	};
	struct world w;
	const struct verdict *v;

	(void)state;
	build(&w, f, 2, NT);
	v = verdict(&w);
	assert_true(v->too_short);
	assert_int_equal(v->pick, -1);
	done(&w);
	/* long enough, but threaded's trials are 9 ms in its burst and 40 ms after */
	{
		struct fake g[2] = {
			{ "serial", { 0.05, 0.051, 0.049, 0.05, 0.052 }, FLAT(0.01), FLAT(4000), 4000, true },
			{ "threaded", { 0.009, 0.04, 0.009, 0.041, 0.04 }, FLAT(0.01), FLAT(4000), 4000, true },
		};

		build(&w, g, 2, NT);
		v = verdict(&w);
		assert_true(v->too_short);
		assert_true(w.s.rows[1].bimodal && !w.s.rows[0].bimodal);
		assert_non_null(strstr(v->detail, "two groups"));
		done(&w);
	}
}

/* A row whose trials rise over the run is said to drift; a steady one is not. */
static void test_drift(void **state)
{
	struct results r = { 0 };
	struct run_meta m = { 0 };
	struct config cfg = { 0 };
	struct run_summary s;

	(void)state;
	cfg.wl[0] = workload_find("csv");
	cfg.n_wl = 1;
	cfg.st[0] = strategy_find("serial");
	cfg.st[1] = strategy_find("threaded");
	cfg.n_st = 2;
	m.cfg = &cfg;
	for (unsigned t = 1; t <= 12; t++) {
		/* serial: 0.69 s rising to 1.26 s, as csv did on ext4 without a journal */
		struct trial_rec a = { .workload = "csv", .strategy = "serial", .trial = t,
				       .wall_s = 0.69 + 0.05 * (t - 1), .valid = true };
		struct trial_rec b = { .workload = "csv", .strategy = "threaded", .trial = t,
				       .wall_s = 0.5 + 0.01 * ((t * 7) % 5), .valid = true };

		results_add(&r, &a);
		results_add(&r, &b);
	}
	summary_compute(&r, &m, &s);
	assert_true(s.rows[0].drift);
	assert_true(s.rows[0].trend_change > 0.5);
	assert_false(s.rows[1].drift);
	summary_free(&s);
	results_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clear_winner),
		cmocka_unit_test(test_tie_settled_by_cpu),
		cmocka_unit_test(test_slower_median_never_picked),
		cmocka_unit_test(test_few_percent_cpu_is_noise),
		cmocka_unit_test(test_memory_is_net_and_must_be_large),
		cmocka_unit_test(test_underpowered),
		cmocka_unit_test(test_cache_flagged_left_out),
		cmocka_unit_test(test_outlier_changes_verdict),
		cmocka_unit_test(test_drift),
		cmocka_unit_test(test_storage_limit),
		cmocka_unit_test(test_too_short),
		cmocka_unit_test(test_three_way),
		cmocka_unit_test(test_all_invalid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
