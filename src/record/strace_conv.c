/* strace_conv.c - a strace log into an iobench trace (strace_conv.h).
 *
 * One pass over the log.  Files are known by their path below the root;
 * an open file is reached through a handle, keyed by its fd and (with
 * strace -y, which names every fd's file) its file, else by its thread
 * and fd, and by its process where the log says it (the preload
 * recorder's pid=).  A file's ops go out in log order; whether it is an
 * input or an output, and its size, are settled at the end, from what
 * was seen.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "hash64.h"
#include "strace_conv.h"
#include "strace_text.h"
#include "util.h"

#define MAX_ARGS 8

/* What the log says of one file below the root. */
struct cfile {
	char *path;		/* relative to the root */
	uint32_t id;		/* in the trace, once it has an op; else UINT32_MAX */
	unsigned depth;		/* handles open on it */
	bool written;		/* a write, or an open for writing */
	bool trunc_first;	/* its first open truncated or created it new */
	bool first_open_seen;
	bool eof_known;		/* a read before any write ended short: its size is known */
	uint64_t eof, extent, stat_size;	/* before the first write */
	uint64_t size_now;	/* for O_APPEND */
	uint32_t last_tid;
	bool is_dir;		/* a stat of it said S_IFDIR: not a file, never an input */
	bool unlinked;		/* removed since its last open: the next create makes it anew */
};

struct handle {
	uint64_t key;		/* 0: empty slot */
	uint32_t file;
	uint64_t pos;
	bool append;
};

struct thread {
	uint64_t pid;		/* 0: empty slot */
	uint32_t id;		/* in the trace; UINT32_MAX until its first op */
	uint64_t last_end, gap;
	uint64_t wait;		/* asleep since its last op (nanosleep and the like) */
	bool started;
};

struct conv {
	const struct strace_opts *o;
	struct iotrace *t;
	const char *name;
	size_t line;
	char *msg;
	size_t len;
	size_t root_len;
	/* files: an array, indexed by a hash of the path */
	struct cfile *files;
	size_t nfiles, cap;
	uint32_t *fidx;		/* open addressing: file index + 1 */
	size_t fidx_cap;
	struct handle *h;
	size_t h_cap, h_used;
	struct thread *th;
	size_t th_cap, th_used;
	/* a call cut in two by another thread: its start, per pid */
	struct pending {
		uint64_t pid, ts;
		char *text;	/* "name(args so far" */
	} *pend;
	size_t npend;
	bool with_y;		/* the log names fds' files (strace -y) */
	bool with_cpu;		/* lines carry measured CPU (the preload recorder) */
	uint64_t tgid;		/* the current call's process, when the log says (else 0) */
	uint64_t first_ts, last_ts, span_start, span_end;
	bool any_ts, any_op;
};

__attribute__((format(printf, 3, 4)))
static int bad(struct conv *c, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	line_error(c->msg, c->len, c->name, c->line, err, fmt, ap);
	va_end(ap);
	return err;
}

/* ---- tables ---- */

static uint32_t file_find(struct conv *c, const char *rel, bool add)
{
	uint64_t hv = h64(0, rel, strlen(rel));
	size_t i;

	if (c->nfiles * 2 >= c->fidx_cap) {	/* rehash at half full */
		size_t ncap = c->fidx_cap ? c->fidx_cap * 2 : 1024;
		uint32_t *n = xcalloc(ncap, sizeof(*n));

		for (size_t f = 0; f < c->nfiles; f++) {
			const char *p = c->files[f].path;

			for (i = h64(0, p, strlen(p)) & (ncap - 1); n[i]; i = (i + 1) & (ncap - 1))
				;
			n[i] = (uint32_t)f + 1;
		}
		free(c->fidx);
		c->fidx = n;
		c->fidx_cap = ncap;
	}
	for (i = hv & (c->fidx_cap - 1); c->fidx[i]; i = (i + 1) & (c->fidx_cap - 1))
		if (!strcmp(c->files[c->fidx[i] - 1].path, rel))
			return c->fidx[i] - 1;
	if (!add)
		return UINT32_MAX;
	if (c->nfiles == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 256;
		c->files = realloc(c->files, c->cap * sizeof(*c->files));
		if (!c->files)
			die(1, "out of memory converting a strace log");
	}
	c->files[c->nfiles] = (struct cfile){ .path = xasprintf("%s", rel), .id = UINT32_MAX };
	c->fidx[i] = (uint32_t)c->nfiles + 1;
	return (uint32_t)c->nfiles++;
}

