/* io_uring_int.h - what io_uring.c (the rings at work) and io_uring_ring.c (setting them up) share. */
#ifndef IOBENCH_IO_URING_INT_H
#define IOBENCH_IO_URING_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <liburing.h>

#include "jobsched.h"
#include "strategy.h"
#include "uring_bufs.h"

/*
 * The loop's state.  Latency stamps (only with latency on): every op
 * prepared since the last submission waits in unsub[] and is stamped with
 * the time of the io_uring_enter that submits it; every CQE is stamped
 * with the time the loop first saw it in the CQ ring (cq_seen[], indexed
 * like the ring), so its service time leaves out the compute the loop ran
 * on other completions before reaching it.
 */
struct uring_loop {
	struct io_uring ring;
	struct job_sched s;
	struct op **unsub;	/* prepared, not yet submitted */
	unsigned nunsub, unsub_cap;
	uint64_t *cq_seen;	/* per CQ slot: when it was first seen */
	unsigned cq_tail_seen;
	bool stamps;
	bool fixed;		/* files live in the ring's registered table */
	bool fixed_bufs;	/* reads and writes on registered buffers */
	bool sqpoll;		/* a kernel thread polls the SQ (its head moves on its own) */
	struct uring_bufs bufs;
	/* per SQ slot: a linked timeout's time, read by the kernel at submission */
	struct __kernel_timespec *ts;
	const char *failed;	/* what failed, when a step returns -errno */
	uint64_t enters, wait_ns, sqes;
};

/* The strategy's probe: 0, or -errno with @why saying what the kernel refused. */
int uring_probe(char *why, size_t len);
/* Why io_uring_queue_init() said no, in words a user can act on. */
void uring_explain_setup_error(int err, char *why, size_t len);
/* @op as an SQE; @fixed: its file is in the registered table; @buf_index >= 0: a registered buffer. */
void uring_prep(struct io_uring_sqe *sqe, struct op *op, bool fixed, int buf_index);
/* A thread's ring and loop state for @ctx's jobs, from shared cursor @next.  0 or -errno (@msg). */
int uring_loop_init(struct uring_loop *l, struct strat_ctx *ctx, size_t *next, char *msg,
		    size_t len);

#endif
