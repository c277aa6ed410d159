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
#include "io_uring_opts.h"
#include "jobsched.h"
#include "pin.h"
#include "strategy.h"
#include "uring_bufs.h"
#include "util.h"

static const int needed_ops[] = {
	IORING_OP_NOP, IORING_OP_OPENAT, IORING_OP_READ, IORING_OP_WRITE,
	IORING_OP_FSYNC, IORING_OP_CLOSE, IORING_OP_CONNECT, IORING_OP_SEND, IORING_OP_RECV,
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

/*
 * Turns @op (or the rest of a short one) into @sqe; @buf_index: its
 * registered buffer (--uring-fixed-bufs), or -1.
 *
 * With @fixed (--uring-fixed-files), a file opened through the ring is a
 * slot of the ring's registered table, not a descriptor: the open asks the
 * kernel for a free slot (IORING_FILE_INDEX_ALLOC) and returns it, the job
 * hands it back as its "fd", and reads, writes, fsync and close name the
 * slot (IOSQE_FIXED_FILE, close_direct).  That spares the kernel looking
 * the descriptor up and counting a reference on every op.
 */
static void prep(struct io_uring_sqe *sqe, struct op *op, bool fixed, int buf_index)
{
	switch (op->type) {
	case OP_NOP:
		io_uring_prep_nop(sqe);
		break;
	case OP_OPEN:
		/* a slot is no descriptor: the kernel refuses O_CLOEXEC on it */
		if (op->at_name && op->beneath) {
			/* kept in the op: the kernel reads it at submission */
			op->how = (struct open_how){
				.flags = (uint64_t)(op->flags | O_NOFOLLOW | (fixed ? 0 : O_CLOEXEC)),
				.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
					   RESOLVE_NO_MAGICLINKS,
			};
			io_uring_prep_openat2(sqe, op->at_fd, op->at_name, &op->how);
		} else {
			io_uring_prep_openat(sqe, op->at_name ? op->at_fd : AT_FDCWD,
					     op->at_name ? op->at_name : op->path,
					     op->flags | (fixed ? 0 : O_CLOEXEC), op->mode);
		}
		/*
		 * "any free slot", set directly: Debian's liburing 2.3 adds 1 to
		 * io_uring_prep_openat_direct's index, which turns ALLOC into 0,
		 * a plain open (measured: EBADF on the read that followed)
		 */
		if (fixed)
			sqe->file_index = IORING_FILE_INDEX_ALLOC;
		break;
	case OP_READ:
		if (buf_index >= 0)
			io_uring_prep_read_fixed(sqe, op->fd, (char *)op->buf + op->done,
						 (unsigned)(op->len - op->done),
						 op->off + op->done, buf_index);
		else
			io_uring_prep_read(sqe, op->fd, (char *)op->buf + op->done,
					   (unsigned)(op->len - op->done), op->off + op->done);
		break;
	case OP_WRITE:
		if (buf_index >= 0)
			io_uring_prep_write_fixed(sqe, op->fd, (const char *)op->buf + op->done,
						  (unsigned)(op->len - op->done),
						  op->off + op->done, buf_index);
		else
			io_uring_prep_write(sqe, op->fd, (const char *)op->buf + op->done,
					    (unsigned)(op->len - op->done), op->off + op->done);
		break;
	case OP_FSYNC:
		io_uring_prep_fsync(sqe, op->fd, 0);
		break;
	case OP_CLOSE:
		/* a connection is a plain descriptor (its socket was made by socket()) */
		if (fixed && !(op->flags & OP_CLOSE_SOCKET))
			io_uring_prep_close_direct(sqe, (unsigned)op->fd);
		else
			io_uring_prep_close(sqe, op->fd);
		break;
	case OP_CONNECT:
		/* the socket is made when the op is queued; if that failed, a NOP carries the error */
		if (op->fd < 0)
			io_uring_prep_nop(sqe);
		else
			io_uring_prep_connect(sqe, op->fd, op->addr, op->addrlen);
		break;
	case OP_SEND:
		io_uring_prep_send(sqe, op->fd, (const char *)op->buf + op->done, op->len - op->done,
				   MSG_NOSIGNAL);
		break;
	case OP_RECV:
		io_uring_prep_recv(sqe, op->fd, (char *)op->buf + op->done, op->len - op->done, 0);
		break;
	case OP_NTYPES:
		io_uring_prep_nop(sqe);
		break;
	}
	if (fixed && (op->type == OP_READ || op->type == OP_WRITE || op->type == OP_FSYNC))
		sqe->flags |= IOSQE_FIXED_FILE;
	io_uring_sqe_set_data(sqe, op);
}

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
	prep(sqe, op, l->fixed, buf_index);
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

/* A job is done: its buffers leave the ring's table before another starts. */
static void bufs_job_done(void *arg, struct job *job)
{
	ubufs_job_done(arg, job);
}

/* A ring's options and, when latency is recorded, its stamping arrays. */
static int loop_extras(struct uring_loop *l, struct strat_ctx *ctx, char *msg, size_t len)
{
	/*
	 * Ops that can't complete inline go to the ring's kernel workers,
	 * min(qd, 4 x CPUs) of them by default: on FUSE or NFS that, not qd,
	 * may bound the reads in flight.  --iowq-workers sets the bound.
	 */
	if (ctx->opt[URO_IOWQ]) {
		unsigned vals[2] = { (unsigned)ctx->opt[URO_IOWQ], (unsigned)ctx->opt[URO_IOWQ] };
		int rc = io_uring_register_iowq_max_workers(&l->ring, vals);

		if (rc < 0) {
			snprintf(msg, len, "io_uring: cannot set --iowq-workers %u: %s",
				 (unsigned)ctx->opt[URO_IOWQ], strerror(-rc));
			return rc;
		}
	}
	/* a slot per job that may be open at once: qd + 1 active, with room */
	if (ctx->opt[URO_FIXED_FILES]) {
		int rc = io_uring_register_files_sparse(&l->ring, 2 * ctx->qd + 16);

		if (rc < 0) {
			snprintf(msg, len, "io_uring: cannot register a file table (--uring-fixed-files): %s",
				 strerror(-rc));
			return rc;
		}
		l->fixed = true;
	}
	if (ctx->opt[URO_FIXED_BUFS]) {
		/*
		 * A ring holds at most qd + 1 jobs (jobsched.h); 64 buffers each
		 * is more than any workload keeps (its read-ahead window)
		 */
		unsigned jobs = ctx->qd + 1, slots = jobs * 64 > 16384 ? 16384 : jobs * 64;
		int rc = ubufs_init(&l->bufs, &l->ring, slots, jobs);

		if (rc < 0) {
			snprintf(msg, len, "io_uring: cannot register a buffer table (--uring-fixed-bufs): %s%s",
				 strerror(-rc), rc == -ENOMEM ? " (locked memory: see ulimit -l)" : "");
			return rc;
		}
		l->fixed_bufs = true;
		l->s.on_done = bufs_job_done;
		l->s.on_done_arg = &l->bufs;
	}
	l->ts = calloc(*l->ring.sq.kring_entries, sizeof(*l->ts));
	if (!l->ts) {
		snprintf(msg, len, "io_uring: out of memory");
		return -ENOMEM;
	}
	l->stamps = lat_current != NULL;
	if (!l->stamps)
		return 0;
	l->unsub_cap = *l->ring.sq.kring_entries;
	l->unsub = calloc(l->unsub_cap, sizeof(*l->unsub));
	l->cq_seen = calloc(*l->ring.cq.kring_entries, sizeof(*l->cq_seen));
	l->cq_tail_seen = *l->ring.cq.ktail;
	if (!l->unsub || !l->cq_seen) {
		snprintf(msg, len, "io_uring: out of memory");
		return -ENOMEM;
	}
	return 0;
}

/* One ring and its scheduler, taking jobs from the pool's shared cursor @next. */
static int loop_init(struct uring_loop *l, struct strat_ctx *ctx, size_t *next, char *msg,
		     size_t len)
{
	unsigned entries;
	int rc;

	/*
	 * --qd bounds the ops in flight (the scheduler); the SQ has room for
	 * two SQEs at least, as an op on a connection takes its linked
	 * timeout along (queue_op)
	 */
	entries = ctx->qd < 2 ? 2 : ctx->qd;
	memset(l, 0, sizeof(*l));
	rc = sched_init_shared(&l->s, ctx->jobs, ctx->njobs, ctx->qd, next,
			       ctx->workers ? ctx->workers : 1);
	if (rc < 0) {
		snprintf(msg, len, "io_uring: out of memory");
		return rc;
	}
	rc = -EINVAL;
	if (ctx->opt[URO_SQPOLL]) {
		/* the poller sleeps after 50 ms without submissions */
		struct io_uring_params prm = { .flags = IORING_SETUP_SQPOLL, .sq_thread_idle = 50 };

		rc = io_uring_queue_init_params(entries, &l->ring, &prm);
	} else if (!getenv("IOBENCH_URING_PLAIN")) {
		rc = io_uring_queue_init(entries, &l->ring, IORING_SETUP_SINGLE_ISSUER |
					 IORING_SETUP_DEFER_TASKRUN);
	}
	if (rc == -EINVAL && !ctx->opt[URO_SQPOLL])
		rc = io_uring_queue_init(entries, &l->ring, 0);
	if (rc < 0) {
		char why[256];

		explain_setup_error(rc, why, sizeof(why));
		snprintf(msg, len, "io_uring: %s", why);
		goto out_sched;
	}
	rc = loop_extras(l, ctx, msg, len);
	if (rc < 0)
		goto out_ring;
	l->sqpoll = ctx->opt[URO_SQPOLL];
	return 0;
out_ring:
	ubufs_free(&l->bufs);
	free(l->unsub);
	free(l->cq_seen);
	free(l->ts);
	io_uring_queue_exit(&l->ring);
out_sched:
	sched_free(&l->s);
	return rc;
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
		if (sched_stalled(&l->s)) {
			snprintf(msg, len, "io_uring: jobs wait with no op in flight (workload bug; "
				 "%zu active, %zu done, cursor %zu of %zu%s, SQ %u ready, CQ %u ready)",
				 l->s.nactive, l->s.ndone, l->s.shared ? __atomic_load_n(l->s.shared, __ATOMIC_RELAXED) : l->s.next_job,
				 l->s.njobs, l->s.exhausted ? ", exhausted" : "",
				 io_uring_sq_ready(&l->ring), io_uring_cq_ready(&l->ring));
			return -EPROTO;
		}
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
	int rc = loop_init(&l, p->ctx, &p->next, msg, sizeof(msg));

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

	conc_thread_start();
	if (p->ctx->pin)
		pin_self("ring", __atomic_fetch_add(&p->started, 1, __ATOMIC_RELAXED));
	ring_run(p, true);
	conc_thread_end();
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
	ctx->enter_calls = p.enters;
	ctx->ring_wait_ns = p.wait_ns;
	ctx->sqes = p.sqes;
	return p.rc;
}

const struct strategy strategy_io_uring = {
	IO_URING_TRAITS,
	.desc = "--workers threads, each with a ring of --qd entries (liburing), pulling jobs",
	.probe = uring_probe,
	.run = uring_run,
};
