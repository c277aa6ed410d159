/*
 * iorec.c - libiobench-rec.so, the preload recorder of `iobench record`.
 *
 * Loaded into the recorded program (LD_PRELOAD), it wraps the C library's
 * file calls and writes one line per call on a file below the root, in
 * the dialect of `strace -f -ttt -T -y` that strace_conv.c reads, plus
 * what strace cannot give: "cpu=N", the thread's CPU time (user + system,
 * CLOCK_THREAD_CPUTIME_ID) since its previous recorded call returned, and
 * "pid=P", its process (strace -f names only the thread).
 * That is the program's compute; the wall-clock gap strace gives also
 * holds time blocked in calls it did not trace (futex, poll, sleep, page
 * faults) and strace's own stops (issue 29: 2-65x too much compute).
 *
 *   IOBENCH_REC_LOG   the log (made by record, 0600 in a 0700 directory);
 *                     opened O_APPEND by every process, one write() a line
 *   IOBENCH_REC_ROOT  the root: calls on other files are not logged
 *
 * The recorder's own work (formatting, the write) falls between the two
 * CPU readings that bound a call, so it is never counted as compute.
 * Byte-moving calls without a read/write of their own (copy_file_range,
 * sendfile) are logged as the read and the write they stand for.  C stdio
 * streams read through glibc-internal calls no wrapper sees: fopen and
 * fdopen return a stream over our own read/write (fopencookie), with
 * fileno() answering its real descriptor.
 *
 * Not seen: static binaries, programs that make system calls without the
 * C library (Go), io_uring.  `record` chooses strace for those.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))
#define LOG_FD_MIN 900		/* our log's descriptor: out of the program's way */
#define NFD 65536		/* descriptors with a cached path */

static int log_fd = -1;
static char log_path[PATH_MAX];
static char root[PATH_MAX];
static size_t root_len;
static int ready;		/* 1: logging; 0: not yet; -1: off */

/*
 * Per fd, what it was when we last looked: its path (NULL: not below the
 * root) and its inode, so a descriptor closed behind our back (inside
 * the C library) and reused for a pipe is never taken for the file.
 */
struct fdent {
	char *path;
	dev_t dev;
	ino_t ino;
};
static struct fdent *fd_ent[NFD];
static pthread_mutex_t fd_lock = PTHREAD_MUTEX_INITIALIZER;

static __thread int in_rec;		/* inside a wrapper: nested calls pass through */
static __thread uint64_t last_cpu;	/* the thread's CPU when its last recorded call returned */

