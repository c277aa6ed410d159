/* op.h - one I/O operation, the unit a workload hands to a strategy.
 *
 * Operations are plain data so that every strategy (blocking syscalls, a
 * thread pool, io_uring SQEs) executes exactly the same stream.  The
 * executor fills in `res`; everything else is owned by the job.
 */
#ifndef IOBENCH_OP_H
#define IOBENCH_OP_H

#include <linux/openat2.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum op_type {
	OP_NOP,		/* does nothing; measures the executor itself */
	OP_OPEN,	/* openat(at_fd, at_name, ...) or open(path, ...) -> fd */
	OP_READ,	/* pread(fd, buf, len, off), looping on short reads */
	OP_WRITE,	/* pwrite(fd, buf, len, off), looping on short writes */
	OP_FSYNC,	/* fsync(fd) */
	OP_CLOSE,	/* close(fd) */
	OP_CONNECT,	/* a TCP socket connected to addr -> fd (TCP_NODELAY) */
	OP_SEND,	/* send(fd, buf, len), looping on short sends; MSG_NOSIGNAL */
	OP_RECV,	/* recv(fd, buf, len), looping until len bytes or end of stream */
	OP_NTYPES
};

struct job;

struct op {
	enum op_type type;
	int fd;
	int flags;		/* OP_OPEN; OP_CLOSE: OP_CLOSE_SOCKET */
	mode_t mode;		/* OP_OPEN */
	const char *path;	/* OP_OPEN; every op carries it for error messages */
	/*
	 * OP_OPEN relative to a directory fd when at_name is set (files created
	 * in shared space: no path to swap under us), else by path.
	 */
	int at_fd;
	const char *at_name;
	/*
	 * OP_OPEN with at_name and @beneath: at_name is resolved inside at_fd
	 * and through no symbolic link at all, not only its last component
	 * (openat2's RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS): a tree a user
	 * names (--replay-data) can't lead an open outside it.  @how is the
	 * executor's scratch for it.
	 */
	bool beneath;
	struct open_how how;
	/* OP_CONNECT: the peer (the executor fills fd while it connects) */
	const void *addr;
	unsigned addrlen;
	/*
	 * CONNECT, SEND, RECV: give up after this long without completing,
	 * with -ETIMEDOUT (a peer that never answers must not hang a trial);
	 * 0: wait for ever.  Every executor honours it its own way.
	 */
	unsigned timeout_ms;
	unsigned park_seq;	/* executor's scratch (epoll: which parking this is) */
	void *buf;
	size_t len;
	uint64_t off;
	/*
	 * Set by the executor: bytes moved (READ/WRITE, may be short only at
	 * end of file), the new fd (OPEN), 0 (others), or -errno.
	 */
	int64_t res;
	size_t done;		/* executor's scratch: bytes moved so far */
	/*
	 * Latency stamps (CLOCK_MONOTONIC ns).  t_issue_ns: the job handed the
	 * op out (job_next); response time runs from there to the job being
	 * handed the result.  t_svc_*: the executor's own window, from the
	 * blocking syscall's start (or the io_uring submission) to its return
	 * (or the completion becoming visible to the loop): service time.
	 * 0: not stamped.
	 */
	uint64_t t_issue_ns;
	uint64_t t_svc_start_ns, t_svc_end_ns;
	struct job *job;	/* owner, so completions find their job */
	unsigned slot;		/* owner's private index */
};

/* OP_CLOSE's flags: the fd is a connection (OP_CONNECT's), not a file */
#define OP_CLOSE_SOCKET 1

/* Ops on a connection: event loops wait on readiness for them, not on a pool. */
static inline bool op_is_socket(const struct op *op)
{
	return op->type == OP_CONNECT || op->type == OP_SEND || op->type == OP_RECV ||
	       (op->type == OP_CLOSE && (op->flags & OP_CLOSE_SOCKET));
}

/* "open", "read", ... */
const char *op_name(enum op_type type);

/*
 * Executes @op with blocking syscalls and sets op->res.  READ, WRITE,
 * SEND and RECV loop until len bytes moved, end of file or stream (READ
 * and RECV return fewer) or an error; EINTR is retried.  Can't fail in
 * itself: errors land in op->res.
 */
void op_exec(struct op *op);

/*
 * A TCP socket for OP_CONNECT's peer, TCP_NODELAY set, with @type_flags
 * (SOCK_NONBLOCK) added: the fd or -errno.  A blocking one carries the
 * op's timeout_ms as SO_SNDTIMEO and SO_RCVTIMEO; a non-blocking one's
 * executor times its ops itself.
 */
int op_socket(const struct op *op, int type_flags);

#endif
