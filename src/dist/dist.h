/*
 * dist.h - one of several MPI ranks, or alone.
 *
 * `mpirun -np N iobench run ...` starts N copies that follow one plan in
 * lockstep (cmd_run.c, runloop.c): a barrier before every trial, each
 * rank forking its own trial process as a plain run does, rank 0
 * gathering every rank's record and writing the only result files.
 * dist_mpi.c implements this with MPI; dist_none.c (a build without MPI)
 * is the single process, and refuses to be started by a launcher as one
 * of many.  The Makefile links one of the two: no #ifdef anywhere else.
 */
#ifndef IOBENCH_DIST_H
#define IOBENCH_DIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dist {
	int rank, ranks;
	bool leader;		/* the lowest rank on its node: node-wide switches are its */
	int node_ranks;		/* ranks on this node */
	char node[64];		/* this rank's host name */
	/* rank 0 only: each rank's CLOCK_MONOTONIC minus rank 0's, in ns */
	int64_t *clock_offset_ns;
	int64_t clock_rtt_ns;	/* the largest round trip those were taken over */
};

extern struct dist dist;

/*
 * Joins the job (MPI_Init) when started by a launcher; alone otherwise.
 * Returns 0, or -ENOTSUP with @msg when this build cannot do what the
 * launcher asked (no MPI, yet N > 1 processes).
 */
int dist_init(int *argc, char ***argv, char *msg, size_t len);
void dist_finalize(void);
/* "MPI (Open MPI 4.1.4)" or "no MPI (make MPI=1 to build with it)". */
const char *dist_build(void);
bool dist_built_with_mpi(void);

void dist_barrier(void);
/* Every rank of this node, and only them. */
void dist_node_barrier(void);
/* True on every rank when @mine is true on any. */
bool dist_any(bool mine);
/* Rank 0's @len bytes at @buf, on every rank. */
void dist_bcast(void *buf, size_t len);
/* Every rank's @len bytes of @mine, in rank order, into rank 0's @all (ranks * len). */
void dist_gather(const void *mine, size_t len, void *all);
/* Stops every rank of the job, saying @why once. */
_Noreturn void dist_abort(int status, const char *why);

#endif