#define REAL(name) \
	static __typeof__(name) *real_##name; \
	if (!real_##name) \
		real_##name = (__typeof__(name) *)dlsym(RTLD_NEXT, #name)

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void open_log(void)
{
	int fd = (int)syscall(SYS_openat, AT_FDCWD, log_path, O_WRONLY | O_APPEND | O_CLOEXEC);

	if (fd < 0) {
		ready = -1;
		return;
	}
	log_fd = (int)syscall(SYS_fcntl, fd, F_DUPFD_CLOEXEC, LOG_FD_MIN);
	syscall(SYS_close, fd);
	ready = log_fd >= 0 ? 1 : -1;
}

__attribute__((constructor)) static void rec_init(void)
{
	const char *l = getenv("IOBENCH_REC_LOG"), *r = getenv("IOBENCH_REC_ROOT");

	if (ready)
		return;	/* a wrapper ran first (another library's constructor): done then */
	if (!l || !r || strlen(l) >= sizeof(log_path) || strlen(r) >= sizeof(root)) {
		ready = -1;
		return;
	}
	strcpy(log_path, l);
	strcpy(root, r);
	root_len = strlen(root);
	while (root_len > 1 && root[root_len - 1] == '/')
		root[--root_len] = '\0';
	if (!strcmp(root, "/"))
		root_len = 0;
	open_log();
	if (ready > 0) {
		/* one line per process that loaded us: record counts them */
		char line[128];
		uint64_t t = clock_ns(CLOCK_MONOTONIC);
		int n = snprintf(line, sizeof(line), "%ld %llu.%09llu +++ iobench-rec pid=%d +++\n",
				 (long)gettid(), (unsigned long long)(t / 1000000000ULL),
				 (unsigned long long)(t % 1000000000ULL), (int)getpid());

		syscall(SYS_write, log_fd, line, (size_t)n);
	}
}

static bool below_root(const char *p)
{
	return p[0] == '/' && !strncmp(p, root, root_len) && p[root_len] == '/' && p[root_len + 1];
}

static void fdent_free(struct fdent *e)
{
	if (e) {
		free(e->path);
		free(e);
	}
}

/* The path of @fd when it is below the root (copied into @out), else false. */
static bool fd_rooted(int fd, char *out, size_t cap)
{
	char link[64], buf[PATH_MAX];
	struct fdent *e, *old = NULL;
	struct stat st;
	bool hit = false, rooted = false;
	ssize_t n;

	if (fd < 0 || fd == log_fd || fstat(fd, &st) < 0)
		return false;
	if (fd < NFD) {
		pthread_mutex_lock(&fd_lock);
		e = fd_ent[fd];
		if (e && e->dev == st.st_dev && e->ino == st.st_ino) {
			hit = true;
			if ((rooted = e->path != NULL))
				snprintf(out, cap, "%s", e->path);
		}
		pthread_mutex_unlock(&fd_lock);
		if (hit)
			return rooted;
	}
	/* not opened through us, or since replaced: ask the kernel */
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, sizeof(buf) - 1);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	rooted = below_root(buf);
	if (fd < NFD && (e = calloc(1, sizeof(*e))) != NULL) {
		e->path = rooted ? strdup(buf) : NULL;
		e->dev = st.st_dev;
		e->ino = st.st_ino;
		pthread_mutex_lock(&fd_lock);
		old = fd_ent[fd];
		fd_ent[fd] = e;
		pthread_mutex_unlock(&fd_lock);
		fdent_free(old);
	}
	if (rooted)
		snprintf(out, cap, "%s", buf);
	return rooted;
}

/* @fd now names what the kernel says (after an open or a dup), or nothing (closed). */
static void fd_note(int fd, bool open)
{
	struct fdent *old;

	if (fd < 0 || fd >= NFD)
		return;
	pthread_mutex_lock(&fd_lock);
	old = fd_ent[fd];
	fd_ent[fd] = NULL;
	pthread_mutex_unlock(&fd_lock);
	fdent_free(old);
	if (open) {
		char tmp[PATH_MAX];

		fd_rooted(fd, tmp, sizeof(tmp));	/* caches it */
	}
}

/* @p quoted as strace writes a path: control bytes, '"', '\\', '<', '>' as \xHH. */
static size_t quote(char *out, size_t cap, const char *p)
{
	size_t n = 0;

	for (const unsigned char *c = (const unsigned char *)p; *c && n + 5 < cap; c++) {
		if (*c < ' ' || *c >= 0x7f || *c == '"' || *c == '\\' || *c == '<' || *c == '>')
			n += (size_t)snprintf(out + n, cap - n, "\\x%02x", *c);
		else
			out[n++] = (char)*c;
	}
	out[n] = '\0';
	return n;
}

struct call {
	uint64_t cpu_in, t0;
	int saved_errno;
};

static void begin(struct call *k)
{
	k->cpu_in = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	k->t0 = clock_ns(CLOCK_MONOTONIC);
}

/* @v as text in @b (a call's result). */
static const char *num(char *b, long long v)
{
	snprintf(b, 32, "%lld", v);
	return b;
}

/*
 * Writes "TID T0 TEXT = RES <DUR> cpu=GAP": RES is @res, or "-1 EN (what)"
 * when @res is NULL; GAP the thread's CPU from its last recorded call's
 * end to @k's start.
 */
