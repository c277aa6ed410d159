/* io_uring.c - --workers threads, each with its own ring of --qd entries.
 *
 * Thread per core, as io_uring is run for CPU-heavy work (and as fio runs
 * numjobs): each thread takes jobs from one shared cursor into its own
 * ring, and runs their compute as its completions come.  --workers 1 is
 * one thread and one ring.  Every op becomes an SQE (openat, read, write,
 * fsync, close, nop); a loop fills its ring from its jobs, submits the
 * whole batch and waits with one io_uring_enter, then completes the CQEs,
 * which runs the jobs' compute on that same thread.  Every submission's result is checked: a
 * failed submit fails the strategy with the reason.  Short reads and
 * writes are resubmitted for the remainder (liburing's io_uring-cp does
 * the same); a read that
 * returns 0 is end of file and goes back to the job as a short result.
 * "The wait failed" (a negative return from io_uring_submit_and_wait) is a
 * strategy failure; "the op failed" (a negative cqe->res) is the job's.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <liburing.h>

#include "conc.h"
#include "io_uring_int.h"
#include "io_uring_opts.h"
#include "jobsched.h"
#include "pin.h"
#include "strategy.h"
#include "uring_bufs.h"
#include "util.h"


static void stamp_submit(struct uring_loop *l)
{
	uint64_t t;

	if (!l->stamps || !l->nunsub)
		return;
	t = now_ns();
	for (unsigned i = 0; i < l->nunsub; i++)
		if (!l->unsub[i]->t_svc_start_ns)	/* a short transfer keeps its start */
			l->unsub[i]->t_svc_start_ns = t;
	l->nunsub = 0;
}

/* Stamps the CQEs that appeared since the last look. */
static void stamp_seen(struct uring_loop *l)
{
	unsigned tail, mask = *l->ring.cq.kring_mask;
	uint64_t t;

	if (!l->stamps)
		return;
	tail = io_uring_smp_load_acquire(l->ring.cq.ktail);
	if (tail == l->cq_tail_seen)
		return;
	t = now_ns();
	for (; l->cq_tail_seen != tail; l->cq_tail_seen++)
		l->cq_seen[l->cq_tail_seen & mask] = t;
}

/* Submits what is queued; 0 or -errno (the submission itself failed). */
static int submit(struct uring_loop *l)
{
	int rc;

	stamp_submit(l);
	l->enters++;
	do
		rc = io_uring_submit(&l->ring);
	while (rc == -EINTR);
	l->failed = "submit";
	return rc < 0 ? rc : 0;
}

/* The user data of a linked timeout's own CQE, which the loop skips. */
static char link_timeout_tag;

/*
 * A connection's op with a timeout gets a linked timeout in the next SQE:
 * if the op has not completed by then, the kernel cancels it (-ECANCELED,
 * turned into -ETIMEDOUT by finish_cqe).
 */
static void link_timeout(struct uring_loop *l, struct io_uring_sqe *sqe, const struct op *op)
{
	struct io_uring_sqe *t = io_uring_get_sqe(&l->ring);	/* room was made for it */
	struct __kernel_timespec *ts = &l->ts[t - l->ring.sq.sqes];

	sqe->flags |= IOSQE_IO_LINK;
	ts->tv_sec = op->timeout_ms / 1000;
	ts->tv_nsec = (long long)(op->timeout_ms % 1000) * 1000000;
	io_uring_prep_link_timeout(t, ts, 0);
	io_uring_sqe_set_data(t, &link_timeout_tag);
	l->sqes++;
}

