/*
 * test_summary_trials.c - which trials the recommendation counts (cache
 * state, interference, outliers, drift) and what it says of the rest
 * (storage limits, too short or bimodal, decided), on synthetic results.
 */
#include "summary_world.h"

/* A trial in the wrong cache state is valid but not counted. */
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

/*
 * Trials another process disturbed are left out and counted, and the
 * verdict names the interference it measured, not the storage.
 */
static void test_disturbed_left_out(void **state)
{
	struct fake f[2] = { { "serial", .valid = true }, { "threaded", .valid = true } };
	struct world w;
	const struct verdict *v;
	unsigned hit = 0;

	(void)state;
	spread(f[0].wall, 10, 0.03, 1);
	spread(f[1].wall, 10, 0.03, 4);
	for (int t = 0; t < 10; t++)
		f[0].wall[t] *= 2;
	build(&w, f, 2, 10);
	/* a CPU hog beside 4 of threaded's trials: they took 3x as long */
	for (size_t i = 0; i < w.r.n && hit < 4; i++) {
		struct trial_rec *t = &w.r.recs[i];

		if (!strcmp(t->strategy, "threaded") && !t->warmup) {
			t->wall_s *= 3;
			t->other_cpu_s = 1.4 * t->wall_s;
			t->disturbed = true;
			hit++;
		}
	}
	v = verdict(&w);
	assert_int_equal(w.s.rows[1].disturbed, 4);
	assert_int_equal(w.s.rows[1].valid, 6);
	assert_int_equal(v->outcome, OUTCOME_FASTER);
	assert_string_equal(pick(&w, v), "threaded");
	assert_string_equal(v->interference, "other processes used 1.40 CPUs during 4 of 20 trials");
	assert_null(strstr(v->reason, "burst"));
	done(&w);

	/* all but one of threaded's disturbed: undecided, and why */
	build(&w, f, 2, 10);
	hit = 0;
	for (size_t i = 0; i < w.r.n && hit < 9; i++) {
		struct trial_rec *t = &w.r.recs[i];

		if (!strcmp(t->strategy, "threaded") && !t->warmup) {
			t->other_cpu_s = t->wall_s;
			t->disturbed = true;
			hit++;
		}
	}
	v = verdict(&w);
	assert_int_equal(v->outcome, OUTCOME_UNDECIDED);
	assert_non_null(strstr(v->reason, "or a quieter machine (other processes used 1.00 CPUs "
				       "during 9 of 20 trials)"));
	done(&w);
}

