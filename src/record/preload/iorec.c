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
#include "iorec_int.h"

int log_fd = -1;
int ready;
struct fdent *fd_ent[NFD];
pthread_mutex_t fd_lock = PTHREAD_MUTEX_INITIALIZER;
__thread int in_rec;
__thread uint64_t last_cpu;

static char log_path[PATH_MAX];
static char root[PATH_MAX];
static size_t root_len;

uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void open_log(void)
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

__attribute__((constructor)) void rec_init(void)
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

bool below_root(const char *p)
{
	return p[0] == '/' && !strncmp(p, root, root_len) && p[root_len] == '/' && p[root_len + 1];
}

void fdent_free(struct fdent *e)
{
	if (e) {
		free(e->path);
		free(e);
	}
}

/* The path of @fd when it is below the root (copied into @out), else false. */
bool fd_rooted(int fd, char *out, size_t cap)
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
void fd_note(int fd, bool open)
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
size_t quote(char *out, size_t cap, const char *p)
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

void begin(struct call *k)
{
	k->cpu_in = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	k->t0 = clock_ns(CLOCK_MONOTONIC);
}

/* @v as text in @b (a call's result). */
const char *num(char *b, long long v)
{
	snprintf(b, 32, "%lld", v);
	return b;
}

/*
 * Writes "TID T0 TEXT = RES <DUR> cpu=GAP": RES is @res, or "-1 EN (what)"
 * when @res is NULL; GAP the thread's CPU from its last recorded call's
 * end to @k's start.
 */
void finish(struct call *k, const char *res, int err, const char *fmt, ...)
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
bool enter(void)
{
	if (ready == 0)
		rec_init();
	if (ready < 0 || in_rec)
		return false;
	in_rec = 1;
	return true;
}

void leave(int err)
{
	in_rec = 0;
	errno = err;
}