/* Puts @op (or the rest of a short one) into an SQE, submitting a full SQ first. */
static int queue_op(struct uring_loop *l, struct op *op)
{
	struct io_uring_sqe *sqe;
	int rc, buf_index = -1;
	bool timed = op->timeout_ms && op_is_socket(op) && op->type != OP_CLOSE &&
		     !(op->type == OP_CONNECT && op->fd < 0);

	if (l->fixed_bufs && (op->type == OP_READ || op->type == OP_WRITE)) {
		buf_index = ubufs_index(&l->bufs, op->job, op->buf, op->len);
		l->failed = buf_index == -ENOSPC ? "every registered buffer slot is taken "
			"(--uring-fixed-bufs)" : "cannot register a buffer (--uring-fixed-bufs)";
		if (buf_index < 0)
			return buf_index;
	}
	/* an op and its linked timeout go into the SQ together, or not at all */
	sqe = io_uring_sq_space_left(&l->ring) >= 1u + timed ? io_uring_get_sqe(&l->ring) : NULL;
	if (!sqe) {
		rc = submit(l);
		if (rc < 0)
			return rc;
		/* SQPOLL: the poller moves the head on its own time (ring_loop) */
		while (l->sqpoll && io_uring_sq_space_left(&l->ring) < 1u + timed &&
		       io_uring_sqring_wait(&l->ring) >= 0)
			;
		sqe = io_uring_sq_space_left(&l->ring) >= 1u + timed ? io_uring_get_sqe(&l->ring)
								      : NULL;
		l->failed = "no SQE free after a submit";
		if (!sqe)
			return -EBUSY;
	}
	uring_prep(sqe, op, l->fixed, buf_index);
	l->sqes++;
	if (timed)
		link_timeout(l, sqe, op);
	if (l->stamps && l->nunsub < l->unsub_cap)
		l->unsub[l->nunsub++] = op;
	return 0;
}

/*
 * Applies one CQE to its op.  Returns 1 when the op is finished, 0 when
 * the rest of a short transfer was queued again, or -errno when that
 * could not be queued.
 */
static int finish_cqe(struct uring_loop *l, struct op *op, int res)
{
	bool rw = op->type == OP_READ || op->type == OP_WRITE || op->type == OP_SEND ||
		  op->type == OP_RECV;

	if (res == -ECANCELED && op->timeout_ms)
		res = -ETIMEDOUT;	/* its linked timeout fired */
	if (op->type == OP_CONNECT) {
		if (op->fd >= 0 && res < 0)
			close(op->fd);
		op->res = op->fd < 0 ? op->fd : res < 0 ? res : op->fd;
		return 1;
	}
	if (!rw || res < 0) {
		op->res = res;
		return 1;
	}
	op->done += (size_t)res;
	if (res == 0 || op->done == op->len) {	/* 0: end of file or stream */
		op->res = (int64_t)op->done;
		return 1;
	}
	return queue_op(l, op);
}

/*
 * Queues every op the jobs can issue now.  0, or -errno when a buffer
 * could not be registered (there is always space in the SQ).
 */