/*
 * Linear probing.  A closed handle stays as a tombstone (file UINT32_MAX)
 * so probe chains hold; when used slots reach half the table it is
 * rebuilt with the live handles only, twice as big only if those alone
 * fill a quarter: a program opening and closing millions of files keeps
 * a table the size of what it has open at once.
 */
static struct handle *handle_slot(struct conv *c, uint64_t key, bool add)
{
	size_t i;

	if (add && (c->h_used + 1) * 2 >= c->h_cap) {
		size_t live = 0, ncap;
		struct handle *n;

		for (size_t k = 0; k < c->h_cap; k++)
			live += c->h[k].key && c->h[k].file != UINT32_MAX;
		ncap = !c->h_cap ? 256 : (live + 1) * 4 >= c->h_cap ? c->h_cap * 2 : c->h_cap;
		n = xcalloc(ncap, sizeof(*n));
		for (size_t k = 0; k < c->h_cap; k++) {
			if (!c->h[k].key || c->h[k].file == UINT32_MAX)
				continue;
			for (i = h64_mix(c->h[k].key) & (ncap - 1); n[i].key; i = (i + 1) & (ncap - 1))
				;
			n[i] = c->h[k];
		}
		free(c->h);
		c->h = n;
		c->h_cap = ncap;
		c->h_used = live;
	}
	if (!c->h_cap)
		return NULL;
	for (i = h64_mix(key) & (c->h_cap - 1); c->h[i].key; i = (i + 1) & (c->h_cap - 1))
		if (c->h[i].key == key)
			return c->h[i].file == UINT32_MAX && !add ? NULL : &c->h[i];
	if (!add)
		return NULL;
	c->h_used++;
	c->h[i].key = key;
	return &c->h[i];
}

/* A handle's key: with -y the fd and its file, else the thread and the fd. */
static uint64_t handle_key(const struct conv *c, uint64_t pid, uint32_t file, int fd)
{
	uint64_t who = c->with_y ? (uint64_t)file + 1 : pid + 1;

	return ((who << 24) ^ (uint64_t)(unsigned)fd ^ (1ULL << 63)) +
	       c->tgid * 0x9E3779B97F4A7C15ULL;
}

static struct thread *thread_of(struct conv *c, uint64_t pid)
{
	size_t i;

	if ((c->th_used + 1) * 2 >= c->th_cap) {
		size_t ncap = c->th_cap ? c->th_cap * 2 : 64;
		struct thread *n = xcalloc(ncap, sizeof(*n));

		for (size_t k = 0; k < c->th_cap; k++) {
			if (!c->th[k].pid)
				continue;
			for (i = h64_mix(c->th[k].pid) & (ncap - 1); n[i].pid; i = (i + 1) & (ncap - 1))
				;
			n[i] = c->th[k];
		}
		free(c->th);
		c->th = n;
		c->th_cap = ncap;
	}
	for (i = h64_mix(pid + 1) & (c->th_cap - 1); c->th[i].pid; i = (i + 1) & (c->th_cap - 1))
		if (c->th[i].pid == pid + 1)
			return &c->th[i];
	c->th_used++;
	c->th[i] = (struct thread){ .pid = pid + 1, .id = UINT32_MAX };
	return &c->th[i];
}

/* An fd argument (strace_text.c), noting that the log names fds' files (-y). */
static bool parse_fd(struct conv *c, const char *s, int *fd, char *path, size_t cap)
{
	bool ok = st_parse_fd(s, fd, path, cap);

	if (ok && path[0])
		c->with_y = true;
	return ok;
}

/* The file below the root that absolute @abs names, or UINT32_MAX (outside). */
static uint32_t rooted(struct conv *c, const char *abs, bool add)
{
	const char *r = c->o->root;

	if (strncmp(abs, r, c->root_len) || abs[c->root_len] != '/' || !abs[c->root_len + 1])
		return UINT32_MAX;
	if (!iotrace_path_ok(abs + c->root_len + 1))
		return UINT32_MAX;
	return file_find(c, abs + c->root_len + 1, add);
}

/* ---- the ops ---- */

static void emit(struct conv *c, struct thread *th, uint64_t ts, uint64_t dur, uint32_t file,
		 struct it_op *op)
{
	struct cfile *f = &c->files[file];

	if (th->id == UINT32_MAX) {
		th->id = c->t->threads;
		c->t->lead_ns += th->gap;	/* before the thread's first op: not replayed */
		th->gap = 0;
	}
	if (f->id == UINT32_MAX)
		f->id = file;	/* renumbered at the end */
	op->tid = th->id;
	op->file = file;
	op->compute_ns = th->gap;
	op->wait_ns = th->wait < IOTRACE_MAX_COMPUTE_NS ? th->wait : IOTRACE_MAX_COMPUTE_NS;
	th->gap = 0;
	th->wait = 0;
	f->last_tid = th->id;
	iotrace_add_op(c->t, op);
	if (!c->any_op || ts < c->span_start)
		c->span_start = ts;
	if (ts + dur > c->span_end)
		c->span_end = ts + dur;
	c->any_op = true;
}

