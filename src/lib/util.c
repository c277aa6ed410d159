/* util.c - small helpers shared by every module. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

const char *prog_name = "iobench";

void fputs_untrusted(const char *s, FILE *f)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		/* C0 but tab, DEL, and C1 as UTF-8 encodes them (0xc2 0x80-0x9f) */
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f) {
			fprintf(f, "\\x%02x", *p);
		} else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			fprintf(f, "\\xc2\\x%02x", p[1]);
			p++;
		} else {
			fputc(*p, f);
		}
	}
}

char *esc_untrusted(const char *s)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (!f)
		die(1, "out of memory");
	fputs_untrusted(s, f);
	if (fclose(f))
		die(1, "out of memory");
	return out;
}

/* "prog: message\n" on stderr, the message escaped: it may quote a file's bytes. */
static void say(const char *fmt, va_list ap)
{
	char *text = NULL;

	fprintf(stderr, "%s: ", prog_name);
	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	fputs_untrusted(text ? text : fmt, stderr);
	free(text);
	fputc('\n', stderr);
}

void errmsg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(fmt, ap);
	va_end(ap);
}

void die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(fmt, ap);
	va_end(ap);
	exit(status);
}

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int suffix_shift(const char *s, unsigned *shift)
{
	static const char units[] = "KMGT";
	const char *u;

	if (*s == '\0') {
		*shift = 0;
		return 0;
	}
	u = strchr(units, *s >= 'a' ? *s - ('a' - 'A') : *s);
	if (!u)
		return -EINVAL;
	*shift = 10 * (unsigned)(u - units + 1);
	s++;
	if (strcmp(s, "") == 0 || strcmp(s, "iB") == 0 || strcmp(s, "B") == 0)
		return 0;
	return -EINVAL;
}

int parse_u64(const char *s, bool allow_suffix, uint64_t *out)
{
	unsigned long long v;
	unsigned shift = 0;
	char *end;

	/* strtoull accepts leading space and '-' (negating!): refuse both */
	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end != '\0') {
		if (!allow_suffix || suffix_shift(end, &shift) < 0)
			return -EINVAL;
	}
	if (shift && v > (UINT64_MAX >> shift))
		return -ERANGE;
	*out = (uint64_t)v << shift;
	return 0;
}

const char *fmt_bytes(uint64_t n, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)n;
	unsigned u = 0;

	while (v >= 1024 && u + 1 < ARRAY_SIZE(units)) {
		v /= 1024;
		u++;
	}
	if (u == 0 || v == (double)(uint64_t)v)
		snprintf(buf, len, "%.0f %s", v, units[u]);
	else
		snprintf(buf, len, "%.1f %s", v, units[u]);
	return buf;
}

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int read_fd(int fd, char **out, size_t *len);

int read_small_file(const char *path, char **out, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	return fd < 0 ? -errno : read_fd(fd, out, len);
}

int read_small_file_at(int dirfd, const char *name, char **out, size_t *len)
{
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	return fd < 0 ? -errno : read_fd(fd, out, len);
}

/* Reads all of @fd into a malloc'd NUL-terminated buffer, then closes it. */
static int read_fd(int fd, char **out, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf;
	int rc = 0;

	buf = malloc(cap);
	if (!buf) {
		rc = -ENOMEM;
		goto out_close;
	}
	for (;;) {
		ssize_t r;

		if (n + 1 >= cap) {
			char *nb = realloc(buf, cap * 2);

			if (!nb) {
				rc = -ENOMEM;
				goto out_free;
			}
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			goto out_free;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*out = buf;
	if (len)
		*len = n;
	goto out_close;
out_free:
	free(buf);
out_close:
	close(fd);
	return rc;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		die(1, "out of memory");
	return s;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		die(1, "out of memory");
	return p;
}

void hex_encode(const unsigned char *in, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 15];
	}
	out[2 * n] = '\0';
}

bool stderr_is_tty(void)
{
	return isatty(STDERR_FILENO) == 1;
}

