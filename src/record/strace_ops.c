/* strace_ops.c - one call of a strace log, as the trace's ops (strace_conv.c reads the log). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "strace_conv_int.h"
#include "strace_text.h"
#include "util.h"

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
	struct handle *h = sc_handle_slot(c, sc_handle_key(c, pid, file, fd), true);

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

	if (!sc_parse_fd(c, arg, &fd, path, sizeof(path)) || fd < 0)
		return NULL;
	/* with -y: the file it names (a pipe's or socket's "pipe:[N]" is none) */
	if (path[0] && (path[0] != '/' || (file = sc_rooted(c, path, true)) == UINT32_MAX))
		return NULL;
	if (c->with_y && !path[0])
		return NULL;
	h = sc_handle_slot(c, sc_handle_key(c, pid, file, fd), false);
	if (h || file == UINT32_MAX || !synth)
		return h;
	/* opened before the trace began or by a call not traced: opened now */
	open_handle(c, th, pid, ts, 0, file, fd, writes ? IT_O_WRITE : IT_O_READ);
	return sc_handle_slot(c, sc_handle_key(c, pid, file, fd), false);
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
	if (dirarg && !sc_parse_fd(c, dirarg, &dfd, dir, sizeof(dir)))
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
	if (!k->failed && sc_parse_fd(c, k->ret_text, &fd, rpath, sizeof(rpath)) && rpath[0] == '/')
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
	file = sc_rooted(c, abs, true);
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
		return sc_bad(c, -EINVAL, "%s: offset %.24s is out of range (0 to 2^50)", k->name,
			   k->args[3]);
	if ((uint64_t)k->ret > want || want > (1ULL << 31))
		return sc_bad(c, -EINVAL, "%s: %" PRId64 " bytes for a count of %" PRIu64 ": no "
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

/* stat, lstat, newfstatat, statx, fstat: a file's size before the program wrote it. */
static void do_stat(struct conv *c, struct thread *th, struct call *k)
{
	const char *n = k->name;
	bool at = n[0] == 'n' || n[1] == 't';	/* newfstatat, statx: (dirfd, path) */
	struct handle *h;
	char abs[4096];
	uint32_t file;
	uint64_t sz;

	if (!strcmp(n, "fstat")) {
		h = handle_of(c, th, k->pid, k->ts, k->args[0], false, false);
		file = h ? h->file : UINT32_MAX;
	} else if (k->nargs < 2 || !path_arg(c, at ? k->args[0] : NULL,
					       k->args[at ? 1 : 0], abs, sizeof(abs))) {
		c->t->ignored++;
		return;
	} else {
		file = sc_rooted(c, abs, false);
		if (file == UINT32_MAX && !strncmp(abs, c->o->root, c->root_len) &&
		    abs[c->root_len] == '/' && !k->failed)
			file = sc_rooted(c, abs, true);
	}
	if (file == UINT32_MAX) {
		c->t->dropped++;
		return;
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
}

/* Is @abs below the root? */
static bool below_root(const struct conv *c, const char *abs)
{
	return !strncmp(abs, c->o->root, c->root_len) && abs[c->root_len] == '/';
}

/* unlink, mkdir, rename (and their *at forms): counted, not replayed. */
static void do_names(struct conv *c, struct call *k)
{
	const char *n = k->name;
	char abs[4096], to[4096];
	uint32_t file;

	if (!strncmp(n, "rename", 6)) {
		/* rename(a, b), renameat(d, a, d, b), renameat2(d, a, d, b, flags) */
		bool at = n[6] == 'a';

		if (k->nargs >= (at ? 4 : 2) &&
		    path_arg(c, at ? k->args[0] : NULL, k->args[at ? 1 : 0], abs, sizeof(abs)) &&
		    path_arg(c, at ? k->args[2] : NULL, k->args[at ? 3 : 1], to, sizeof(to)) &&
		    (below_root(c, abs) || below_root(c, to)))
			c->t->unreplayed[IT_U_RENAME] += !k->failed;
		else
			c->t->dropped++;
		return;
	}
	bool at = !strcmp(n, "unlinkat") || !strcmp(n, "mkdirat");

	if (!path_arg(c, at ? k->args[0] : NULL, k->args[at ? 1 : 0], abs, sizeof(abs)) ||
	    !below_root(c, abs)) {
		c->t->dropped++;
		return;
	}
	c->t->unreplayed[n[0] == 'u' ? IT_U_UNLINK : IT_U_MKDIR]++;
	/* a file the program removes and makes again starts empty (a journal) */
	if (n[0] == 'u' && !k->failed && (file = sc_rooted(c, abs, false)) != UINT32_MAX) {
		c->files[file].unlinked = true;
		c->files[file].size_now = 0;
	}
}

/* Calls on a descriptor that move no bytes: lseek, fsync, close, dup, ftruncate, mmap. */
static bool do_fd_call(struct conv *c, struct thread *th, struct call *k)
{
	const char *n = k->name;
	struct handle *h = NULL;

	if (!strcmp(n, "lseek")) {
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
		if (h && !k->failed && sc_parse_fd(c, k->ret_text, &fd, p, sizeof(p)))
			open_handle(c, th, k->pid, k->ts, k->dur, h->file, fd, IT_O_READ);
		else if (!h)
			c->t->ignored++;
	} else if (!strcmp(n, "ftruncate") || !strcmp(n, "fallocate")) {
		if ((h = handle_of(c, th, k->pid, k->ts, k->args[0], false, false)) && !k->failed)
			c->t->unreplayed[n[1] == 't' ? IT_U_TRUNCATE : IT_U_FALLOCATE]++;
		else
			c->t->dropped += !h;
	} else if (!strcmp(n, "mmap")) {
		h = k->nargs >= 6 ? handle_of(c, th, k->pid, k->ts, k->args[4], false, false) : NULL;
		if (h && !k->failed) {
			c->t->mmaps++;
			c->t->mmap_bytes += strtoull(k->args[1], NULL, 0);
		}
	} else {
		return false;
	}
	return true;
}

int sc_do_call(struct conv *c, struct call *k)
{
	struct thread *th = sc_thread_of(c, k->pid);
	const char *n = k->name;

	/* the compute before this call: measured CPU, else the gap since the thread's last call */
	c->tgid = k->tgid;
	if (k->has_cpu)
		th->gap += k->cpu;
	else if (th->started && k->ts > th->last_end + c->o->overhead_ns)
		th->gap += k->ts - th->last_end - c->o->overhead_ns;
	th->started = true;
	th->last_end = k->ts + k->dur;
	/* the program chose to wait: replayed as waiting (its other waits are its structure) */
	if (!strcmp(n, "nanosleep") || !strcmp(n, "clock_nanosleep"))
		th->wait += k->dur;

	if (!strcmp(n, "open") || !strcmp(n, "openat") || !strcmp(n, "openat2") ||
	    !strcmp(n, "creat"))
		do_open(c, th, k);
	else if (!strcmp(n, "read") || !strcmp(n, "write"))
		return do_rw(c, th, k, n[0] == 'w', false, false);
	else if (!strcmp(n, "pread64") || !strcmp(n, "pwrite64"))
		return do_rw(c, th, k, n[1] == 'w', k->nargs >= 4, false);
	else if (!strcmp(n, "readv") || !strcmp(n, "writev"))
		return do_rw(c, th, k, n[0] == 'w', false, true);
	else if (!strncmp(n, "preadv", 6) || !strncmp(n, "pwritev", 7))
		return do_rw(c, th, k, n[1] == 'w', k->nargs >= 4, true);
	else if (do_fd_call(c, th, k))
		return 0;
	else if (!strcmp(n, "stat") || !strcmp(n, "lstat") || !strcmp(n, "newfstatat") ||
		 !strcmp(n, "statx") || !strcmp(n, "fstat"))
		do_stat(c, th, k);
	else if (!strncmp(n, "unlink", 6) || !strncmp(n, "mkdir", 5) || !strncmp(n, "rename", 6))
		do_names(c, k);
	else
		c->t->ignored++;
	return 0;
}
