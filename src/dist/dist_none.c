/*
 * dist_none.c - a build without MPI: the process is alone.  Started by
 * mpirun or srun as one of N > 1, it says so instead of running N
 * independent copies that would each write a result set.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dist.h"
#include "util.h"

struct dist dist = { .rank = 0, .ranks = 1, .leader = true, .node_ranks = 1 };
static int64_t zero_offset;

/* The job size a launcher announced in the environment, or 0. */
static long launched_as(const char **by)
{
	static const char *const vars[][2] = {
		{ "OMPI_COMM_WORLD_SIZE", "mpirun (Open MPI)" }, { "PMI_SIZE", "an MPI launcher" },
		{ "PMIX_SIZE", "an MPI launcher (PMIx)" }, { "SLURM_NTASKS", "srun" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(vars); i++) {
		const char *v = getenv(vars[i][0]);

		if (v && atol(v) > 0) {
			*by = vars[i][1];
			return atol(v);
		}
	}
	return 0;
}

int dist_init(int *argc, char ***argv, char *msg, size_t len)
{
	const char *by = NULL;
	long n = launched_as(&by);

	(void)argc;
	(void)argv;
	gethostname(dist.node, sizeof(dist.node) - 1);
	dist.clock_offset_ns = &zero_offset;
	/* srun starts one task without MPI too: one is fine */
	if (n > 1 || (n == 1 && getenv("OMPI_COMM_WORLD_SIZE"))) {
		const char *rank = getenv("OMPI_COMM_WORLD_RANK");

		/* said once, by the first of them */
		snprintf(msg, len, rank && strcmp(rank, "0") ? "" :
			 "this iobench was built without MPI, yet %s started it in a job of %ld: "
			 "rebuild with `make MPI=1` (needs libopenmpi-dev), or run it without "
			 "mpirun", by, n);
		return -ENOTSUP;
	}
	return 0;
}

void dist_finalize(void)
{
}

const char *dist_build(void)
{
	return "no MPI (make MPI=1 to build with it)";
}

bool dist_built_with_mpi(void)
{
	return false;
}

void dist_barrier(void)
{
}

void dist_node_barrier(void)
{
}

bool dist_any(bool mine)
{
	return mine;
}

void dist_bcast(void *buf, size_t len)
{
	(void)buf;
	(void)len;
}

void dist_gather(const void *mine, size_t len, void *all)
{
	memmove(all, mine, len);
}

_Noreturn void dist_abort(int status, const char *why)
{
	errmsg("%s", why);
	exit(status);
}
