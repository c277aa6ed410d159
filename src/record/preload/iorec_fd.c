/* iorec_fd.c - libiobench-rec.so: descriptors copied (dup, fcntl) and bytes moved between two (iorec.c says what the library is). */
#include "iorec_int.h"

/* ---- descriptors copied ---- */

static void log_dup(struct call *k, const char *name, int fd, int r, int err, const char *extra)
{
	char p[PATH_MAX], q[PATH_MAX * 4];

	if (r >= 0)
		fd_note(r, true);
	if (!fd_rooted(fd, p, sizeof(p)))
		return;
	quote(q, sizeof(q), p);
	if (r >= 0) {
		char res[PATH_MAX * 4 + 32];

		snprintf(res, sizeof(res), "%d<%s>", r, q);
		finish(k, res, err, "%s(%d<%s>%s)", name, fd, q, extra);
	} else {
		finish(k, NULL, err, "%s(%d<%s>%s)", name, fd, q, extra);
	}
}

/* The program wants our log's number: the log moves first. */
static void make_room(int newfd)
{
	if (newfd == log_fd && log_fd >= 0) {
		int moved = (int)syscall(SYS_fcntl, log_fd, F_DUPFD_CLOEXEC, LOG_FD_MIN + 1);

		log_fd = moved;
		if (moved < 0)
			ready = -1;
	}
}

EXPORT int dup(int fd)
{
	REAL(dup);
	struct call k;
	int r, err;

	if (!enter())
		return real_dup(fd);
	begin(&k);
	r = real_dup(fd);
	err = errno;
	log_dup(&k, "dup", fd, r, err, "");
	leave(err);
	return r;
}

EXPORT int dup2(int fd, int newfd)
{
	REAL(dup2);
	char extra[32];
	struct call k;
	int r, err;

	make_room(newfd);
	if (!enter())
		return real_dup2(fd, newfd);
	begin(&k);
	r = real_dup2(fd, newfd);
	err = errno;
	snprintf(extra, sizeof(extra), ", %d", newfd);
	log_dup(&k, "dup2", fd, r, err, extra);
	leave(err);
	return r;
}

EXPORT int dup3(int fd, int newfd, int flags)
{
	REAL(dup3);
	char extra[48];
	struct call k;
	int r, err;

	make_room(newfd);
	if (!enter())
		return real_dup3(fd, newfd, flags);
	begin(&k);
	r = real_dup3(fd, newfd, flags);
	err = errno;
	snprintf(extra, sizeof(extra), ", %d, %d", newfd, flags);
	log_dup(&k, "dup3", fd, r, err, extra);
	leave(err);
	return r;
}

static int do_fcntl(int fd, int cmd, void *arg, bool is64)
{
	REAL(fcntl);
	REAL(fcntl64);
	struct call k;
	int r, err;

	if (cmd != F_DUPFD && cmd != F_DUPFD_CLOEXEC)
		return is64 ? real_fcntl64(fd, cmd, arg) : real_fcntl(fd, cmd, arg);
	if (!enter())
		return is64 ? real_fcntl64(fd, cmd, arg) : real_fcntl(fd, cmd, arg);
	begin(&k);
	r = is64 ? real_fcntl64(fd, cmd, arg) : real_fcntl(fd, cmd, arg);
	err = errno;
	log_dup(&k, "fcntl", fd, r, err, cmd == F_DUPFD ? ", F_DUPFD, 0" : ", F_DUPFD_CLOEXEC, 0");
	leave(err);
	return r;
}

/* every fcntl argument is passed on as one word, as the kernel takes it */
EXPORT int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	return do_fcntl(fd, cmd, arg, false);
}

EXPORT int fcntl64(int fd, int cmd, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	return do_fcntl(fd, cmd, arg, true);
}

EXPORT int close_range(unsigned first, unsigned last, int flags)
{
	REAL(close_range);
	int r = real_close_range(first, last, flags);

	/* our log may be gone: opened again by name (its place is private) */
	if (log_fd >= 0 && (unsigned)log_fd >= first && (unsigned)log_fd <= last &&
	    !(flags & CLOSE_RANGE_CLOEXEC) && ready > 0)
		open_log();
	for (unsigned fd = first; fd <= last && fd < NFD; fd++)
		if (fd_ent[fd])
			fd_note((int)fd, false);
	return r;
}

/* ---- calls that move bytes between two descriptors: the read and the write they are ---- */

static void log_copy(struct call *k, int in, const off_t *off_in, int out, const off_t *off_out,
		     ssize_t r, int err)
{
	char p[PATH_MAX], q[PATH_MAX * 4], b[32];
	struct call k2;

	(void)err;
	if (r <= 0)
		return;
	num(b, r);
	if (fd_rooted(in, p, sizeof(p))) {
		quote(q, sizeof(q), p);
		if (off_in)
			finish(k, b, 0, "pread64(%d<%s>, \"\", %zd, %lld)", in, q, r,
			       (long long)(*off_in - r));
		else
			finish(k, b, 0, "read(%d<%s>, \"\", %zd)", in, q, r);
	}
	if (fd_rooted(out, p, sizeof(p))) {
		k2 = *k;
		k2.cpu_in = last_cpu;	/* no compute between the two halves */
		quote(q, sizeof(q), p);
		if (off_out)
			finish(&k2, b, 0, "pwrite64(%d<%s>, \"\", %zd, %lld)", out, q, r,
			       (long long)(*off_out - r));
		else
			finish(&k2, b, 0, "write(%d<%s>, \"\", %zd)", out, q, r);
	}
}

EXPORT ssize_t copy_file_range(int in, off64_t *off_in, int out, off64_t *off_out, size_t len,
			       unsigned flags)
{
	REAL(copy_file_range);
	struct call k;
	ssize_t r;
	int err;

	if (!enter())
		return real_copy_file_range(in, off_in, out, off_out, len, flags);
	begin(&k);
	r = real_copy_file_range(in, off_in, out, off_out, len, flags);
	err = errno;
	log_copy(&k, in, off_in, out, off_out, r, err);
	leave(err);
	return r;
}

static ssize_t do_sendfile(int out, int in, off_t *off, size_t count, bool is64)
{
	REAL(sendfile);
	REAL(sendfile64);
	struct call k;
	ssize_t r;
	int err;

	if (!enter())
		return is64 ? real_sendfile64(out, in, (off64_t *)off, count)
			    : real_sendfile(out, in, off, count);
	begin(&k);
	r = is64 ? real_sendfile64(out, in, (off64_t *)off, count) : real_sendfile(out, in, off, count);
	err = errno;
	log_copy(&k, in, off, out, NULL, r, err);
	leave(err);
	return r;
}

EXPORT ssize_t sendfile(int out, int in, off_t *off, size_t count)
{
	return do_sendfile(out, in, off, count, false);
}

EXPORT ssize_t sendfile64(int out, int in, off64_t *off, size_t count)
{
	return do_sendfile(out, in, (off_t *)off, count, true);
}
