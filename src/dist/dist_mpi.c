/*
 * dist_mpi.c - dist.h over MPI (Open MPI from Debian: `make MPI=1`).
 *
 * MPI is joined only when a launcher started us (mpirun, srun): a plain
 * `iobench run` of this build is the single process it always was, with
 * no MPI start-up cost.  Only the parent process ever calls MPI: trial
 * processes are forked from it and leave with _exit().
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mpi.h>

#include "dist.h"
#include "util.h"

struct dist dist = { .rank = 0, .ranks = 1, .leader = true, .node_ranks = 1 };
static bool joined;
static MPI_Comm node_comm = MPI_COMM_NULL;
static int64_t zero_offset;

#define CLOCK_PINGS 16

/*
 * Waits for a collective without spinning: MPI's blocking calls busy-poll,
 * and a rank done with its trial would take a CPU from a rank still in
 * its own (on 2 cores with 2 ranks, a whole one).  Polled every 20 us.
 * Measured (bench/mpi.sh): with spinning waits, mpirun -np 1 ran tiny
 * array trials 1.55x slower than the plain binary; see also unbind().
 */
static void wait_for(MPI_Request *req)
{
	const struct timespec nap = { 0, 20000 };
	int done = 0;

	for (;;) {
		MPI_Test(req, &done, MPI_STATUS_IGNORE);
		if (done)
			return;
		nanosleep(&nap, NULL);
	}
}

/*
 * Launchers bind each rank to a core by default; the trial processes and
 * threads a rank forks would all inherit that one core.  iobench places
 * its threads itself (--pin), so a rank starts free on every CPU.
 */
static void unbind(void)
{
	cpu_set_t all;
	long n = sysconf(_SC_NPROCESSORS_CONF);

	CPU_ZERO(&all);
	for (long c = 0; c < n && c < CPU_SETSIZE; c++)
		CPU_SET(c, &all);
	sched_setaffinity(0, sizeof(all), &all);
}

/* Started by a launcher?  (Each sets its job's size in the environment.) */
static bool launched(void)
{
	static const char *const vars[] = { "OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK",
					    "SLURM_STEP_NUM_TASKS" };

	for (size_t i = 0; i < ARRAY_SIZE(vars); i++)
		if (getenv(vars[i]))
			return true;
	return false;
}

/*
 * Each rank's clock against rank 0's, Cristian's way: the rank answers a
 * ping with its time; the offset is that minus the ping's midpoint, from
 * the fastest of CLOCK_PINGS round trips.  On one machine the clocks are
 * one; across nodes this lets wall = latest end - earliest start hold.
 */
static void clock_offsets(void)
{
	dist.clock_offset_ns = dist.rank == 0 ? xcalloc((size_t)dist.ranks, sizeof(int64_t))
					      : &zero_offset;
	for (int r = 1; r < dist.ranks; r++) {
		int64_t best_rtt = INT64_MAX, best = 0;

		for (int k = 0; k < CLOCK_PINGS; k++) {
			int64_t t0, t1, tr = 0;

			if (dist.rank == 0) {
				t0 = (int64_t)now_ns();
				MPI_Send(&t0, 1, MPI_INT64_T, r, 7, MPI_COMM_WORLD);
				MPI_Recv(&tr, 1, MPI_INT64_T, r, 8, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
				t1 = (int64_t)now_ns();
				if (t1 - t0 < best_rtt) {
					best_rtt = t1 - t0;
					best = tr - (t0 + t1) / 2;
				}
			} else if (dist.rank == r) {
				MPI_Recv(&t0, 1, MPI_INT64_T, 0, 7, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
				tr = (int64_t)now_ns();
				MPI_Send(&tr, 1, MPI_INT64_T, 0, 8, MPI_COMM_WORLD);
			}
		}
		if (dist.rank == 0) {
			dist.clock_offset_ns[r] = best;
			if (best_rtt > dist.clock_rtt_ns)
				dist.clock_rtt_ns = best_rtt;
		}
	}
}

int dist_init(int *argc, char ***argv, char *msg, size_t len)
{
	int node_rank = 0, n = 0;

	(void)msg;
	(void)len;
	gethostname(dist.node, sizeof(dist.node) - 1);
	dist.clock_offset_ns = &zero_offset;
	if (!launched())
		return 0;
	/* errors end the job with their message rather than leave ranks waiting */
	MPI_Init(argc, argv);
	joined = true;
	MPI_Comm_rank(MPI_COMM_WORLD, &dist.rank);
	MPI_Comm_size(MPI_COMM_WORLD, &dist.ranks);
	MPI_Get_processor_name(dist.node, &n);
	MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, dist.rank, MPI_INFO_NULL,
			    &node_comm);
	MPI_Comm_rank(node_comm, &node_rank);
	MPI_Comm_size(node_comm, &dist.node_ranks);
	dist.leader = node_rank == 0;
	unbind();
	clock_offsets();
	return 0;
}

void dist_finalize(void)
{
	if (!joined)
		return;
	if (node_comm != MPI_COMM_NULL)
		MPI_Comm_free(&node_comm);
	MPI_Finalize();
	joined = false;
}

const char *dist_build(void)
{
	static char buf[64];

	snprintf(buf, sizeof(buf), "MPI (Open MPI %d.%d.%d)", OMPI_MAJOR_VERSION,
		 OMPI_MINOR_VERSION, OMPI_RELEASE_VERSION);
	return buf;
}

bool dist_built_with_mpi(void)
{
	return true;
}

/*
 * The barrier before a trial spins (MPI_Barrier): every rank is between
 * trials then, so nobody's measurement pays, and trials start within
 * microseconds of each other rather than a nap's wake-up apart.
 */
void dist_barrier(void)
{
	if (joined)
		MPI_Barrier(MPI_COMM_WORLD);
}

void dist_node_barrier(void)
{
	MPI_Request req;

	if (!joined)
		return;
	MPI_Ibarrier(node_comm, &req);
	wait_for(&req);
}

bool dist_any(bool mine)
{
	int in = mine, out = mine;
	MPI_Request req;

	if (joined) {
		MPI_Iallreduce(&in, &out, 1, MPI_INT, MPI_LOR, MPI_COMM_WORLD, &req);
		wait_for(&req);
	}
	return out != 0;
}

void dist_bcast(void *buf, size_t len)
{
	MPI_Request req;

	if (!joined)
		return;
	MPI_Ibcast(buf, (int)len, MPI_BYTE, 0, MPI_COMM_WORLD, &req);
	wait_for(&req);
}

void dist_gather(const void *mine, size_t len, void *all)
{
	MPI_Request req;

	if (!joined) {
		memmove(all, mine, len);
		return;
	}
	MPI_Igather(mine, (int)len, MPI_BYTE, all, (int)len, MPI_BYTE, 0, MPI_COMM_WORLD, &req);
	wait_for(&req);
}

_Noreturn void dist_abort(int status, const char *why)
{
	errmsg("%s", why);
	if (joined)
		MPI_Abort(MPI_COMM_WORLD, status);
	exit(status);
}
