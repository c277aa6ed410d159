/* replay_order.h - which recorded threads started only after others ended.
 *
 * A replay run as recorded (the recorded strategy) starts every recorded
 * thread at once, on a thread of its own.  The program did not always:
 * `sh -c 'a; b'` runs b's process after a's has exited.  The trace keeps
 * every op in the order it happened, so a thread whose first op comes
 * after another's last op started after that one ended, and its replay
 * waits for it.  Threads that overlapped run concurrently, each in its
 * own order, but the ops on a file several threads use (one opens what
 * another reads or writes, as zstd -T0's writer thread does) keep their
 * recorded order, on one shared descriptor.  How the threads synchronised
 * beyond that (locks, pipes) is not in the trace.
 *
 * The threads a job must wait for are a prefix of the jobs sorted by
 * their last op, so a gate is one counter: how long a prefix has ended.
 */
#ifndef IOBENCH_REPLAY_ORDER_H
#define IOBENCH_REPLAY_ORDER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "replay_plan.h"

struct rp_order {
	size_t njobs;
	size_t *need;		/* per job: how much of by_last must have ended first */
	uint32_t *by_last;	/* the jobs sorted by their last op */
	uint32_t *rank;		/* per job: its place in by_last */
};

/* From @p's jobs and their ops' places in the trace.  0 or -ENOMEM. */
int replay_order_build(struct rp_order *o, const struct rp_plan *p);
void replay_order_free(struct rp_order *o);

/* The jobs' shared gate, in the trial process. */
struct rp_gate {
	pthread_mutex_t m;
	pthread_cond_t c;
	const struct rp_order *o;
	bool *ended;		/* per place in by_last */
	size_t prefix;		/* ended: by_last[0..prefix) */
	uint64_t *fdone;	/* per file: its ops done so far (shared files) */
	int *ffd;		/* per file: its open descriptor (shared files); -1 */
	bool broken;		/* a job failed: nobody waits any more */
	size_t refs;		/* jobs holding it: the last frees it */
};

/* For @nfiles files and @refs jobs; NULL when out of memory. */
struct rp_gate *replay_gate_new(const struct rp_order *o, size_t nfiles, size_t refs);
/* Blocks until every job @job must follow has ended. */
void replay_gate_wait(struct rp_gate *g, size_t job);
/* @job has ended (it ran, failed, or is not this process's to run). */
void replay_gate_end(struct rp_gate *g, size_t job);
/*
 * A shared file's op number @seq (plan fseq): blocks until the ops before
 * it are done, and returns the file's descriptor (-1: not open).
 */
int replay_gate_turn(struct rp_gate *g, uint32_t file, uint64_t seq);
/* That op is done; the file's descriptor is now @fd (an open's, -1 after a close). */
void replay_gate_next(struct rp_gate *g, uint32_t file, int fd);
/*
 * A job failed, so ops others wait for may never come: every wait returns
 * from now on (the trial fails anyway, and must end rather than hang).
 */
void replay_gate_break(struct rp_gate *g);
/* One job lets go of @g; the last frees it. */
void replay_gate_put(struct rp_gate *g);

#endif
