/* plan.c - see plan.h. */
#include "plan.h"
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
