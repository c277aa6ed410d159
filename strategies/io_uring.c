/* io_uring.c - one thread, one ring of --qd entries, liburing.
 *
 * Every op becomes an SQE (openat, read, write, fsync, close, nop); the
 * loop fills the ring from the jobs, submits the whole batch and waits
 * with one io_uring_enter, then completes the CQEs, which runs the jobs'
 * compute on this same thread.  Short reads and writes are resubmitted for
 * the remainder (liburing's io_uring-cp does the same); a read that
 * returns 0 is end of file and goes back to the job as a short result.
 * "The wait failed" (a negative return from io_uring_submit_and_wait) is a
 * strategy failure; "the op failed" (a negative cqe->res) is the job's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <liburing.h>

#include "jobsched.h"
#include "strategy.h"
#include "util.h"

static const int needed_ops[] = {
	IORING_OP_NOP, IORING_OP_OPENAT, IORING_OP_READ, IORING_OP_WRITE,
	IORING_OP_FSYNC, IORING_OP_CLOSE,
};

/* Why io_uring_queue_init() said no, in words a user can act on. */
static void explain_setup_error(int err, char *why, size_t len)
{
	char knob[16] = "";
	char *text = NULL;

	if (read_small_file("/proc/sys/kernel/io_uring_disabled", &text, NULL) == 0) {
		snprintf(knob, sizeof(knob), "%.*s", (int)strcspn(text, "\n"), text);
		free(text);
	}
	switch (err) {
	case -ENOSYS:
		snprintf(why, len, "the kernel has no io_uring (ENOSYS)");
		break;
	case -EPERM:
		if (knob[0] && strcmp(knob, "0") != 0)
			snprintf(why, len,
				 "io_uring is disabled by sysctl kernel.io_uring_disabled=%s (EPERM)",
				 knob);
		else
			snprintf(why, len,
				 "io_uring setup refused (EPERM): a seccomp filter or container policy blocks it");
		break;
	case -EINVAL:
		snprintf(why, len, "io_uring setup rejected (EINVAL): kernel too old for this ring");
		break;
	default:
		snprintf(why, len, "io_uring setup failed: %s", strerror(-err));
		break;
	}
}

static int uring_probe(char *why, size_t len)
{
	struct io_uring ring;
	struct io_uring_probe *probe;
	int rc = io_uring_queue_init(4, &ring, 0);

	if (rc < 0) {
		explain_setup_error(rc, why, len);
		return rc;
	}
	probe = io_uring_get_probe_ring(&ring);
	for (size_t i = 0; probe && i < ARRAY_SIZE(needed_ops); i++) {
		if (!io_uring_opcode_supported(probe, needed_ops[i])) {
			snprintf(why, len, "the kernel's io_uring lacks opcode %d", needed_ops[i]);
			rc = -EOPNOTSUPP;
		}
	}
	if (!probe) {
		snprintf(why, len, "cannot probe io_uring opcodes");
		rc = -EOPNOTSUPP;
	}
	io_uring_free_probe(probe);
	io_uring_queue_exit(&ring);
	return rc;
}

/* Turns @op (or the rest of a short one) into @sqe. */
static void prep(struct io_uring_sqe *sqe, struct op *op)
{
	switch (op->type) {
	case OP_NOP:
		io_uring_prep_nop(sqe);
		break;
	case OP_OPEN:
		io_uring_prep_openat(sqe, AT_FDCWD, op->path, op->flags | O_CLOEXEC,
				     op->mode);
		break;
	case OP_READ:
		io_uring_prep_read(sqe, op->fd, (char *)op->buf + op->done,
				   (unsigned)(op->len - op->done), op->off + op->done);
		break;
	case OP_WRITE:
		io_uring_prep_write(sqe, op->fd, (const char *)op->buf + op->done,
				    (unsigned)(op->len - op->done), op->off + op->done);
		break;
	case OP_FSYNC:
		io_uring_prep_fsync(sqe, op->fd, 0);
		break;
	case OP_CLOSE:
		io_uring_prep_close(sqe, op->fd);
		break;
	case OP_NTYPES:
		io_uring_prep_nop(sqe);
		break;
	}
	io_uring_sqe_set_data(sqe, op);
}

/* An SQE, submitting what is queued when the ring's SQ is full. */
static struct io_uring_sqe *get_sqe(struct io_uring *ring, uint64_t *enters)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	if (!sqe) {
		(*enters)++;
		io_uring_submit(ring);
		sqe = io_uring_get_sqe(ring);
	}
	return sqe;
}

