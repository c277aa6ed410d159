/*
 * io_uring_ring.c - the io_uring strategy's ring: whether the kernel lets
 * us have one, setting one up with its options (registered files and
 * buffers, SQPOLL, an io-wq cap), and an op turned into an SQE.
 * io_uring.c runs the rings.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <liburing.h>

#include "io_uring_int.h"
#include "io_uring_opts.h"
#include "util.h"

static const int needed_ops[] = {
	IORING_OP_NOP, IORING_OP_OPENAT, IORING_OP_READ, IORING_OP_WRITE,
	IORING_OP_FSYNC, IORING_OP_CLOSE, IORING_OP_CONNECT, IORING_OP_SEND, IORING_OP_RECV,
};

/* Why io_uring_queue_init() said no, in words a user can act on. */
void uring_explain_setup_error(int err, char *why, size_t len)
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

int uring_probe(char *why, size_t len)
{
	struct io_uring ring;
	struct io_uring_probe *probe;
	int rc = io_uring_queue_init(4, &ring, 0);

	if (rc < 0) {
		uring_explain_setup_error(rc, why, len);
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

/* An open: openat2 beneath its directory when the op asks, into a free slot with @fixed. */
static void prep_open(struct io_uring_sqe *sqe, struct op *op, bool fixed)
{
	/* a slot is no descriptor: the kernel refuses O_CLOEXEC on it */
	if (op->at_name && op->beneath) {
		/* kept in the op: the kernel reads it at submission */
		op->how = (struct open_how){
			.flags = (uint64_t)(op->flags | O_NOFOLLOW | (fixed ? 0 : O_CLOEXEC)),
			.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
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
}

/* A read or a write of what is left of @op, on registered buffer @buf_index when >= 0. */
static void prep_rw(struct io_uring_sqe *sqe, struct op *op, int buf_index)
{
	char *at = (char *)op->buf + op->done;
	unsigned n = (unsigned)(op->len - op->done);
	uint64_t off = op->off + op->done;

	if (op->type == OP_READ && buf_index >= 0)
		io_uring_prep_read_fixed(sqe, op->fd, at, n, off, buf_index);
	else if (op->type == OP_READ)
		io_uring_prep_read(sqe, op->fd, at, n, off);
	else if (buf_index >= 0)
		io_uring_prep_write_fixed(sqe, op->fd, at, n, off, buf_index);
	else
		io_uring_prep_write(sqe, op->fd, at, n, off);
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
void uring_prep(struct io_uring_sqe *sqe, struct op *op, bool fixed, int buf_index)
{
	switch (op->type) {
	case OP_NOP:
		io_uring_prep_nop(sqe);
		break;
	case OP_OPEN:
		prep_open(sqe, op, fixed);
		break;
	case OP_READ:
	case OP_WRITE:
		prep_rw(sqe, op, buf_index);
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

/* A job is done: its buffers leave the ring's table before another starts. */
static void bufs_job_done(void *arg, struct job *job)
{
	ubufs_job_done(arg, job);
}

/* Per SQ slot a timeout's time; with latency on, the arrays that stamp each op. */
static int loop_stamps(struct uring_loop *l, bool stamps, char *msg, size_t len)
{
	l->ts = calloc(*l->ring.sq.kring_entries, sizeof(*l->ts));
	if (!l->ts) {
		snprintf(msg, len, "io_uring: out of memory");
		return -ENOMEM;
	}
	l->stamps = stamps;
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
	return loop_stamps(l, ctx->lat != NULL, msg, len);
}

/* One ring and its scheduler, taking jobs from the pool's shared cursor @next. */
int uring_loop_init(struct uring_loop *l, struct strat_ctx *ctx, size_t *next, char *msg,
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

		uring_explain_setup_error(rc, why, sizeof(why));
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