/* A new handle on @file (fd @fd): the file's open op when it is the first. */
static void open_handle(struct conv *c, struct thread *th, uint64_t pid, uint64_t ts,
			uint64_t dur, uint32_t file, int fd, uint8_t mode)
{
	struct cfile *f = &c->files[file];
	struct handle *h = handle_slot(c, handle_key(c, pid, file, fd), true);

	/*
	 * Made again after an unlink: replayed as a truncating open, which
	 * leaves the replay's file (never removed) as empty as the new one.
	 */
	if (f->unlinked && (mode & IT_O_CREAT))
		mode |= IT_O_TRUNC;
	f->unlinked = false;
	h->file = file;
	h->pos = 0;
	h->append = mode & IT_O_APPEND;
	if (!(mode & IT_O_TRUNC) && f->size_now < f->stat_size)
		f->size_now = f->stat_size;	/* an existing file's end, for O_APPEND */
	if (!f->first_open_seen) {
		f->first_open_seen = true;
		f->trunc_first = mode & IT_O_TRUNC;
	}
	if (mode & IT_O_WRITE)
		f->written = true;
	if (mode & IT_O_TRUNC)
		f->size_now = 0;
	if (f->depth++ == 0) {
		struct it_op op = { .type = IT_OPEN, .mode = mode };

		emit(c, th, ts, dur, file, &op);
	}
}

static void close_handle(struct conv *c, struct thread *th, uint64_t ts, uint64_t dur,
			 struct handle *h)
{
	struct cfile *f = &c->files[h->file];

	h->file = UINT32_MAX;	/* a tombstone: keeps the probe chains */
	if (f->depth && --f->depth == 0) {
		struct it_op op = { .type = IT_CLOSE };

		emit(c, th, ts, dur, (uint32_t)(f - c->files), &op);
	}
}

/*
 * The handle an fd argument names, or NULL when its file is not below the
 * root or (unless @synth) no open of it was seen.  With @synth (reads,
 * writes, syncs: calls that move data) an fd opened before the trace began
 * or by an untraced call is opened now, for writing when @writes.
 */
static struct handle *handle_of(struct conv *c, struct thread *th, uint64_t pid, uint64_t ts,
				const char *arg, bool writes, bool synth)
{
	char path[4096];
	uint32_t file = UINT32_MAX;
	struct handle *h;
	int fd;

	if (!parse_fd(c, arg, &fd, path, sizeof(path)) || fd < 0)
		return NULL;
	/* with -y: the file it names (a pipe's or socket's "pipe:[N]" is none) */
	if (path[0] && (path[0] != '/' || (file = rooted(c, path, true)) == UINT32_MAX))
		return NULL;
	if (c->with_y && !path[0])
		return NULL;
	h = handle_slot(c, handle_key(c, pid, file, fd), false);
	if (h || file == UINT32_MAX || !synth)
		return h;
	/* opened before the trace began or by a call not traced: opened now */
	open_handle(c, th, pid, ts, 0, file, fd, writes ? IT_O_WRITE : IT_O_READ);
	return handle_slot(c, handle_key(c, pid, file, fd), false);
}

/* Sum of the iov_len fields of a readv/writev vector. */
static uint64_t iov_total(const char *s)
{
	uint64_t n = 0;

	while ((s = strstr(s, "iov_len=")) != NULL) {
		s += 8;
		n += strtoull(s, NULL, 10);
	}
	return n;
}

static uint8_t open_mode(const char *flags)
{
	uint8_t m = strstr(flags, "O_RDWR") ? IT_O_READ | IT_O_WRITE
		  : strstr(flags, "O_WRONLY") ? IT_O_WRITE : IT_O_READ;

	if (strstr(flags, "O_CREAT"))
		m |= IT_O_CREAT;
	if (strstr(flags, "O_TRUNC"))
		m |= IT_O_TRUNC;
	if (strstr(flags, "O_APPEND"))
		m |= IT_O_APPEND;
	return m;
}

/* The absolute path a path argument names (relative to @dirarg's directory or cwd). */
static bool path_arg(struct conv *c, const char *dirarg, const char *arg, char *abs, size_t cap)
{
	char p[4096], dir[4096];
	int dfd = -100;

	if (!st_unquote(arg, p, sizeof(p)))
		return false;
	dir[0] = '\0';
	if (dirarg && !parse_fd(c, dirarg, &dfd, dir, sizeof(dir)))
		return false;
	if (!dir[0])
		snprintf(dir, sizeof(dir), "%s", c->o->cwd);
	if (!p[0])	/* AT_EMPTY_PATH: the fd itself */
		snprintf(p, sizeof(p), "%s", dir);
	st_normalize(dir, p, abs, cap);
	return true;
}