/* The path of @target relative to directory @from (both made absolute). */
char *path_relative(const char *from, const char *target)
{
	char a[PATH_MAX], b[PATH_MAX], *out;
	size_t common = 0, ups = 0, off = 0;

	if (!realpath(from, a) || !realpath(target, b))
		return xasprintf("%s", target);
	for (size_t i = 0; a[i] && a[i] == b[i]; i++)
		if (a[i] == '/')
			common = i;
	if (!a[strlen(b) > strlen(a) ? strlen(a) : 0] && b[strlen(a)] == '/')
		common = strlen(a);
	for (size_t i = common; a[i]; i++)
		ups += a[i] == '/';
	out = xcalloc(1, ups * 3 + strlen(b) + 2);
	for (size_t i = 0; i < ups; i++)
		off += (size_t)sprintf(out + off, "../");
	sprintf(out + off, "%s", b[common] == '/' ? b + common + 1 : b + common);
	return out;
}

int render_mem(int (*emit)(FILE *, const void *), const void *arg, char **buf, size_t *len)
{
	FILE *f;
	int rc;

	*buf = NULL;
	*len = 0;
	f = open_memstream(buf, len);
	if (!f)
		return -ENOMEM;
	rc = emit(f, arg);
	if (fclose(f) != 0 && rc == 0)
		rc = -ENOMEM;
	if (rc < 0) {
		free(*buf);
		*buf = NULL;
	}
	return rc;
}

bool in_path(const char *prog)
{
	const char *path = getenv("PATH");
	char *copy, *dir, *save = NULL;
	bool found = false;

	copy = xasprintf("%s", path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	for (dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
		char *exe = xasprintf("%s/%s", *dir ? dir : ".", prog);

		found = access(exe, X_OK) == 0;
		free(exe);
	}
	free(copy);
	return found;
}

int line_error(char *msg, size_t len, const char *name, size_t line, int err,
	       const char *fmt, va_list ap)
{
	int n = snprintf(msg, len, "%s:%zu: ", name, line);

	if (n >= 0 && (size_t)n < len)
		vsnprintf(msg + n, len - (size_t)n, fmt, ap);
	return err;
}

int parse_percent(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno || !(v >= 0 && v < 1000) || (*end && strcmp(end, "%")))
		return -EINVAL;
	*out = v / 100;
	return 0;
}

int parse_real(const char *s, double min, double max, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	/* strtod takes "nan", "inf" and hex: a user's number is none of those */
	if (end == s || *end || errno || strpbrk(s, "xXnNiI") || !(v >= min && v <= max))
		return -EINVAL;
	*out = v;
	return 0;
}

FILE *fopen_regular(const char *path, const char **kind)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC), flags;
	FILE *f;

	*kind = NULL;
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		*kind = S_ISDIR(st.st_mode) ? "a directory" : S_ISFIFO(st.st_mode) ? "a FIFO" :
			S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device" :
			S_ISSOCK(st.st_mode) ? "a socket" : "not a file";
		close(fd);
		errno = EINVAL;
		return NULL;
	}
	flags = fcntl(fd, F_GETFL);
	if (flags >= 0)
		fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
	f = fdopen(fd, "r");
	if (!f)
		close(fd);
	return f;
}

int conns_fit_fd_limit(uint64_t conns, char *err, size_t len)
{
	struct rlimit rl;
	uint64_t need = conns + 64;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY ||
	    rl.rlim_cur >= need)
		return 0;
	snprintf(err, len, "about %llu open files, but ulimit -n is %llu: raise it (ulimit -n %llu)",
		 (unsigned long long)need, (unsigned long long)rl.rlim_cur,
		 (unsigned long long)need);
	return -EMFILE;
}

int path_lookup(const char *prog, char *out, size_t cap)
{
	const char *path = getenv("PATH");
	char *dirs, *save = NULL;
	int rc = -ENOENT;

	if (strchr(prog, '/')) {
		if (snprintf(out, cap, "%s", prog) >= (int)cap)
			return -ENAMETOOLONG;
		return access(out, X_OK) == 0 ? 0 : -errno;
	}
	dirs = xasprintf("%s", path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save))
		if (snprintf(out, cap, "%s/%s", *d ? d : ".", prog) < (int)cap &&
		    access(out, X_OK) == 0) {
			rc = 0;
			break;
		}
	free(dirs);
	return rc;
}
