/* test_summary.c - the recommendation's known answers on synthetic results. */
#include "summary_world.h"

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
	assert_int_equal(v->outcome, OUTCOME_FASTER);
	assert_string_equal(pick(&w, v), "threaded");
	assert_true(v->p < 0.05);
	assert_string_equal(v->reason, "threaded is fastest (50% less time than serial)");
	assert_int_equal(v->cmp[0].est.method, RATIO_LOGNORMAL);
	assert_non_null(strstr(v->detail, "log-normal"));
	assert_true(w.s.rows[1].speedup > 1.99 && w.s.rows[1].speedup < 2.01);
	assert_int_equal(w.s.rows[0].m[MET_WALL].n, NT);	/* the warmup stayed out */
	assert_true(w.s.rows[1].recommended && !w.s.rows[0].recommended);
	done(&w);
}

/* Known answer: 3 trials against 3, 10x apart with 10% spread, is decided. */
static void test_three_v_three_at_10x(void **state)
{
	struct fake f[2] = {
		{ "serial", { 4.9, 5.39, 4.41 }, FLAT(1), FLAT(4000), 4000, true },
		{ "epoll", { 0.49, 0.539, 0.441 }, FLAT(1), FLAT(4000), 4000, true },
	};
	struct world w;
	const struct verdict *v;

	(void)state;
	build(&w, f, 2, 3);
	v = verdict(&w);
	assert_int_equal(v->outcome, OUTCOME_FASTER);
	assert_string_equal(pick(&w, v), "epoll");
	assert_true(starts(v->reason, "epoll is fastest (90% less time than serial)"));
	assert_true(v->cmp[0].est.lo > 8 && v->cmp[0].est.hi < 12.5);
	done(&w);
}

/* Known answer: 3 against 3 at 1.05x is undecided, and says what would decide it. */
static void test_three_v_three_at_5pct(void **state)
{
	struct fake f[2] = {
		{ "serial", { 1.05, 1.155, 0.945 }, FLAT(1), FLAT(4000), 4000, true },
		{ "threaded", { 1.0, 1.1, 0.9 }, FLAT(1), FLAT(4000), 4000, true },
	};
	struct world w;
	const struct verdict *v;

	(void)state;
	build(&w, f, 2, 3);
	v = verdict(&w);
	assert_int_equal(v->outcome, OUTCOME_UNDECIDED);
	assert_int_equal(v->pick, -1);
	assert_int_equal(v->nequiv, 1);		/* not shown different is not equivalent */
	assert_false(w.s.rows[0].equivalent);
	assert_true(starts(v->reason, "undecided between threaded and serial: needs about "));
	assert_non_null(strstr(v->reason, "more trials each"));
	assert_true(v->more > 10 && v->more < 1000);
	/* the leader and the medians are still reported */
	assert_non_null(strstr(v->detail, "the leader: threaded, median 1 s"));
	done(&w);
}

/* Known answer: 30 against 30 at 1.00x with 2% spread is equivalent at a 5% margin. */
static void test_thirty_v_thirty_equivalent(void **state)
{
	struct fake f[2] = { { "threaded", .valid = true }, { "serial", .valid = true } };
	struct world w;
	const struct verdict *v;

	(void)state;
	spread(f[0].wall, 30, 0.02, 3);
	spread(f[1].wall, 30, 0.02, 11);
	f[0].wall[0] *= 0.999;		/* threaded's median the lower: the simpler is not */
	build(&w, f, 2, 30);
	v = verdict(&w);
	assert_int_equal(v->outcome, OUTCOME_EQUIVALENT);
	assert_int_equal(v->nequiv, 2);
	assert_string_equal(pick(&w, v), "serial");
	assert_string_equal(v->reason, "threaded and serial are equivalent within 5%; keep serial, "
				       "the simpler");
	done(&w);
	/* the same at a 0.5% margin is not shown */
	build(&w, f, 2, 30);
	w.cfg.margin = 0.005;
	v = verdict(&w);
	assert_int_equal(v->outcome, OUTCOME_UNDECIDED);
	done(&w);
}

/*
 * Known answer: 30 against 30 at 1.04x with 4% spread, at a 5% margin.
 * The interval lies above 1 and reaches past 1.05, and the gap is
 * significant; but a gap below the margin is never "faster": undecided.
 */
static void test_gap_below_margin(void **state)
{
	struct fake f[2] = { { "serial", .valid = true }, { "threaded", .valid = true } };
	struct world w;
	const struct verdict *v;

	(void)state;
	spread(f[0].wall, 30, 0.04, 3);
	spread(f[1].wall, 30, 0.04, 11);
	for (unsigned i = 0; i < 30; i++)
		f[0].wall[i] *= 1.04;
	build(&w, f, 2, 30);
	v = verdict(&w);
	assert_true(v->cmp[0].est.lo > 1 && v->cmp[0].est.hi > 1.05);
	assert_true(v->cmp[0].p_holm < SUMMARY_ALPHA);
	assert_int_equal(v->outcome, OUTCOME_UNDECIDED);
	assert_int_equal(v->cmp[0].outcome, OUTCOME_UNDECIDED);
	done(&w);
}




/* Three strategies: the fastest against each, Holm's correction over them. */
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
	assert_int_equal(v->outcome, OUTCOME_UNDECIDED);
	assert_int_equal(v->ncmp, 2);
	assert_int_equal(v->cmp[0].outcome, OUTCOME_FASTER);	/* serial: 3x */
	assert_int_equal(v->cmp[1].outcome, OUTCOME_UNDECIDED);	/* forked: 1% */
	assert_true(starts(v->reason, "undecided between threaded and forked: needs about "));
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
	assert_int_equal(v->outcome, OUTCOME_NONE);
	assert_non_null(strstr(v->reason, "no strategy produced a valid trial"));
	assert_int_equal(w.s.rows[0].valid, 0);
	assert_int_equal(w.s.rows[0].total, NT);
	done(&w);
}





int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clear_winner),
		cmocka_unit_test(test_three_v_three_at_10x),
		cmocka_unit_test(test_three_v_three_at_5pct),
		cmocka_unit_test(test_thirty_v_thirty_equivalent),
		cmocka_unit_test(test_gap_below_margin),
		cmocka_unit_test(test_three_way),
		cmocka_unit_test(test_all_invalid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