/* A size from a stat result ("st_size=N" or "stx_size=N"), or UINT64_MAX. */
static uint64_t stat_size(const char *s)
{
	const char *p = strstr(s, "st_size=");

	if (!p && (p = strstr(s, "stx_size=")))
		p++;
	return p ? strtoull(p + 8, NULL, 10) : UINT64_MAX;
}

struct call {
	uint64_t pid, ts, dur;
	const char *name;
	char *args[MAX_ARGS];
	int nargs;
	int64_t ret;
	const char *ret_text;	/* "3</path>" with -y */
	bool failed;
	/*
	 * The preload recorder's " cpu=N pid=P" after the duration: the
	 * thread's CPU since its last recorded call (its compute, measured),
	 * and the process, so two processes' descriptors stay apart.
	 */
	bool has_cpu;
	uint64_t cpu, tgid;
};

static void do_open(struct conv *c, struct thread *th, struct call *k)
{
	char abs[4096], rpath[4096];
	const char *dirarg = NULL, *patharg, *flags;
	uint32_t file;
	int fd;

	if (!strcmp(k->name, "creat")) {
		patharg = k->args[0];
		flags = "O_WRONLY|O_CREAT|O_TRUNC";
	} else if (!strcmp(k->name, "open")) {
		patharg = k->args[0];
		flags = k->nargs > 1 ? k->args[1] : "";
	} else {
		dirarg = k->args[0];
		patharg = k->nargs > 1 ? k->args[1] : "";
		flags = k->nargs > 2 ? k->args[2] : "";
	}
	if (!path_arg(c, dirarg, patharg, abs, sizeof(abs))) {
		c->t->ignored++;
		return;
	}
	/* with -y the result names the file the kernel opened, symlinks resolved */
	if (!k->failed && parse_fd(c, k->ret_text, &fd, rpath, sizeof(rpath)) && rpath[0] == '/')
		snprintf(abs, sizeof(abs), "%s", rpath);
	if (strncmp(abs, c->o->root, c->root_len) ||
	    (abs[c->root_len] != '/' && abs[c->root_len] != '\0')) {
		c->t->dropped++;	/* outside the root */
		return;
	}
	if (k->failed) {
		c->t->failed++;
		return;
	}
	if (strstr(flags, "O_DIRECTORY") || strstr(flags, "O_PATH")) {
		c->t->unreplayed[IT_U_DIR]++;	/* a directory, or no I/O through it */
		return;
	}
	if (strstr(flags, "O_DIRECT"))
		c->t->unreplayed[IT_U_DIRECT]++;	/* replayed through the page cache */
	file = rooted(c, abs, true);
	if (file == UINT32_MAX) {
		c->t->dropped++;	/* the root itself */
		return;
	}
	open_handle(c, th, k->pid, k->ts, k->dur, file, (int)k->ret, open_mode(flags));
}

/*
 * A read or write (also positional and vectored).  -EINVAL for what no
 * kernel logs (a negative or out-of-range offset, a return beyond the
 * count asked): the trace would be one its reader refuses.
 */
static int do_rw(struct conv *c, struct thread *th, struct call *k, bool writes, bool positional,
		 bool vector)
{
	struct handle *h = handle_of(c, th, k->pid, k->ts, k->args[0], writes, true);
	struct cfile *f;
	struct it_op op = { .type = writes ? IT_WRITE : IT_READ };
	uint64_t want;

	if (!h) {
		c->t->dropped++;
		return 0;
	}
	if (k->failed) {
		c->t->failed++;
		return 0;
	}
	f = &c->files[h->file];
	want = vector ? iov_total(k->args[1]) : strtoull(k->nargs > 2 ? k->args[2] : "0", NULL, 10);
	op.off = positional ? strtoull(k->args[3], NULL, 10) : h->pos;
	if (positional && (k->args[3][strspn(k->args[3], " ")] == '-' || op.off > (1ULL << 50)))
		return bad(c, -EINVAL, "%s: offset %.24s is out of range (0 to 2^50)", k->name,
			   k->args[3]);
	if ((uint64_t)k->ret > want || want > (1ULL << 31))
		return bad(c, -EINVAL, "%s: %" PRId64 " bytes for a count of %" PRIu64 ": no "
			   "kernel returns more than was asked (nor takes over 2 GiB at once)",
			   k->name, k->ret, want);
	if (writes && !positional && h->append && f->size_now > op.off)
		op.off = f->size_now;	/* O_APPEND: the kernel writes at the end */
	if (writes) {
		op.len = (uint64_t)k->ret;	/* what the kernel took */
		f->written = true;
		if (op.off + op.len > f->size_now)
			f->size_now = op.off + op.len;
	} else {
		op.len = want;
		op.got = (uint64_t)k->ret;
		if (!f->written) {
			if (op.off + op.got > f->extent)
				f->extent = op.off + op.got;
			if (op.got < op.len && !f->eof_known) {
				f->eof_known = true;
				f->eof = op.off + op.got;
			}
		}
		if (op.off + op.got > f->size_now)
			f->size_now = op.off + op.got;
	}
	if (!positional)
		h->pos = op.off + (writes ? op.len : op.got);
	emit(c, th, k->ts, k->dur, h->file, &op);
	return 0;
}