static void finish(struct call *k, const char *res, int err, const char *fmt, ...)
{
	char line[8192];
	uint64_t t1 = clock_ns(CLOCK_MONOTONIC);
	size_t n;
	va_list ap;

	n = (size_t)snprintf(line, sizeof(line), "%ld %llu.%09llu ", (long)gettid(),
			     (unsigned long long)(k->t0 / 1000000000ULL),
			     (unsigned long long)(k->t0 % 1000000000ULL));
	va_start(ap, fmt);
	n += (size_t)vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	if (n >= sizeof(line) - 128)
		n = sizeof(line) - 128;
	if (!res)
		n += (size_t)snprintf(line + n, sizeof(line) - n, " = -1 E%d (%s)", err,
				      strerrordesc_np(err) ? strerrordesc_np(err) : "?");
	else
		n += (size_t)snprintf(line + n, sizeof(line) - n, " = %s", res);
	n += (size_t)snprintf(line + n, sizeof(line) - n, " <%llu.%09llu> cpu=%llu pid=%d\n",
			      (unsigned long long)((t1 - k->t0) / 1000000000ULL),
			      (unsigned long long)((t1 - k->t0) % 1000000000ULL),
			      (unsigned long long)(last_cpu && k->cpu_in > last_cpu ?
						   k->cpu_in - last_cpu : last_cpu ? 0 : k->cpu_in),
			      (int)getpid());
	if (syscall(SYS_write, log_fd, line, n) < 0 && (errno == EBADF)) {
		open_log();	/* the program closed our descriptor (close_range) */
		if (ready > 0)
			syscall(SYS_write, log_fd, line, n);
	}
	last_cpu = clock_ns(CLOCK_THREAD_CPUTIME_ID);
}

/* Entered for logging?  Not when off, nested, or from a signal handler inside a wrapper. */
static bool enter(void)
{
	if (ready == 0)
		rec_init();
	if (ready < 0 || in_rec)
		return false;
	in_rec = 1;
	return true;
}

static void leave(int err)
{
	in_rec = 0;
	errno = err;
}

static const char *acc_name(int flags)
{
	switch (flags & O_ACCMODE) {
	case O_WRONLY: return "O_WRONLY";
	case O_RDWR: return "O_RDWR";
	default: return "O_RDONLY";
	}
}

/* The open's flags as strace names them; a directory opened without O_DIRECTORY gets it. */
static void flags_text(char *out, size_t cap, int flags, int fd)
{
	struct stat st;
	bool dir = (flags & O_DIRECTORY) || (fd >= 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode));

	snprintf(out, cap, "%s%s%s%s%s%s%s", acc_name(flags), flags & O_CREAT ? "|O_CREAT" : "",
		 flags & O_TRUNC ? "|O_TRUNC" : "", flags & O_APPEND ? "|O_APPEND" : "",
		 flags & O_EXCL ? "|O_EXCL" : "", dir ? "|O_DIRECTORY" : "",
		 (flags & O_PATH) == O_PATH ? "|O_PATH" : (flags & O_DIRECT) ? "|O_DIRECT" : "");
}

