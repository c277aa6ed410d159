/* test_plan.c - trials interleave round-robin; --shuffle permutes, reproducibly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "plan.h"

static void test_round_robin(void **state)
{
	unsigned order[5];

	(void)state;
	for (unsigned r = 0; r < 4; r++) {
		plan_round(5, r, false, 1, order);
		for (unsigned i = 0; i < 5; i++)
			assert_int_equal(order[i], i);
	}
}

static void test_shuffle(void **state)
{
	unsigned a[5], b[5], seen_diff = 0;

	(void)state;
	for (unsigned r = 0; r < 20; r++) {
		unsigned mask = 0;

		plan_round(5, r, true, 7, a);
		plan_round(5, r, true, 7, b);
		assert_memory_equal(a, b, sizeof(a));	/* same seed, same order */
		for (unsigned i = 0; i < 5; i++)
			mask |= 1u << a[i];
		assert_int_equal(mask, 0x1f);		/* a permutation */
		for (unsigned i = 0; i < 5; i++)
			seen_diff += a[i] != i;
	}
	assert_true(seen_diff > 0);			/* and not the identity */
	/* another seed, another order (in some round: 1 in 120 may agree) */
	seen_diff = 0;
	for (unsigned r = 0; r < 20; r++) {
		plan_round(5, r, true, 7, a);
		plan_round(5, r, true, 8, b);
		seen_diff += memcmp(a, b, sizeof(a)) != 0;
	}
	assert_true(seen_diff > 0);
	plan_round(1, 0, true, 7, a);
	assert_int_equal(a[0], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_robin),
		cmocka_unit_test(test_shuffle),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