static int do_call(struct conv *c, struct call *k)
{
	struct thread *th = thread_of(c, k->pid);
	const char *n = k->name;
	struct handle *h;
	char abs[4096];
	uint32_t file;
	uint64_t sz;

	/* the compute before this call: measured CPU, else the gap since the thread's last call */
	c->tgid = k->tgid;
	if (k->has_cpu)
		th->gap += k->cpu;
	else if (th->started && k->ts > th->last_end + c->o->overhead_ns)
		th->gap += k->ts - th->last_end - c->o->overhead_ns;
	th->started = true;
	th->last_end = k->ts + k->dur;

	if (!strcmp(n, "open") || !strcmp(n, "openat") || !strcmp(n, "openat2") ||
	    !strcmp(n, "creat")) {
		do_open(c, th, k);
	} else if (!strcmp(n, "read") || !strcmp(n, "write")) {
		return do_rw(c, th, k, n[0] == 'w', false, false);
	} else if (!strcmp(n, "pread64") || !strcmp(n, "pwrite64")) {
		return do_rw(c, th, k, n[1] == 'w', k->nargs >= 4, false);
	} else if (!strcmp(n, "readv") || !strcmp(n, "writev")) {
		return do_rw(c, th, k, n[0] == 'w', false, true);
	} else if (!strncmp(n, "preadv", 6) || !strncmp(n, "pwritev", 7)) {
		return do_rw(c, th, k, n[1] == 'w', k->nargs >= 4, true);
	} else if (!strcmp(n, "lseek")) {
		if ((h = handle_of(c, th, k->pid, k->ts, k->args[0], false, false)) && !k->failed)
			h->pos = (uint64_t)k->ret;
	} else if (!strcmp(n, "fsync") || !strcmp(n, "fdatasync")) {
		struct it_op op = { .type = IT_FSYNC };

		if ((h = handle_of(c, th, k->pid, k->ts, k->args[0], true, true)) && !k->failed)
			emit(c, th, k->ts, k->dur, h->file, &op);
		else
			c->t->dropped += !h;
	} else if (!strcmp(n, "close")) {
		if ((h = handle_of(c, th, k->pid, k->ts, k->args[0], false, false)))
			close_handle(c, th, k->ts, k->dur, h);
		else
			c->t->dropped++;
	} else if (!strcmp(n, "dup") || !strcmp(n, "dup2") || !strcmp(n, "dup3") ||
		   (!strcmp(n, "fcntl") && k->nargs > 1 && !strncmp(k->args[1], "F_DUPFD", 7))) {
		char p[4096];
		int fd;

		h = handle_of(c, th, k->pid, k->ts, k->args[0], false, false);
		if (h && !k->failed && parse_fd(c, k->ret_text, &fd, p, sizeof(p)))
			open_handle(c, th, k->pid, k->ts, k->dur, h->file, fd, IT_O_READ);
		else if (!h)
			c->t->ignored++;
	} else if (!strcmp(n, "stat") || !strcmp(n, "lstat") || !strcmp(n, "newfstatat") ||
		   !strcmp(n, "statx") || !strcmp(n, "fstat")) {
		bool at = n[0] == 'n' || n[1] == 't';	/* newfstatat, statx: (dirfd, path) */

		if (!strcmp(n, "fstat")) {
			h = handle_of(c, th, k->pid, k->ts, k->args[0], false, false);
			file = h ? h->file : UINT32_MAX;
		} else if (k->nargs < 2 || !path_arg(c, at ? k->args[0] : NULL,
						       k->args[at ? 1 : 0], abs, sizeof(abs))) {
			c->t->ignored++;
			return 0;
		} else {
			file = rooted(c, abs, false);
			if (file == UINT32_MAX && !strncmp(abs, c->o->root, c->root_len) &&
			    abs[c->root_len] == '/' && !k->failed)
				file = rooted(c, abs, true);
		}
		if (file == UINT32_MAX) {
			c->t->dropped++;
			return 0;
		}
		c->t->unreplayed[IT_U_STAT]++;
		sz = k->failed ? UINT64_MAX : stat_size(k->args[k->nargs > 1 ? (at ? 2 : 1) : 0]);
		if (sz == UINT64_MAX && !k->failed && !strcmp(n, "statx") && k->nargs > 4)
			sz = stat_size(k->args[4]);
		if (sz != UINT64_MAX && !c->files[file].written && sz > c->files[file].stat_size)
			c->files[file].stat_size = sz;
		/* a directory opened without O_DIRECTORY (tar, rsync): its fstat says so */
		for (int i = 1; i < k->nargs && !k->failed; i++)
			if (strstr(k->args[i], "S_IFDIR"))
				c->files[file].is_dir = true;
	} else if (!strncmp(n, "unlink", 6) || !strncmp(n, "mkdir", 5)) {
		bool at = !strcmp(n, "unlinkat") || !strcmp(n, "mkdirat");

		if (path_arg(c, at ? k->args[0] : NULL, k->args[at ? 1 : 0], abs, sizeof(abs)) &&
		    !strncmp(abs, c->o->root, c->root_len) && abs[c->root_len] == '/') {
			c->t->unreplayed[n[0] == 'u' ? IT_U_UNLINK : IT_U_MKDIR]++;
			/* a file the program removes and makes again starts empty (a journal) */
			if (n[0] == 'u' && !k->failed && (file = rooted(c, abs, false)) != UINT32_MAX) {
				c->files[file].unlinked = true;
				c->files[file].size_now = 0;
			}
		} else {
			c->t->dropped++;
		}
	} else if (!strncmp(n, "rename", 6)) {
		/* rename(a, b), renameat(d, a, d, b), renameat2(d, a, d, b, flags) */
		bool at = n[6] == 'a';
		char to[4096];

		if (k->nargs >= (at ? 4 : 2) &&
		    path_arg(c, at ? k->args[0] : NULL, k->args[at ? 1 : 0], abs, sizeof(abs)) &&
		    path_arg(c, at ? k->args[2] : NULL, k->args[at ? 3 : 1], to, sizeof(to)) &&
		    ((!strncmp(abs, c->o->root, c->root_len) && abs[c->root_len] == '/') ||
		     (!strncmp(to, c->o->root, c->root_len) && to[c->root_len] == '/')))
			c->t->unreplayed[IT_U_RENAME] += !k->failed;
		else
			c->t->dropped++;
	} else if (!strcmp(n, "ftruncate") || !strcmp(n, "fallocate")) {
		if ((h = handle_of(c, th, k->pid, k->ts, k->args[0], false, false)) && !k->failed)
			c->t->unreplayed[n[1] == 't' ? IT_U_TRUNCATE : IT_U_FALLOCATE]++;
		else
			c->t->dropped += !h;
	} else if (!strcmp(n, "nanosleep") || !strcmp(n, "clock_nanosleep")) {
		/* the program chose to wait: replayed as waiting (its other waits are its structure) */
		th->wait += k->dur;
		c->t->ignored++;
	} else if (!strcmp(n, "mmap")) {
		h = k->nargs >= 6 ? handle_of(c, th, k->pid, k->ts, k->args[4], false, false) : NULL;
		if (h && !k->failed) {
			c->t->mmaps++;
			c->t->mmap_bytes += strtoull(k->args[1], NULL, 0);
		}
	} else {
		c->t->ignored++;
	}
	return 0;
}