/* The open of @path (relative to @dirfd) that gave @fd: logged when it is below the root. */
static void log_open(struct call *k, int dirfd, const char *path, int flags, int fd, int err)
{
	char rpath[PATH_MAX], q[PATH_MAX * 4], ftext[160];

	if (fd >= 0)
		fd_note(fd, true);
	if (fd >= 0 ? !fd_rooted(fd, rpath, sizeof(rpath)) : (path[0] == '/' && !below_root(path)))
		return;
	if (fd < 0 && path[0] != '/') {
		/* a failed open of a relative path: absolute, from the directory it was meant in */
		char d[PATH_MAX];

		if (dirfd == AT_FDCWD ? !getcwd(d, sizeof(d)) : !fd_rooted(dirfd, d, sizeof(d)))
			return;
		if (snprintf(rpath, sizeof(rpath), "%s/%s", d, path) >= (int)sizeof(rpath) ||
		    !below_root(rpath))
			return;
		path = rpath;
	}
	quote(q, sizeof(q), fd >= 0 ? rpath : path);
	flags_text(ftext, sizeof(ftext), flags, fd);
	if (fd >= 0) {
		char res[PATH_MAX * 4 + 32];

		snprintf(res, sizeof(res), "%d<%s>", fd, q);
		finish(k, res, 0, "openat(AT_FDCWD, \"%s\", %s)", q, ftext);
	} else {
		finish(k, NULL, err, "openat(AT_FDCWD, \"%s\", %s)", q, ftext);
	}
}

static int do_openat(int dirfd, const char *path, int flags, mode_t mode, bool at)
{
	REAL(openat);
	REAL(open);
	struct call k;
	int fd, err;

	if (!enter())
		return at ? real_openat(dirfd, path, flags, mode) : real_open(path, flags, mode);
	begin(&k);
	fd = at ? real_openat(dirfd, path, flags, mode) : real_open(path, flags, mode);
	err = errno;
	log_open(&k, at ? dirfd : AT_FDCWD, path, flags, fd, err);
	leave(err);
	return fd;
}

static mode_t mode_arg(int flags, va_list ap)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? (mode_t)va_arg(ap, int) : 0;
}

/* open, openat and their 64 names: the mode is there only with O_CREAT or O_TMPFILE */
#define MODE_ARG(flags, m) \
	do { \
		va_list ap; \
		va_start(ap, flags); \
		m = mode_arg(flags, ap); \
		va_end(ap); \
	} while (0)
#define OPEN_WRAPPER(fn) \
	EXPORT int fn(const char *path, int flags, ...) \
	{ \
		mode_t m; \
		MODE_ARG(flags, m); \
		return do_openat(AT_FDCWD, path, flags, m, false); \
	}
#define OPENAT_WRAPPER(fn) \
	EXPORT int fn(int dirfd, const char *path, int flags, ...) \
	{ \
		mode_t m; \
		MODE_ARG(flags, m); \
		return do_openat(dirfd, path, flags, m, true); \
	}

OPEN_WRAPPER(open)
OPEN_WRAPPER(open64)
OPENAT_WRAPPER(openat)
OPENAT_WRAPPER(openat64)

/* _FORTIFY_SOURCE's entry points for an open whose flags are not a constant */
EXPORT int __open_2(const char *path, int flags)
{
	return do_openat(AT_FDCWD, path, flags, 0, false);
}

EXPORT int __open64_2(const char *path, int flags)
{
	return do_openat(AT_FDCWD, path, flags, 0, false);
}

EXPORT int __openat_2(int dirfd, const char *path, int flags)
{
	return do_openat(dirfd, path, flags, 0, true);
}

EXPORT int __openat64_2(int dirfd, const char *path, int flags)
{
	return do_openat(dirfd, path, flags, 0, true);
}

EXPORT int creat(const char *path, mode_t mode)
{
	return do_openat(AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC, mode, false);
}

EXPORT int creat64(const char *path, mode_t mode)
{
	return do_openat(AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC, mode, false);
}

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

/*
 * A wrapper: the call itself, bounded by begin() and the log statement
 * @log (which sees the call @k, its result r and err), passed straight
 * through when the recorder is off or re-entered.
 */
