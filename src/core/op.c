/* op.c - blocking execution of one op. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "latency.h"
#include "job.h"
#include "op.h"
#include "pymodel.h"
#include "safefs.h"
#include "util.h"

static const char *const op_names[OP_NTYPES] = {
	[OP_NOP] = "nop", [OP_OPEN] = "open", [OP_READ] = "read",
	[OP_WRITE] = "write", [OP_FSYNC] = "fsync", [OP_CLOSE] = "close",
	[OP_CONNECT] = "connect", [OP_SEND] = "send", [OP_RECV] = "recv",
};

const char *op_name(enum op_type type)
{
	return (unsigned)type < OP_NTYPES ? op_names[type] : "?";
}

static int64_t rw_full(const struct op *op)
{
	size_t done = 0;

	while (done < op->len) {
		ssize_t n;

		if (op->type == OP_READ)
			n = pread(op->fd, (char *)op->buf + done, op->len - done,
				  (off_t)(op->off + done));
		else
			n = pwrite(op->fd, (const char *)op->buf + done,
				   op->len - done, (off_t)(op->off + done));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)	/* end of file: the job decides if that is wrong */
			break;
		done += (size_t)n;
	}
	return (int64_t)done;
}

/* SEND and RECV: the whole buffer, or end of stream, or an error. */
static int64_t sr_full(const struct op *op)
{
	size_t done = 0;

	while (done < op->len) {
		ssize_t n = op->type == OP_RECV
			? recv(op->fd, (char *)op->buf + done, op->len - done, 0)
			: send(op->fd, (const char *)op->buf + done, op->len - done, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* a blocking socket says EAGAIN when SO_RCVTIMEO/SO_SNDTIMEO ran out */
			return errno == EAGAIN || errno == EWOULDBLOCK ? -ETIMEDOUT : -errno;
		}
		if (n == 0)	/* the peer closed: the job decides if that is wrong */
			break;
		done += (size_t)n;
	}
	return (int64_t)done;
}

int op_socket(const struct op *op, int type_flags)
{
	const struct sockaddr *sa = op->addr;
	int one = 1, fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC | type_flags, 0);

	if (fd < 0)
		return -errno;
	/* request/response: a small send must not wait for Nagle */
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0)
		goto fail;
	/*
	 * A blocking socket times its connect and sends (SO_SNDTIMEO) and its
	 * receives (SO_RCVTIMEO) out by itself; the executors that never
	 * block do their own timing and ask with SOCK_NONBLOCK.
	 */
	if (op->timeout_ms && !(type_flags & SOCK_NONBLOCK)) {
		struct timeval tv = { .tv_sec = op->timeout_ms / 1000,
				      .tv_usec = (op->timeout_ms % 1000) * 1000 };

		if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0 ||
		    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
			goto fail;
	}
	return fd;
fail:
	one = -errno;
	close(fd);
	return one;
}

/* A blocking connect: the new fd, or -errno. */
static int64_t connect_blocking(const struct op *op)
{
	int fd = op_socket(op, 0), err;
	struct pollfd pfd;
	socklen_t len = sizeof(err);

	if (fd < 0)
		return fd;
	if (connect(fd, op->addr, op->addrlen) == 0)
		return fd;
	err = errno == EINPROGRESS ? ETIMEDOUT : errno;	/* SO_SNDTIMEO ran out */
	/* interrupted, the connection goes on in the background: wait for it */
	while (err == EINTR) {
		int n;

		pfd = (struct pollfd){ .fd = fd, .events = POLLOUT };
		n = poll(&pfd, 1, op->timeout_ms ? (int)op->timeout_ms : -1);
		if (n <= 0) {
			err = n == 0 ? ETIMEDOUT : errno;
			continue;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
			err = errno;
		if (!err)
			return fd;
	}
	close(fd);
	return -err;
}

static void op_exec_one(struct op *op);
static void op_exec_timed(struct op *op);

void op_exec(struct op *op)
{
	/* a blocking call: CPython lets its lock go around it (--model python) */
	py_release();
	op_exec_timed(op);
	py_reacquire();
}

static void op_exec_timed(struct op *op)
{
	if (!op->job || !op->job->lat) {
		op_exec_one(op);
		return;
	}
	op->t_svc_start_ns = now_ns();
	op_exec_one(op);
	op->t_svc_end_ns = now_ns();
}

static void op_exec_one(struct op *op)
{
	int rc;

	switch (op->type) {
	case OP_NOP:
		op->res = 0;
		return;
	case OP_OPEN:
		rc = op->at_name && op->beneath ?
		     sfs_open_beneath(op->at_fd, op->at_name, op->flags | O_CLOEXEC) :
		     op->at_name ? openat(op->at_fd, op->at_name, op->flags | O_CLOEXEC, op->mode)
				 : open(op->path, op->flags | O_CLOEXEC, op->mode);
		if (op->at_name && op->beneath)
			rc = rc < 0 ? (errno = -rc, -1) : rc;
		op->res = rc < 0 ? -errno : rc;
		return;
	case OP_READ:
	case OP_WRITE:
		op->res = rw_full(op);
		return;
	case OP_FSYNC:
		op->res = fsync(op->fd) < 0 ? -errno : 0;
		return;
	case OP_CLOSE:
		/* close() can't be retried on EINTR: the fd is gone either way */
		op->res = close(op->fd) < 0 ? -errno : 0;
		return;
	case OP_CONNECT:
		op->res = connect_blocking(op);
		return;
	case OP_SEND:
	case OP_RECV:
		op->res = sr_full(op);
		return;
	case OP_NTYPES:
		break;
	}
	op->res = -EINVAL;
}
