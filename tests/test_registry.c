/*
 * test_registry.c - every ops table is complete and consistent, and the
 * check catches a broken one: adding a strategy or workload touches its
 * own file and the registry, and this test says what it is missing.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "registry.h"

static void test_registry_valid(void **state)
{
	char msg[256] = "";

	(void)state;
	if (registry_check(msg, sizeof(msg)) < 0)
		fail_msg("%s", msg);
	assert_true(n_strategies >= 2 && n_workloads >= 1);
}

static void test_every_entry_found_by_name(void **state)
{
	(void)state;
	for (size_t i = 0; i < n_strategies; i++)
		assert_ptr_equal(strategy_find(strategies[i]->name), strategies[i]);
	for (size_t i = 0; i < n_workloads; i++)
		assert_ptr_equal(workload_find(workloads[i]->name), workloads[i]);
	assert_null(strategy_find("nosuch"));
	assert_null(workload_find(""));
}

static int run_ctx(struct strat_ctx *ctx)
{
	(void)ctx;
	return 0;
}

/* The checks themselves, on tables built to fail them. */
static void test_check_catches(void **state)
{
	const struct strategy bad_name = { .name = "Bad Name", .desc = "x", .run = run_ctx };
	const struct strategy knobbed = { .name = "b", .desc = "x", .run = run_ctx,
					  .baseline = true, .uses_workers = true };
	char msg[256];

	(void)state;
	assert_int_equal(registry_check_strategy(&bad_name, msg, sizeof(msg)), -EINVAL);
	assert_non_null(strstr(msg, "plain name"));
	assert_int_equal(registry_check_strategy(&knobbed, msg, sizeof(msg)), -EINVAL);
	assert_non_null(strstr(msg, "baseline"));
	{
		struct workload no_check = *workloads[0];

		no_check.check = NULL;
		assert_int_equal(registry_check_workload(&no_check, msg, sizeof(msg)), -EINVAL);
		assert_non_null(strstr(msg, "check"));
	}
	/* a role pointing at the wrong knob: sweep would set something else */
	for (size_t i = 0; i < n_workloads; i++) {
		struct workload w = *workloads[i];
		struct wl_conns c;

		if (w.uses_block) {
			w.block_knob = w.noptions;
			assert_int_equal(registry_check_workload(&w, msg, sizeof(msg)), -EINVAL);
			assert_non_null(strstr(msg, "block_knob"));
			w = *workloads[i];
		}
		if (w.connections) {
			c = *w.connections;
			c.latency_us = w.noptions + 1;
			w.connections = &c;
			assert_int_equal(registry_check_workload(&w, msg, sizeof(msg)), -EINVAL);
			assert_non_null(strstr(msg, "connections"));
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry_valid),
		cmocka_unit_test(test_every_entry_found_by_name),
		cmocka_unit_test(test_check_catches),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