#define WRAP(ret, fn, params, args, log) \
	EXPORT ret fn params \
	{ \
		REAL(fn); \
		struct call k; \
		ret r; \
		int err; \
		if (!enter()) \
			return real_##fn args; \
		begin(&k); \
		r = real_##fn args; \
		err = errno; \
		log; \
		leave(err); \
		return r; \
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

/* ---- mappings, names ---- */

static void *do_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off, bool is64)
{
	REAL(mmap);
	REAL(mmap64);
	char p[PATH_MAX], q[PATH_MAX * 4];
	struct call k;
	void *r;
	int err;

	if (fd < 0 || !enter())
		return is64 ? real_mmap64(addr, len, prot, flags, fd, off)
			    : real_mmap(addr, len, prot, flags, fd, off);
	begin(&k);
	r = is64 ? real_mmap64(addr, len, prot, flags, fd, off)
		 : real_mmap(addr, len, prot, flags, fd, off);
	err = errno;
	if (fd_rooted(fd, p, sizeof(p))) {
		quote(q, sizeof(q), p);
		finish(&k, r == MAP_FAILED ? NULL : "0x1", err, "mmap(NULL, %zu, %d, %d, %d<%s>, %lld)",
		       len, prot, flags, fd, q, (long long)off);
	}
	leave(err);
	return r;
}

EXPORT void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return do_mmap(addr, len, prot, flags, fd, off, false);
}

EXPORT void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off64_t off)
{
	return do_mmap(addr, len, prot, flags, fd, off, true);
}

/* @path (relative to @dirfd) as an absolute path, in @out; false when it can't be told. */
static bool abs_path(int dirfd, const char *path, char *out, size_t cap)
{
	char d[PATH_MAX];

	if (path[0] == '/')
		return snprintf(out, cap, "%s", path) < (int)cap;
	if (dirfd == AT_FDCWD ? !getcwd(d, sizeof(d)) : !fd_rooted(dirfd, d, sizeof(d)))
		return false;
	return snprintf(out, cap, "%s/%s", d, path) < (int)cap;
}

static int do_unlink(int dirfd, const char *path, int flags, bool at)
{
	REAL(unlink);
	REAL(unlinkat);
	char a[PATH_MAX], q[PATH_MAX * 4];
	struct call k;
	int r, err;

	if (!enter())
		return at ? real_unlinkat(dirfd, path, flags) : real_unlink(path);
	begin(&k);
	r = at ? real_unlinkat(dirfd, path, flags) : real_unlink(path);
	err = errno;
	if (abs_path(at ? dirfd : AT_FDCWD, path, a, sizeof(a)) && below_root(a)) {
		quote(q, sizeof(q), a);
		finish(&k, r < 0 ? NULL : "0", err, "unlinkat(AT_FDCWD, \"%s\", %d)", q, flags);
	}
	leave(err);
	return r;
}

EXPORT int unlink(const char *path)
{
	return do_unlink(AT_FDCWD, path, 0, false);
}

EXPORT int unlinkat(int dirfd, const char *path, int flags)
{
	return do_unlink(dirfd, path, flags, true);
}

static int do_mkdir(int dirfd, const char *path, mode_t mode, bool at)
{
	REAL(mkdir);
	REAL(mkdirat);
	char a[PATH_MAX], q[PATH_MAX * 4];
	struct call k;
	int r, err;

	if (!enter())
		return at ? real_mkdirat(dirfd, path, mode) : real_mkdir(path, mode);
	begin(&k);
	r = at ? real_mkdirat(dirfd, path, mode) : real_mkdir(path, mode);
	err = errno;
	if (abs_path(at ? dirfd : AT_FDCWD, path, a, sizeof(a)) && below_root(a)) {
		quote(q, sizeof(q), a);
		finish(&k, r < 0 ? NULL : "0", err, "mkdirat(AT_FDCWD, \"%s\", 0%o)", q, mode);
	}
	leave(err);
	return r;
}

EXPORT int mkdir(const char *path, mode_t mode)
{
	return do_mkdir(AT_FDCWD, path, mode, false);
}

EXPORT int mkdirat(int dirfd, const char *path, mode_t mode)
{
	return do_mkdir(dirfd, path, mode, true);
}

