/*
 * howto.h - the report's last part: how to apply each workload's
 * recommendation in the user's own code, with the measured concurrency.
 */
#ifndef IOBENCH_HOWTO_H
#define IOBENCH_HOWTO_H

#include <stdint.h>
#include <stdio.h>

#include "rundata.h"

struct strategy;

/*
 * A Markdown table, one row per workload: the recommended strategy, the
 * Python standard-library construct of the same model and the C one,
 * chosen from the strategy's traits (strategy.h), never its name, with N
 * the workers or queue depth its counted trials ran with.
 */
void howto_table(FILE *f, const struct run_data *rd, const struct run_data *c_run,
		 const char **wls, size_t nw);

/*
 * The row "Applying it" names for @wl: the pick (faster: the fastest;
 * equivalent: the simplest of them), else, undecided, the leader; NULL
 * when there is none.  *@word says which.
 */
const struct strat_summary *howto_applied(const struct run_data *rd, const char *wl,
					  const char **word);

/*
 * In the Python run @py, how much of its time @st's workers waited for
 * the interpreter lock, as a clause ("as a Python program, threaded's 2
 * workers waited for the interpreter lock 61% of their time"); "" when
 * not measured.
 */
void howto_lock_reason(const struct run_data *py, const char *wl, const char *st, char *out,
		       size_t len);

/* How the recommended row ran: its setting, and the connections open at once (0: none). */
struct howto_shape {
	unsigned workers, qd;
	uint64_t conns;
	bool python;	/* measured under --model python: the lock is in the figures */
};

/*
 * The two hints for a strategy of @st's model run as @sh: Python into
 * @py, C into @c (a workload with connections gets the socket forms:
 * asyncio streams, libuv's tcp handles).  0, or -ENOENT for a strategy
 * that does no I/O (nothing to apply).
 */
int howto_hints(const struct strategy *st, const struct howto_shape *sh, char *py, size_t pylen,
		char *c, size_t clen);

#endif
