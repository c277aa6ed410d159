/* hash64.h - a fast 64-bit hash to prove which bytes were read or written.
 *
 * Verification only (not security): the array and csv workloads hash
 * every row and file they move, and that proof must cost little next to
 * the I/O it proves, or the benchmark measures the hash.  Four independent
 * multiply-xorshift lanes over 8-byte words (in the spirit of xxHash's
 * stripes) run at several GB/s; MD5 runs at about 0.5 GB/s.  The result
 * depends on every byte and on their order.
 */
#ifndef IOBENCH_HASH64_H
#define IOBENCH_HASH64_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define H64_K1 0x9e3779b97f4a7c15ULL
#define H64_K2 0xc2b2ae3d27d4eb4fULL

static inline uint64_t h64_mix(uint64_t x)
{
	x ^= x >> 33;
	x *= H64_K2;
	x ^= x >> 29;
	return x;
}

/* The hash of @n bytes at @p, chained onto @seed (0 to start). */
static inline uint64_t h64(uint64_t seed, const void *p, size_t n)
{
	const unsigned char *b = p;
	uint64_t l[4] = { seed + H64_K1, seed ^ H64_K2, seed - H64_K1, ~seed };
	size_t i = 0;

	for (; i + 32 <= n; i += 32) {
		for (int k = 0; k < 4; k++) {
			uint64_t w;

			memcpy(&w, b + i + 8 * k, 8);
			l[k] = (l[k] ^ w) * H64_K1;
			l[k] ^= l[k] >> 31;
		}
	}
	for (; i < n; i++)
		l[i & 3] = (l[i & 3] ^ b[i]) * H64_K1;
	return h64_mix(l[0] ^ h64_mix(l[1] ^ h64_mix(l[2] ^ h64_mix(l[3] ^ (uint64_t)n))));
}

#endif