static int do_rename(int od, const char *from, int nd, const char *to, unsigned flags, int which)
{
	REAL(rename);
	REAL(renameat);
	REAL(renameat2);
	char a[PATH_MAX], b[PATH_MAX], qa[PATH_MAX * 4], qb[PATH_MAX * 4];
	struct call k;
	int r, err;

#define DO_RENAME (which == 0 ? real_rename(from, to) : which == 1 ? \
		   real_renameat(od, from, nd, to) : real_renameat2(od, from, nd, to, flags))
	if (!enter())
		return DO_RENAME;
	begin(&k);
	r = DO_RENAME;
	err = errno;
	if (abs_path(od, from, a, sizeof(a)) && abs_path(nd, to, b, sizeof(b)) &&
	    (below_root(a) || below_root(b))) {
		quote(qa, sizeof(qa), a);
		quote(qb, sizeof(qb), b);
		finish(&k, r < 0 ? NULL : "0", err, "renameat2(AT_FDCWD, \"%s\", AT_FDCWD, \"%s\", %u)",
		       qa, qb, flags);
	}
	leave(err);
	return r;
#undef DO_RENAME
}

EXPORT int rename(const char *from, const char *to)
{
	return do_rename(AT_FDCWD, from, AT_FDCWD, to, 0, 0);
}

EXPORT int renameat(int od, const char *from, int nd, const char *to)
{
	return do_rename(od, from, nd, to, 0, 1);
}

EXPORT int renameat2(int od, const char *from, int nd, const char *to, unsigned flags)
{
	return do_rename(od, from, nd, to, flags, 2);
}

/* ---- sleeps: the program chose to wait, and the replay waits as long ---- */

static void log_sleep(struct call *k, int r, int err)
{
	finish(k, r == 0 ? "0" : NULL, err, "clock_nanosleep(CLOCK_MONOTONIC, 0, {}, NULL)");
}

#define SLEEP_WRAPPER(ret, fn, params, args) \
	WRAP(ret, fn, params, args, log_sleep(&k, (int)r, err))

SLEEP_WRAPPER(int, nanosleep, (const struct timespec *req, struct timespec *rem), (req, rem))
SLEEP_WRAPPER(int, clock_nanosleep, (clockid_t id, int flags, const struct timespec *req,
				     struct timespec *rem), (id, flags, req, rem))
SLEEP_WRAPPER(unsigned, sleep, (unsigned s), (s))
SLEEP_WRAPPER(int, usleep, (useconds_t us), (us))

/* ---- C stdio: a stream over our own read and write ---- */

struct stream {
	int fd;
};

static ssize_t s_read(void *c, char *buf, size_t n)
{
	return read(((struct stream *)c)->fd, buf, n);
}