/*
 * Applies one CQE to its op.  Returns true when the op is finished, false
 * when the rest of a short transfer was queued again.
 */
static bool finish_cqe(struct io_uring *ring, struct op *op, int res,
		       uint64_t *enters)
{
	bool rw = op->type == OP_READ || op->type == OP_WRITE;

	if (!rw) {
		op->res = res;
		return true;
	}
	if (res < 0) {
		op->res = res;
		return true;
	}
	op->done += (size_t)res;
	if (res == 0 || op->done == op->len) {	/* 0: end of file */
		op->res = (int64_t)op->done;
		return true;
	}
	prep(get_sqe(ring, enters), op);
	return false;
}

/* Queues every op the jobs can issue now; returns how many SQEs wait. */
static unsigned queue_ops(struct io_uring *ring, struct job_sched *s)
{
	struct op *op;

	while (io_uring_sq_space_left(ring) && (op = sched_next(s)) != NULL) {
		op->done = 0;
		prep(io_uring_get_sqe(ring), op);
	}
	return io_uring_sq_ready(ring);
}

/* Ops submitted whose CQE has not arrived: the ones the device may hold. */
static unsigned in_kernel(struct io_uring *ring, const struct job_sched *s)
{
	return s->inflight - io_uring_sq_ready(ring) - io_uring_cq_ready(ring);
}

static int uring_run(struct strat_ctx *ctx)
{
	struct io_uring ring;
	struct job_sched s;
	struct op *op;
	int rc;

	rc = sched_init(&s, ctx->jobs, ctx->njobs, ctx->qd);
	if (rc < 0) {
		snprintf(ctx->msg, sizeof(ctx->msg), "io_uring: out of memory");
		return rc;
	}
	rc = -EINVAL;
	if (!getenv("IOBENCH_URING_PLAIN"))
		rc = io_uring_queue_init(ctx->qd, &ring, IORING_SETUP_SINGLE_ISSUER |
					 IORING_SETUP_DEFER_TASKRUN);
	if (rc == -EINVAL)
		rc = io_uring_queue_init(ctx->qd, &ring, 0);
	if (rc < 0) {
		char why[256];

		explain_setup_error(rc, why, sizeof(why));
		snprintf(ctx->msg, sizeof(ctx->msg), "io_uring: %s", why);
		goto out_sched;
	}
	for (;;) {
		struct io_uring_cqe *cqe;

		queue_ops(&ring, &s);
		if (sched_done(&s))
			break;
		if (sched_stalled(&s)) {
			rc = -EPROTO;
			snprintf(ctx->msg, sizeof(ctx->msg),
				 "io_uring: jobs wait with no op in flight (workload bug)");
			break;
		}
		ctx->enter_calls++;
		rc = io_uring_submit_and_wait(&ring, 1);
		if (rc == -EINTR)
			continue;
		if (rc < 0) {
			snprintf(ctx->msg, sizeof(ctx->msg), "io_uring: submit and wait: %s",
				 strerror(-rc));
			break;
		}
		rc = 0;
		/*
		 * Each completion's compute runs before the next CQE is looked at.
		 * When half the ring or more sits idle, what the jobs can issue is
		 * submitted at once instead of after the last CQE of this wait:
		 * reads that complete together (16 at qd 16 here) then ~90 us of
		 * compute left the device idle all that time, 0.77 of fio.
		 * Submitting after every CQE instead made csv's trials 1.5x
		 * longer in an A/B here: each open woke an io-wq worker of its own.
		 */
		while (io_uring_peek_cqe(&ring, &cqe) == 0) {
			int res = cqe->res;

			op = io_uring_cqe_get_data(cqe);
			io_uring_cqe_seen(&ring, cqe);
			if (finish_cqe(&ring, op, res, &ctx->enter_calls))
				sched_complete(&s, op);
			if (queue_ops(&ring, &s) &&
			    in_kernel(&ring, &s) <= s.max_inflight / 2) {
				ctx->enter_calls++;
				io_uring_submit(&ring);
			}
		}
	}
	/* exit cancels and waits for anything still in flight (only on error) */
	io_uring_queue_exit(&ring);
out_sched:
	sched_free(&s);
	return rc;
}

const struct strategy strategy_io_uring = {
	.name = "io_uring",
	.desc = "one thread, one ring of --qd entries (liburing): open, read, write, fsync, close",
	.uses_qd = true,
	.probe = uring_probe,
	.run = uring_run,
};
