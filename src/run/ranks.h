/*
 * ranks.h - one trial run by every rank of an MPI job, as rows of results:
 * one per rank, and the aggregate over all of them (rank = -1), the row
 * the statistics count.  Alone, the trial's own row is all there is.
 */
#ifndef IOBENCH_RANKS_H
#define IOBENCH_RANKS_H

#include <stdbool.h>
#include <stddef.h>

#include "latency.h"
#include "results.h"
#include "trial.h"
#include "workload.h"

/*
 * Brings this rank's @mine (its latency histograms @lat, its jobs' digests
 * @digests: ctx->njobs of them) to rank 0, which adds every rank's row and
 * the aggregate to @res; the others add nothing.  With @split the ranks
 * divided the jobs (wl_mine): the aggregate digest is MD5 over every
 * job's digest in job order, from whichever rank ran it, which is the
 * digest a single process computes.  Returns the aggregate row on rank 0
 * (in @res), NULL elsewhere.  Every rank must call it for every trial.
 */
const struct trial_rec *ranks_collect(const struct wl_ctx *ctx, const struct trial_rec *mine,
				      const struct lat_set *lat, unsigned char (*digests)[16],
				      bool split, struct results *res);

/*
 * The aggregate of @n ranks' rows @r (their histograms @lat, clock offsets
 * @off_ns against rank 0): wall from the earliest start to the latest end,
 * sums of bytes, ops, CPU and memory, the largest process, latency from the
 * merged histograms, the straggler ratio.  Exposed for the tests.
 */
void ranks_aggregate(const struct trial_rec *r, const struct lat_set *lat, int n,
		     const int64_t *off_ns, struct trial_rec *agg);

#endif