static int queue_ops(struct uring_loop *l)
{
	struct op *op;

	while (io_uring_sq_space_left(&l->ring) && (op = sched_next(&l->s)) != NULL) {
		int rc;

		op->done = 0;
		if (op->type == OP_CONNECT)
			op->fd = op_socket(op, 0);
		rc = queue_op(l, op);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Ops submitted whose CQE has not arrived: the ones the device may hold. */
static unsigned in_kernel(struct uring_loop *l)
{
	/* linked timeouts take SQEs and CQEs of their own: never below 0 */
	long n = (long)sched_inflight(&l->s) - (long)io_uring_sq_ready(&l->ring) -
		 (long)io_uring_cq_ready(&l->ring);

	return n > 0 ? (unsigned)n : 0;
}

/*
 * Handles every CQE there is, one at a time.  Each completion's compute
 * runs before the next CQE is looked at.  When half the ring or more sits
 * idle, what the jobs can issue is submitted at once instead of after the
 * last CQE of this wait: reads that complete together (16 at qd 16 here)
 * then ~90 us of compute left the device idle all that time, 0.77 of fio.
 * Submitting after every CQE instead made csv's trials 1.5x longer in an
 * A/B here: each open woke an io-wq worker of its own.
 * Returns 0 or -errno when a submission failed.
 */
static int reap(struct uring_loop *l)
{
	struct io_uring_cqe *cqe;

	while (io_uring_peek_cqe(&l->ring, &cqe) == 0) {
		struct op *op = io_uring_cqe_get_data(cqe);
		int res = cqe->res, rc;

		if ((void *)op == &link_timeout_tag) {	/* a timeout's own CQE: its op has one too */
			stamp_seen(l);
			io_uring_cqe_seen(&l->ring, cqe);
			continue;
		}

		/* peek may itself have run deferred task work and posted CQEs */
		stamp_seen(l);
		if (l->stamps)
			op->t_svc_end_ns = l->cq_seen[*l->ring.cq.khead & *l->ring.cq.kring_mask];
		io_uring_cqe_seen(&l->ring, cqe);
		rc = finish_cqe(l, op, res);
		if (rc < 0)
			return rc;
		if (rc == 1)
			sched_complete(&l->s, op);
		rc = queue_ops(l);
		if (rc < 0)
			return rc;
		if (io_uring_sq_ready(&l->ring) && in_kernel(l) <= sched_limit(&l->s) / 2) {
			rc = submit(l);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

/* What the threads of one run share. */
struct uring_pool {
	struct strat_ctx *ctx;
	/*
	 * Every ring is set up before any takes a job: the first ring thread
	 * would otherwise take jobs before the others exist, and its freed
	 * buffers' addresses could come back as another thread's ring (which
	 * liburing maps behind ThreadSanitizer's back: a false race).
	 */
	pthread_cond_t all_up;	/* with lock: up of expected rings are set up */
	unsigned up, expected;
	size_t next;		/* the next job to take (atomic) */
	unsigned started;	/* ring threads so far, for --pin (atomic) */
	int stop;		/* a ring failed: the others stop too (atomic) */
	pthread_mutex_t lock;	/* the totals and the first failure below */
	uint64_t enters, wait_ns, sqes;
	int rc;
};

/*
 * When no job can issue: with SQPOLL, waits for the SQ head and asks the
 * jobs again; a loop still stalled then is a workload bug.  0 or -errno
 * (@msg).
 */
static int unstall(struct uring_loop *l, char *msg, size_t len)
{
	int rc;

	/*
	 * With SQPOLL the kernel's poller posts a batch's completions
	 * before it moves the SQ head past the batch (io_submit_sqes:
	 * the completions are flushed, then the head committed), so the
	 * SQ can look full with every op already complete, and
	 * queue_ops asked no job for more.  Wait for the head to move
	 * (it may have by now), then ask the jobs again.  This was the
	 * "rare stall" of --sqpoll: with two rings on array, 9 of 40
	 * test runs stopped here, every job able to issue (probed).
	 */
	if (sched_stalled(&l->s) && l->sqpoll) {
		rc = io_uring_sqring_wait(&l->ring);
		if (rc < 0 && rc != -EINTR) {
			snprintf(msg, len, "io_uring: waiting for SQ space: %s", strerror(-rc));
			return rc;
		}
		rc = queue_ops(l);
		if (rc < 0) {
			snprintf(msg, len, "io_uring: %s: %s", l->failed, strerror(-rc));
			return rc;
		}
	}
	if (!sched_stalled(&l->s))
		return 0;
	snprintf(msg, len, "io_uring: jobs wait with no op in flight (workload bug; %zu active, "
		 "%zu done, cursor %zu of %zu%s, SQ %u ready, CQ %u ready)", l->s.nactive,
		 l->s.ndone, l->s.shared ? __atomic_load_n(l->s.shared, __ATOMIC_RELAXED) :
		 l->s.next_job, l->s.njobs, l->s.exhausted ? ", exhausted" : "",
		 io_uring_sq_ready(&l->ring), io_uring_cq_ready(&l->ring));
	return -EPROTO;
}

/* Ring @l's loop until its jobs are done, a submit fails or another ring did. */
static int ring_loop(struct uring_pool *p, struct uring_loop *l, char *msg, size_t len)
{
	int rc = 0;

	for (;;) {
		uint64_t t0;

		rc = queue_ops(l);
		if (rc < 0) {
			snprintf(msg, len, "io_uring: %s: %s", l->failed, strerror(-rc));
			return rc;
		}
		if (sched_done(&l->s) || __atomic_load_n(&p->stop, __ATOMIC_ACQUIRE))
			break;
		rc = unstall(l, msg, len);
		if (rc < 0)
			return rc;
		stamp_submit(l);
		l->enters++;
		/*
		 * The time in here is asleep waiting for completions (plus the
		 * submission's CPU): reported as ring_wait_s, and taken out of
		 * block-I/O wait, where the kernel counts it whatever we wait on.
		 */
		t0 = now_ns();
		rc = io_uring_submit_and_wait(&l->ring, 1);
		l->wait_ns += now_ns() - t0;
		if (rc == -EINTR) {
			rc = 0;
			continue;
		}
		if (rc < 0) {
			snprintf(msg, len, "io_uring: submit and wait: %s", strerror(-rc));
			return rc;
		}
		rc = reap(l);
		if (rc < 0) {
			snprintf(msg, len, "io_uring: %s: %s", l->failed, strerror(-rc));
			return rc;
		}
	}
	return 0;
}

/* One ring, start to end; its totals and any failure go into @p. */
static void ring_run(struct uring_pool *p, bool pooled)
{
	struct uring_loop l;
	char msg[sizeof(p->ctx->msg)];
	int rc = uring_loop_init(&l, p->ctx, &p->next, msg, sizeof(msg));

	if (pooled) {
		pthread_mutex_lock(&p->lock);
		p->up++;
		pthread_cond_broadcast(&p->all_up);
		while (p->up < p->expected)
			pthread_cond_wait(&p->all_up, &p->lock);
		pthread_mutex_unlock(&p->lock);
	}
	if (rc == 0) {
		rc = ring_loop(p, &l, msg, sizeof(msg));
		/* exit cancels and waits for anything still in flight (only on error) */
		io_uring_queue_exit(&l.ring);
		ubufs_free(&l.bufs);
		free(l.unsub);
		free(l.cq_seen);
		free(l.ts);
		sched_free(&l.s);
	}
	pthread_mutex_lock(&p->lock);
	p->enters += l.enters;
	p->wait_ns += l.wait_ns;
	p->sqes += l.sqes;
	if (rc < 0 && p->rc == 0) {
		p->rc = rc;
		snprintf(p->ctx->msg, sizeof(p->ctx->msg), "%s", msg);
		__atomic_store_n(&p->stop, 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&p->lock);
}

static void *ring_thread(void *arg)
{
	struct uring_pool *p = arg;

	conc_thread_start(p->ctx->conc);
	if (p->ctx->pin)
		pin_self(p->ctx->pin, "ring", __atomic_fetch_add(&p->started, 1, __ATOMIC_RELAXED));
	ring_run(p, true);
	conc_thread_end(p->ctx->conc);
	return NULL;
}

static int uring_run(struct strat_ctx *ctx)
{
	struct uring_pool p = { .ctx = ctx, .lock = PTHREAD_MUTEX_INITIALIZER,
				.all_up = PTHREAD_COND_INITIALIZER, .expected = ctx->workers };
	unsigned n = ctx->workers ? ctx->workers : 1, started = 0;
	pthread_t *tids = n > 1 ? calloc(n, sizeof(*tids)) : NULL;

	if (n > 1 && !tids) {
		snprintf(ctx->msg, sizeof(ctx->msg), "io_uring: out of memory");
		return -ENOMEM;
	}
	if (n == 1)
		ring_run(&p, false);	/* one ring: on the trial's own thread, as ever */
	for (; n > 1 && started < n; started++) {
		int err = pthread_create(&tids[started], NULL, ring_thread, &p);

		if (err) {
			/* the rings already running stop; their jobs are the failure's */
			pthread_mutex_lock(&p.lock);
			if (p.rc == 0) {
				p.rc = -err;
				snprintf(ctx->msg, sizeof(ctx->msg), "io_uring: cannot create ring "
					 "thread %u of %u: %s", started + 1, n, strerror(err));
			}
			__atomic_store_n(&p.stop, 1, __ATOMIC_RELEASE);
			/* the rings waiting for the rest go on without them, to stop */
			p.expected = started;
			pthread_cond_broadcast(&p.all_up);
			pthread_mutex_unlock(&p.lock);
			break;
		}
	}
	for (unsigned i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	free(tids);
	ctx->io_uring_enters = p.enters;
	ctx->ring_wait_ns = p.wait_ns;
	ctx->io_uring_sqes = p.sqes;
	return p.rc;
}

const struct strategy strategy_io_uring = {
	IO_URING_TRAITS,
	.desc = "--workers threads, each with a ring of --qd entries (liburing), pulling jobs",
	.probe = uring_probe,
	.run = uring_run,
};
