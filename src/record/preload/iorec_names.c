/* iorec_names.c - libiobench-rec.so: mappings, names (unlink, mkdir, rename) and sleeps (iorec.c says what the library is). */
#include "iorec_int.h"

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
bool abs_path(int dirfd, const char *path, char *out, size_t cap)
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