/* "= RET [ERRNO (text)] <DUR>" after the call's closing parenthesis. */
static int parse_result(struct conv *c, char *after, struct call *k)
{
	char *eq = strstr(after, " = "), *lt;

	if (!eq)
		return bad(c, -EINVAL, "%s: the line is cut short (no ' = result')", k->name);
	eq += 3;
	k->ret_text = eq;
	if (*eq == '?') {	/* exit_group and the like: no result */
		k->ret = 0;
	} else {
		char *e;

		k->ret = strtoll(eq, &e, 0);
		if (e == eq)
			return bad(c, -EINVAL, "%s: unreadable result '%.20s'", k->name, eq);
		if (*e == '<') {	/* -y on the result: keep "3</path>" whole */
			char *gt = strchr(e, '>');

			if (gt)
				gt[1] = '\0', after = gt + 2;
		} else {
			*e = '\0';
			after = e + 1;
		}
	}
	k->failed = k->ret < 0;
	k->dur = 0;
	lt = strrchr(after, '<');
	if (lt) {
		uint64_t d;
		char *cpu = strstr(lt, "> cpu="), *pid;

		if (st_parse_ts(lt + 1, &d))
			k->dur = d;
		if (cpu) {
			k->has_cpu = c->with_cpu = true;
			k->cpu = strtoull(cpu + 6, NULL, 10);
			if ((pid = strstr(cpu, " pid=")) != NULL)
				k->tgid = strtoull(pid + 5, NULL, 10);
		}
	}
	return 0;
}

