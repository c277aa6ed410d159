/* test_summary.c - the recommendation on synthetic results. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "registry.h"
#include "results.h"
#include "summary.h"

struct fake {
	double wall[5], cpu, rss;
	bool valid;
};

/* Two strategies (serial, threaded) on md5, five counted trials each. */
static void build(struct results *r, struct run_meta *m, struct config *cfg,
		  const struct fake *a, const struct fake *b)
{
	const struct fake *f[2] = { a, b };

	memset(r, 0, sizeof(*r));
	memset(cfg, 0, sizeof(*cfg));
	memset(m, 0, sizeof(*m));
	cfg->wl[0] = workload_find("md5");
	cfg->n_wl = 1;
	cfg->st[0] = strategy_find("serial");
	cfg->st[1] = strategy_find("threaded");
	cfg->n_st = 2;
	m->cfg = cfg;
	for (int t = 0; t < 5; t++) {
		for (int s = 0; s < 2; s++) {
			struct trial_rec rec = {
				.workload = "md5", .strategy = cfg->st[s]->name, .trial = (unsigned)t + 1,
				.wall_s = f[s]->wall[t], .user_s = f[s]->cpu, .sys_s = 0,
				.peak_rss_kib = (uint64_t)f[s]->rss, .valid = f[s]->valid,
			};

			results_add(r, &rec);
		}
	}
	/* a warmup that would win everything must not count */
	{
		struct trial_rec w = { .workload = "md5", .strategy = "serial", .trial = 1,
				       .wall_s = 0.001, .valid = true, .warmup = true };

		results_add(r, &w);
	}
}

static const struct verdict *verdict(struct results *r, struct run_meta *m,
				     struct run_summary *s)
{
	summary_compute(r, m, s);
	assert_int_equal(s->nv, 1);
	return &s->v[0];
}

static void test_clear_winner(void **state)
{
	struct fake a = { { 2.0, 2.1, 1.9, 2.05, 1.95 }, 2.0, 4000, true };
	struct fake b = { { 1.0, 1.1, 0.9, 1.05, 0.95 }, 2.0, 6000, true };
	struct results r;
	struct run_meta m;
	struct config cfg;
	struct run_summary s;
	const struct verdict *v;

	(void)state;
	build(&r, &m, &cfg, &a, &b);
	v = verdict(&r, &m, &s);
	assert_string_equal(s.rows[v->pick].strategy, "threaded");
	assert_false(v->tie);
	assert_true(v->p < 0.05);
	assert_non_null(strstr(v->reason, "threaded is fastest: 50% less wall time than serial"));
	/* speedup: 2.0 / 1.0 */
	assert_true(s.rows[1].speedup > 1.99 && s.rows[1].speedup < 2.01);
	assert_int_equal(s.rows[0].m[MET_WALL].n, 5);	/* the warmup stayed out */
	summary_free(&s);
	results_free(&r);
}

static void test_tie_settled_by_cpu(void **state)
{
	struct fake a = { { 1.0, 1.2, 0.9, 1.1, 1.05 }, 2.0, 4000, true };
	struct fake b = { { 1.02, 1.15, 0.95, 1.08, 1.0 }, 1.0, 8000, true };
	struct results r;
	struct run_meta m;
	struct config cfg;
	struct run_summary s;
	const struct verdict *v;

	(void)state;
	build(&r, &m, &cfg, &a, &b);
	v = verdict(&r, &m, &s);
	assert_true(v->tie);
	assert_string_equal(s.rows[v->pick].strategy, "threaded");
	assert_non_null(strstr(v->reason, "tie (p="));
	assert_non_null(strstr(v->reason, "threaded uses 50% less CPU"));
	summary_free(&s);
	results_free(&r);
}

static void test_tie_settled_by_memory(void **state)
{
	struct fake a = { { 1.0, 1.2, 0.9, 1.1, 1.05 }, 1.0, 8000, true };
	struct fake b = { { 1.02, 1.15, 0.95, 1.08, 1.0 }, 1.02, 2000, true };
	struct results r;
	struct run_meta m;
	struct config cfg;
	struct run_summary s;
	const struct verdict *v;

	(void)state;
	build(&r, &m, &cfg, &a, &b);
	v = verdict(&r, &m, &s);
	assert_true(v->tie);
	assert_string_equal(s.rows[v->pick].strategy, "threaded");
	assert_non_null(strstr(v->reason, "threaded uses 75% less memory"));
	summary_free(&s);
	results_free(&r);
}

static void test_all_invalid(void **state)
{
	struct fake a = { { 1, 1, 1, 1, 1 }, 1, 1, false };
	struct results r;
	struct run_meta m;
	struct config cfg;
	struct run_summary s;
	const struct verdict *v;

	(void)state;
	build(&r, &m, &cfg, &a, &a);
	r.n--;	/* drop the (valid) warmup: every counted trial is invalid */
	v = verdict(&r, &m, &s);
	assert_int_equal(v->pick, -1);
	assert_non_null(strstr(v->reason, "no strategy produced a valid trial"));
	assert_int_equal(s.rows[0].valid, 0);
	assert_int_equal(s.rows[0].total, 5);
	summary_free(&s);
	results_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clear_winner),
		cmocka_unit_test(test_tie_settled_by_cpu),
		cmocka_unit_test(test_tie_settled_by_memory),
		cmocka_unit_test(test_all_invalid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
