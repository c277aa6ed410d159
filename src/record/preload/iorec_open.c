/* iorec_open.c - libiobench-rec.so: opens and creat: the call logged as strace's openat (iorec.c says what the library is). */
#include "iorec_int.h"

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