static struct pending *pending_of(struct conv *c, uint64_t pid)
{
	for (size_t i = 0; i < c->npend; i++)
		if (c->pend[i].pid == pid)
			return &c->pend[i];
	return NULL;
}

static int convert_line(struct conv *c, char *line)
{
	char *p = line, *e, *after, *full = NULL;
	struct call k = { 0 };
	struct pending *pd;
	uint64_t pid = 0;
	int rc = 0;

	/* "PID TS" (strace -f): a first number without a dot, then the timestamp */
	e = p + strspn(p, "0123456789");
	if (e > p && *e == ' ') {
		pid = strtoull(p, NULL, 10);
		p = e + strspn(e, " ");
	}
	if (!st_parse_ts(p, &k.ts))
		return bad(c, -EINVAL, "no timestamp: record with strace -f -ttt -T (got '%.40s')",
			   line);
	if (!c->any_ts)
		c->first_ts = k.ts;
	c->any_ts = true;
	if (k.ts > c->last_ts)
		c->last_ts = k.ts;
	p += strcspn(p, " ");
	p += strspn(p, " ");
	k.pid = pid;
	if (!strncmp(p, "+++", 3) || !strncmp(p, "---", 3) || !*p)
		return 0;	/* exits and signals */
	if (!strncmp(p, "<... ", 5)) {	/* the end of a call another thread cut */
		char *r = strstr(p, " resumed>");

		pd = pending_of(c, pid);
		if (!r || !pd)
			return bad(c, -EINVAL, "a resumed call that never started");
		full = xasprintf("%s%s", pd->text, r + 9);
		k.ts = pd->ts;
		free(pd->text);
		*pd = c->pend[--c->npend];
		p = full;
	} else if ((e = strstr(p, " <unfinished ...>")) != NULL) {
		*e = '\0';
		if (!(pd = pending_of(c, pid))) {
			c->pend = realloc(c->pend, (c->npend + 1) * sizeof(*c->pend));
			if (!c->pend)
				die(1, "out of memory converting a strace log");
			pd = &c->pend[c->npend++];
		} else {
			free(pd->text);
		}
		*pd = (struct pending){ pid, k.ts, xasprintf("%s", p) };
		return 0;
	}
	e = p + strcspn(p, "(");
	if (!*e || e == p) {
		rc = bad(c, -EINVAL, "not a syscall line: '%.40s'", p);
		goto out;
	}
	*e = '\0';
	k.name = p;
	k.nargs = st_split_call(e + 1, k.args, MAX_ARGS, &after);
	if (k.nargs < 0) {
		rc = bad(c, -EINVAL, "%s: the line is cut short (its arguments never close)", k.name);
		goto out;
	}
	rc = parse_result(c, after, &k);
	if (rc == 0 && k.nargs == 0) {	/* no file call takes no argument */
		c->t->ignored++;
		goto out;
	}
	if (rc == 0) {
		static const char *const need1[] = { "read", "write", "pread64", "pwrite64", "readv",
			"writev", "preadv", "pwritev", "lseek", "fsync", "fdatasync", "close",
			"dup", "dup2", "dup3", "fcntl", "fstat", "open", "openat", "creat",
			"mmap", "unlinkat", "mkdirat", "newfstatat", "statx" };
		static const int nargs[] = { 3, 3, 4, 4, 3, 3, 4, 4, 3, 1, 1, 1, 1, 2, 2, 2, 2, 2,
					     3, 2, 6, 2, 2, 3, 5 };

		for (size_t i = 0; i < ARRAY_SIZE(need1); i++)
			if (!strcmp(k.name, need1[i]) && k.nargs < nargs[i]) {
				rc = bad(c, -EINVAL, "%s with %d arguments: the line is cut short",
					 k.name, k.nargs);
				goto out;
			}
		/* a clock that jumps is no program's compute: the reader's bound, said here */
		{
			struct thread *th = thread_of(c, k.pid);

			if (k.has_cpu ? th->gap + k.cpu > IOTRACE_MAX_COMPUTE_NS :
			    th->started && k.ts > th->last_end &&
			    th->gap + (k.ts - th->last_end) > IOTRACE_MAX_COMPUTE_NS) {
				rc = bad(c, -EINVAL, "%s: %.0f s since the thread's last call: more "
					 "than the %llu s between two ops a trace may hold (a clock "
					 "step, or not one strace run)", k.name,
					 (double)(k.ts - th->last_end) / 1e9,
					 IOTRACE_MAX_COMPUTE_NS / 1000000000ULL);
				goto out;
			}
		}
		if ((rc = do_call(c, &k)) < 0)
			goto out;
	}
out:
	free(full);
	return rc;
}

