/* iorec_rw.c - libiobench-rec.so: reads, writes, seeks, syncs, close and truncation (iorec.c says what the library is). */
#include "iorec_int.h"

/* ---- reads and writes ---- */

enum rw { RW_PLAIN, RW_POS };

static void log_rw(struct call *k, const char *name, int fd, size_t count, off_t off, bool pos,
		   ssize_t res, int err)
{
	char p[PATH_MAX], q[PATH_MAX * 4], b[32];
	const char *r = res < 0 ? NULL : num(b, res);

	if (!fd_rooted(fd, p, sizeof(p)))
		return;
	quote(q, sizeof(q), p);
	if (pos)
		finish(k, r, err, "%s(%d<%s>, \"\", %zu, %lld)", name, fd, q, count, (long long)off);
	else
		finish(k, r, err, "%s(%d<%s>, \"\", %zu)", name, fd, q, count);
}

#define RW_WRAPPER(ret, fn, name, pos, params, args, fd, count, off) \
	WRAP(ret, fn, params, args, log_rw(&k, name, fd, count, off, pos, r, err))

RW_WRAPPER(ssize_t, read, "read", false, (int fd, void *buf, size_t n), (fd, buf, n), fd, n, 0)
RW_WRAPPER(ssize_t, write, "write", false, (int fd, const void *buf, size_t n), (fd, buf, n),
	   fd, n, 0)
RW_WRAPPER(ssize_t, pread, "pread64", true, (int fd, void *buf, size_t n, off_t off),
	   (fd, buf, n, off), fd, n, off)
RW_WRAPPER(ssize_t, pread64, "pread64", true, (int fd, void *buf, size_t n, off64_t off),
	   (fd, buf, n, off), fd, n, off)
RW_WRAPPER(ssize_t, pwrite, "pwrite64", true, (int fd, const void *buf, size_t n, off_t off),
	   (fd, buf, n, off), fd, n, off)
RW_WRAPPER(ssize_t, pwrite64, "pwrite64", true,
	   (int fd, const void *buf, size_t n, off64_t off), (fd, buf, n, off), fd, n, off)
/* _FORTIFY_SOURCE's checked reads call glibc's own read, which no wrapper sees */
RW_WRAPPER(ssize_t, __read_chk, "read", false, (int fd, void *buf, size_t n, size_t buflen),
	   (fd, buf, n, buflen), fd, n, 0)
RW_WRAPPER(ssize_t, __pread_chk, "pread64", true,
	   (int fd, void *buf, size_t n, off_t off, size_t buflen), (fd, buf, n, off, buflen),
	   fd, n, off)
RW_WRAPPER(ssize_t, __pread64_chk, "pread64", true,
	   (int fd, void *buf, size_t n, off64_t off, size_t buflen), (fd, buf, n, off, buflen),
	   fd, n, off)

static void log_vec(struct call *k, const char *name, int fd, const struct iovec *iov, int cnt,
		    off_t off, bool pos, ssize_t res, int err)
{
	char p[PATH_MAX], q[PATH_MAX * 4], vec[4096], b[32];
	const char *r = res < 0 ? NULL : num(b, res);
	size_t n = 0;

	if (!fd_rooted(fd, p, sizeof(p)))
		return;
	quote(q, sizeof(q), p);
	vec[0] = '\0';
	for (int i = 0; i < cnt && n + 64 < sizeof(vec); i++)
		n += (size_t)snprintf(vec + n, sizeof(vec) - n, "%s{iov_base=\"\", iov_len=%zu}",
				      i ? ", " : "", iov[i].iov_len);
	if (n + 64 >= sizeof(vec)) {
		/* too many to list: the rest as one */
		size_t rest = 0;

		for (int i = 0; i < cnt; i++)
			rest += iov[i].iov_len;
		snprintf(vec, sizeof(vec), "{iov_base=\"\", iov_len=%zu}", rest);
	}
	if (pos)
		finish(k, r, err, "%s(%d<%s>, [%s], %d, %lld)", name, fd, q, vec, cnt,
		       (long long)off);
	else
		finish(k, r, err, "%s(%d<%s>, [%s], %d)", name, fd, q, vec, cnt);
}

#define VEC_WRAPPER(fn, name, pos, params, args, off) \
	WRAP(ssize_t, fn, params, args, \
	     log_vec(&k, (pos) ? name : name + 1, fd, iov, cnt, off, pos, r, err))

/* names: "p" + the plain call's, so one literal serves both */
VEC_WRAPPER(readv, "preadv", false, (int fd, const struct iovec *iov, int cnt), (fd, iov, cnt), 0)
VEC_WRAPPER(writev, "pwritev", false, (int fd, const struct iovec *iov, int cnt), (fd, iov, cnt),
	    0)
VEC_WRAPPER(preadv, "preadv", true, (int fd, const struct iovec *iov, int cnt, off_t off),
	    (fd, iov, cnt, off), off)
VEC_WRAPPER(preadv64, "preadv", true, (int fd, const struct iovec *iov, int cnt, off64_t off),
	    (fd, iov, cnt, off), off)