static ssize_t s_write(void *c, const char *buf, size_t n)
{
	size_t done = 0;

	/* a cookie's write must take everything, or the stream reports an error */
	while (done < n) {
		ssize_t w = write(((struct stream *)c)->fd, buf + done, n - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return done ? (ssize_t)done : -1;
		done += (size_t)w;
	}
	return (ssize_t)done;
}

static int s_seek(void *c, off64_t *off, int whence)
{
	off64_t r = lseek64(((struct stream *)c)->fd, *off, whence);

	if (r < 0)
		return -1;
	*off = r;
	return 0;
}

static int s_close(void *c)
{
	int r = close(((struct stream *)c)->fd);

	free(c);
	return r;
}

/* streams we made, by FILE: fileno() must answer their descriptor */
#define NSTREAMS 4096
static struct { FILE *f; int fd; } streams[NSTREAMS];
static pthread_mutex_t stream_lock = PTHREAD_MUTEX_INITIALIZER;

static FILE *cookie_stream(int fd, const char *mode)
{
	cookie_io_functions_t io = { s_read, s_write, s_seek, s_close };
	struct stream *s = malloc(sizeof(*s));
	struct stat st;
	FILE *f;

	if (!s)
		return NULL;
	s->fd = fd;
	f = fopencookie(s, mode, io);
	if (!f) {
		free(s);
		return NULL;
	}
	/* the buffer glibc gives a file stream: st_blksize, so the reads keep their size */
	if (fstat(fd, &st) == 0 && st.st_blksize > 0)
		setvbuf(f, NULL, _IOFBF, (size_t)st.st_blksize);
	pthread_mutex_lock(&stream_lock);
	for (int i = 0; i < NSTREAMS; i++)
		if (!streams[i].f) {
			streams[i].f = f;
			streams[i].fd = fd;
			break;
		}
	pthread_mutex_unlock(&stream_lock);
	return f;
}

static int stream_fd(FILE *f)
{
	int fd = -1;

	pthread_mutex_lock(&stream_lock);
	for (int i = 0; i < NSTREAMS && fd < 0; i++)
		if (streams[i].f == f)
			fd = streams[i].fd;
	pthread_mutex_unlock(&stream_lock);
	return fd;
}

static int fopen_flags(const char *mode)
{
	int f = mode[0] == 'r' ? O_RDONLY : mode[0] == 'w' ? O_WRONLY | O_CREAT | O_TRUNC
		: O_WRONLY | O_CREAT | O_APPEND;

	for (const char *m = mode + 1; *m && *m != ','; m++) {
		if (*m == '+')
			f = (f & ~O_ACCMODE) | O_RDWR;
		else if (*m == 'x')
			f |= O_EXCL;
		else if (*m == 'e')
			f |= O_CLOEXEC;
	}
	return f;
}

/*
 * A stream on a file below the root becomes a cookie stream over our
 * read and write; any other is glibc's own.  The path is checked before
 * the open, so a stream outside the root costs nothing.
 */
static FILE *do_fopen(const char *path, const char *mode, bool is64)
{
	REAL(fopen);
	REAL(fopen64);
	char a[PATH_MAX], r[PATH_MAX];
	FILE *f;
	int fd, err;

	if (ready == 0)
		rec_init();
	if (ready < 0 || in_rec || !path || !mode || !strchr("rwa", mode[0]) ||
	    !abs_path(AT_FDCWD, path, a, sizeof(a)) ||
	    !below_root(realpath(a, r) ? r : a))
		return is64 ? real_fopen64(path, mode) : real_fopen(path, mode);
	fd = open(path, fopen_flags(mode), 0666);
	if (fd < 0)
		return NULL;
	f = cookie_stream(fd, mode);
	if (!f) {
		err = errno;
		close(fd);
		errno = err;
	}
	return f;
}

EXPORT FILE *fopen(const char *path, const char *mode)
{
	return do_fopen(path, mode, false);
}

EXPORT FILE *fopen64(const char *path, const char *mode)
{
	return do_fopen(path, mode, true);
}

EXPORT FILE *fdopen(int fd, const char *mode)
{
	REAL(fdopen);
	char p[PATH_MAX];

	if (ready == 0)
		rec_init();
	if (ready < 0 || in_rec || !fd_rooted(fd, p, sizeof(p)))
		return real_fdopen(fd, mode);
	return cookie_stream(fd, mode);
}

EXPORT int fileno(FILE *f)
{
	REAL(fileno);
	int fd = stream_fd(f);

	return fd >= 0 ? fd : real_fileno(f);
}

EXPORT int fileno_unlocked(FILE *f)
{
	REAL(fileno_unlocked);
	int fd = stream_fd(f);

	return fd >= 0 ? fd : real_fileno_unlocked(f);
}

EXPORT int fclose(FILE *f)
{
	REAL(fclose);

	pthread_mutex_lock(&stream_lock);
	for (int i = 0; i < NSTREAMS; i++)
		if (streams[i].f == f)
			streams[i].f = NULL;
	pthread_mutex_unlock(&stream_lock);
	return real_fclose(f);
}