/* Settles each file's kind and size, numbers the files with ops, closes what is open. */

/*
 * The ops on directories (known only once a stat said so) leave the
 * trace; their compute goes to the thread's next op, so none is lost.
 */
static void drop_dirs(struct conv *c)
{
	struct iotrace *t = c->t;
	uint64_t *carry = xcalloc((size_t)t->threads + 1, sizeof(*carry));
	size_t w = 0;

	for (size_t i = 0; i < t->nops; i++) {
		struct it_op *op = &t->ops[i];

		if (c->files[op->file].is_dir) {
			carry[op->tid] += op->compute_ns;
			c->t->unreplayed[IT_U_DIR] += op->type == IT_OPEN;
			continue;
		}
		op->compute_ns += carry[op->tid];
		carry[op->tid] = 0;
		t->ops[w++] = *op;
	}
	t->nops = w;
	free(carry);
}
static void finish(struct conv *c)
{
	struct iotrace *t = c->t;
	uint32_t *id = xcalloc(c->nfiles ? c->nfiles : 1, sizeof(*id));

	for (size_t i = 0; i < c->nfiles; i++) {
		struct cfile *f = &c->files[i];

		while (f->depth) {	/* the program exited with it open */
			struct it_op op = { .type = IT_CLOSE, .tid = f->last_tid, .file = (uint32_t)i };

			f->depth--;
			if (!f->depth)
				iotrace_add_op(t, &op);
		}
	}
	drop_dirs(c);
	for (size_t i = 0; i < c->nfiles; i++) {
		struct cfile *f = &c->files[i];
		uint64_t size;

		if (f->id == UINT32_MAX || f->is_dir)
			continue;
		/* the size before the first write (or the whole file, an input's) */
		if (f->written && f->trunc_first)
			size = 0;
		else if (f->eof_known)
			size = f->eof;
		else
			size = f->extent > f->stat_size ? f->extent : f->stat_size;
		id[i] = iotrace_add_file(t, f->path, f->written, size);
	}
	for (size_t i = 0; i < t->nops; i++)
		t->ops[i].file = id[t->ops[i].file];
	free(id);
	t->span_ns = c->any_op ? c->span_end - c->span_start : 0;
	t->wall_ns = c->any_ts ? c->last_ts - c->first_ts : 0;
	t->recorder = xasprintf("%s", c->with_cpu ? "preload" : "strace");
}

int strace_convert(FILE *f, const char *name, const struct strace_opts *o, struct iotrace *t,
		   char *msg, size_t len)
{
	struct conv c = { .o = o, .t = t, .name = name, .msg = msg, .len = len };
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = 0;

	iotrace_init(t);
	c.root_len = strlen(o->root);
	while (c.root_len > 1 && o->root[c.root_len - 1] == '/')
		c.root_len--;
	t->root = xasprintf("%.*s", (int)c.root_len, o->root);
	if (!strcmp(t->root, "/"))
		c.root_len = 0;	/* "/x" is below "/": the separator is the root's own '/' */
	t->overhead_ns = o->overhead_ns;
	if (o->command)
		t->command = xasprintf("%s", o->command);
	while (rc == 0 && (n = getline(&line, &cap, f)) >= 0) {
		c.line++;
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if ((size_t)n != strlen(line)) {
			rc = bad(&c, -EINVAL, "a NUL byte in the line");
			break;
		}
		if (n > 0)
			rc = convert_line(&c, line);
	}
	if (rc == 0 && c.npend)
		c.t->ignored += c.npend;	/* calls still running at the end: never finished */
	if (rc == 0) {
		finish(&c);
		if (t->nops == 0)
			rc = bad(&c, -EINVAL, "nothing below the root %s was read or written "
				 "(%" PRIu64 " calls on other paths)", t->root, t->dropped);
	}
	for (size_t i = 0; i < c.nfiles; i++)
		free(c.files[i].path);
	for (size_t i = 0; i < c.npend; i++)
		free(c.pend[i].text);
	free(c.pend);
	free(c.files);
	free(c.fidx);
	free(c.h);
	free(c.th);
	free(line);
	if (rc < 0)
		iotrace_free(t);
	return rc;
}