VEC_WRAPPER(pwritev, "pwritev", true, (int fd, const struct iovec *iov, int cnt, off_t off),
	    (fd, iov, cnt, off), off)
VEC_WRAPPER(pwritev64, "pwritev", true, (int fd, const struct iovec *iov, int cnt, off64_t off),
	    (fd, iov, cnt, off), off)
/* offset -1: at the file position, as readv */
VEC_WRAPPER(preadv2, "preadv", off != -1,
	    (int fd, const struct iovec *iov, int cnt, off_t off, int flags),
	    (fd, iov, cnt, off, flags), off)
VEC_WRAPPER(pwritev2, "pwritev", off != -1,
	    (int fd, const struct iovec *iov, int cnt, off_t off, int flags),
	    (fd, iov, cnt, off, flags), off)

static off_t do_lseek(int fd, off_t off, int whence, bool is64)
{
	REAL(lseek);
	REAL(lseek64);
	char p[PATH_MAX], q[PATH_MAX * 4], b[32];
	struct call k;
	off_t r;
	int err;

	if (!enter())
		return is64 ? real_lseek64(fd, off, whence) : real_lseek(fd, off, whence);
	begin(&k);
	r = is64 ? real_lseek64(fd, off, whence) : real_lseek(fd, off, whence);
	err = errno;
	if (fd_rooted(fd, p, sizeof(p))) {
		quote(q, sizeof(q), p);
		finish(&k, r < 0 ? NULL : num(b, r), err, "lseek(%d<%s>, %lld, %s)", fd, q,
		       (long long)off, whence == SEEK_SET ? "SEEK_SET" : whence == SEEK_CUR ?
		       "SEEK_CUR" : whence == SEEK_END ? "SEEK_END" : "SEEK_DATA");
	}
	leave(err);
	return r;
}

EXPORT off_t lseek(int fd, off_t off, int whence)
{
	return do_lseek(fd, off, whence, false);
}

EXPORT off64_t lseek64(int fd, off64_t off, int whence)
{
	return do_lseek(fd, off, whence, true);
}

/* A call on one fd with a plain result: fsync, fdatasync, close, ftruncate, fallocate. */
static void log_fd_call(struct call *k, const char *name, int fd, const char *p, long r, int err,
			const char *extra)
{
	char q[PATH_MAX * 4], b[32];

	quote(q, sizeof(q), p);
	finish(k, r < 0 ? NULL : num(b, r), err, "%s(%d<%s>%s)", name, fd, q, extra);
}

/* fsync and fdatasync: logged when the file is below the root */
static void log_sync(struct call *k, const char *name, int fd, int r, int err)
{
	char p[PATH_MAX];

	if (fd_rooted(fd, p, sizeof(p)))
		log_fd_call(k, name, fd, p, r, err, "");
}

#define FD_WRAPPER(fn, name) WRAP(int, fn, (int fd), (fd), log_sync(&k, name, fd, r, err))

FD_WRAPPER(fsync, "fsync")
FD_WRAPPER(fdatasync, "fdatasync")

EXPORT int close(int fd)
{
	REAL(close);
	char p[PATH_MAX];
	bool rooted;
	struct call k;
	int r, err;

	if (fd == log_fd && fd >= 0)
		return 0;	/* ours: a program closing every descriptor leaves the log */
	if (!enter())
		return real_close(fd);
	begin(&k);
	rooted = fd_rooted(fd, p, sizeof(p));
	r = real_close(fd);
	err = errno;
	fd_note(fd, false);
	if (rooted)
		log_fd_call(&k, "close", fd, p, r, err, "");
	leave(err);
	return r;
}

static int do_truncate(int fd, off_t len, bool is64)
{
	REAL(ftruncate);
	REAL(ftruncate64);
	char p[PATH_MAX], extra[48];
	struct call k;
	int r, err;

	if (!enter())
		return is64 ? real_ftruncate64(fd, len) : real_ftruncate(fd, len);
	begin(&k);
	r = is64 ? real_ftruncate64(fd, len) : real_ftruncate(fd, len);
	err = errno;
	if (fd_rooted(fd, p, sizeof(p))) {
		snprintf(extra, sizeof(extra), ", %lld", (long long)len);
		log_fd_call(&k, "ftruncate", fd, p, r, err, extra);
	}
	leave(err);
	return r;
}

EXPORT int ftruncate(int fd, off_t len)
{
	return do_truncate(fd, len, false);
}

EXPORT int ftruncate64(int fd, off64_t len)
{
	return do_truncate(fd, len, true);
}

EXPORT int fallocate(int fd, int mode, off_t off, off_t len)
{
	REAL(fallocate);
	char p[PATH_MAX], extra[96];
	struct call k;
	int r, err;

	if (!enter())
		return real_fallocate(fd, mode, off, len);
	begin(&k);
	r = real_fallocate(fd, mode, off, len);
	err = errno;
	if (fd_rooted(fd, p, sizeof(p))) {
		snprintf(extra, sizeof(extra), ", %d, %lld, %lld", mode, (long long)off,
			 (long long)len);
		log_fd_call(&k, "fallocate", fd, p, r, err, extra);
	}
	leave(err);
	return r;
}
