/* op.c - blocking execution of one op. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "latency.h"
#include "op.h"
#include "util.h"

static const char *const op_names[OP_NTYPES] = {
	[OP_NOP] = "nop", [OP_OPEN] = "open", [OP_READ] = "read",
	[OP_WRITE] = "write", [OP_FSYNC] = "fsync", [OP_CLOSE] = "close",
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

static void op_exec_one(struct op *op);

void op_exec(struct op *op)
{
	if (!lat_current) {
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
		rc = op->at_name ? openat(op->at_fd, op->at_name, op->flags | O_CLOEXEC, op->mode)
				 : open(op->path, op->flags | O_CLOEXEC, op->mode);
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
	case OP_NTYPES:
		break;
	}
	op->res = -EINVAL;
}