/* When the flagged outliers made the verdict, it says so. */
static void test_outlier_changes_verdict(void **state)
{
	struct fake g[2] = {
		{ "serial", { 2.0, 2.1, 1.9, 2.05, 1.95 }, FLAT(1), FLAT(4000), 4000, true },
		{ "threaded", { 1.0, 1.01, 1.02, 50.0, 60.0 }, FLAT(1), FLAT(4000), 4000, true },
	};
	struct world w;
	const struct verdict *v;

	(void)state;
	/* threaded clearly faster but for two wild trials: the rank test, undecided */
	build(&w, g, 2, NT);
	v = verdict(&w);
	assert_true(w.s.rows[1].outliers >= 2);
	assert_int_equal(v->outcome, OUTCOME_UNDECIDED);
	assert_int_equal(v->cmp[0].est.method, RATIO_RANK);
	assert_non_null(strstr(v->outlier_note, "changed this verdict: without them, threaded is "
						"fastest"));
	done(&w);
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

/*
 * All strategies shown equivalent while waiting on the storage: the
 * storage is the limit, and the simplest is kept.  The same with the
 * CPUs busy is no storage limit.
 */
static void test_storage_limit(void **state)
{
	struct fake f[3] = {
		{ "io_uring", { 0.99, 1.0, 1.01, 1.0, 1.02 }, { 0.11, 0.1, 0.1, 0.1, 0.1 },
		  FLAT(4000), 4000, true },
		{ "serial", { 1.0, 1.02, 0.99, 1.01, 1.0 }, { 0.1, 0.1, 0.1, 0.1, 0.1 },
		  FLAT(4000), 4000, true },
		{ "threaded", { 1.01, 0.99, 1.0, 1.02, 0.98 }, { 0.08, 0.09, 0.085, 0.08, 0.09 },
		  FLAT(4000), 4000, true },
	};
	struct world w;
	const struct verdict *v;

	(void)state;
	build(&w, f, 3, NT);
	v = verdict(&w);
	assert_int_equal(v->outcome, OUTCOME_EQUIVALENT);
	assert_true(v->storage_limit);
	assert_string_equal(pick(&w, v), "serial");
	assert_string_equal(v->reason, "io_uring, serial and threaded are equivalent within 5%; "
				       "keep serial, the simplest");
	assert_non_null(strstr(v->detail, "the storage is the limit"));
	done(&w);
	for (int i = 0; i < 3; i++)
		for (int t = 0; t < NT; t++)
			f[i].cpu[t] = 0.9;	/* busy: the CPU, not the storage */
	build(&w, f, 3, NT);
	v = verdict(&w);
	assert_int_equal(v->outcome, OUTCOME_EQUIVALENT);
	assert_false(v->storage_limit);
	done(&w);
}

/*
 * Trials of a few ms are too short to decide; trial times in two groups
 * 2x apart are left to the rank test, which decides only what it can.
 */
static void test_too_short_and_bimodal(void **state)
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
	assert_int_equal(v->outcome, OUTCOME_UNDECIDED);
	assert_int_equal(v->pick, -1);
	assert_non_null(strstr(v->reason, "too short"));
	done(&w);
	/* long enough, but threaded's trials are 9 ms in a burst and 40 ms after */
	{
		struct fake g[2] = {
			{ "serial", { 0.05, 0.051, 0.049, 0.05, 0.052 }, FLAT(0.01), FLAT(4000), 4000, true },
			{ "threaded", { 0.009, 0.04, 0.009, 0.041, 0.04 }, FLAT(0.01), FLAT(4000), 4000, true },
		};

		build(&w, g, 2, NT);
		v = verdict(&w);
		assert_false(v->too_short);
		assert_true(w.s.rows[1].bimodal && !w.s.rows[0].bimodal);
		assert_int_equal(v->cmp[0].est.method, RATIO_RANK);
		/* every threaded trial below every serial one: 5 v 5 decides it */
		assert_int_equal(v->outcome, OUTCOME_FASTER);
		assert_non_null(strstr(v->detail, "rank tests"));
		done(&w);
	}
}

/* --until-decided: a clear gap is decided early, a small one needs its 10 trials. */
static void test_decided(void **state)
{
	struct fake f[2] = {
		{ "serial", { 2.0, 2.1, 1.9, 2.05, 1.95 }, FLAT(2), FLAT(4000), 4000, true },
		{ "threaded", { 1.0, 1.1, 0.9, 1.05, 0.95 }, FLAT(2), FLAT(4000), 4000, true },
	};
	struct world w;
	char why[512];

	(void)state;
	build(&w, f, 2, NT);
	assert_true(summary_decided(&w.r, &w.m, 0, why, sizeof(why)));
	assert_true(starts(why, "decided: threaded is fastest"));
	done(&w);
	for (int t = 0; t < NT; t++)
		f[0].wall[t] = f[1].wall[t] * 1.15;
	f[0].wall[0] *= 1.001;
	build(&w, f, 2, NT);
	assert_false(summary_decided(&w.r, &w.m, 0, why, sizeof(why)));
	done(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cache_flagged_left_out),
		cmocka_unit_test(test_disturbed_left_out),
		cmocka_unit_test(test_outlier_changes_verdict),
		cmocka_unit_test(test_drift),
		cmocka_unit_test(test_storage_limit),
		cmocka_unit_test(test_too_short_and_bimodal),
		cmocka_unit_test(test_decided),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
