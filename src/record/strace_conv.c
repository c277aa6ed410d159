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
#include "strace_conv_int.h"
#include "util.h"

int sc_bad(struct conv *c, int err, const char *fmt, ...)
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
struct handle *sc_handle_slot(struct conv *c, uint64_t key, bool add)
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
uint64_t sc_handle_key(const struct conv *c, uint64_t pid, uint32_t file, int fd)
{
	uint64_t who = c->with_y ? (uint64_t)file + 1 : pid + 1;

	return ((who << 24) ^ (uint64_t)(unsigned)fd ^ (1ULL << 63)) +
	       c->tgid * 0x9E3779B97F4A7C15ULL;
}

struct thread *sc_thread_of(struct conv *c, uint64_t pid)
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
bool sc_parse_fd(struct conv *c, const char *s, int *fd, char *path, size_t cap)
{
	bool ok = st_parse_fd(s, fd, path, cap);

	if (ok && path[0])
		c->with_y = true;
	return ok;
}

/* The file below the root that absolute @abs names, or UINT32_MAX (outside). */
uint32_t sc_rooted(struct conv *c, const char *abs, bool add)
{
	const char *r = c->o->root;

	if (strncmp(abs, r, c->root_len) || abs[c->root_len] != '/' || !abs[c->root_len + 1])
		return UINT32_MAX;
	if (!iotrace_path_ok(abs + c->root_len + 1))
		return UINT32_MAX;
	return file_find(c, abs + c->root_len + 1, add);
}

/* "= RET [ERRNO (text)] <DUR>" after the call's closing parenthesis. */
static int parse_result(struct conv *c, char *after, struct call *k)
{
	char *eq = strstr(after, " = "), *lt;

	if (!eq)
		return sc_bad(c, -EINVAL, "%s: the line is cut short (no ' = result')", k->name);
	eq += 3;
	k->ret_text = eq;
	if (*eq == '?') {	/* exit_group and the like: no result */
		k->ret = 0;
	} else {
		char *e;

		k->ret = strtoll(eq, &e, 0);
		if (e == eq)
			return sc_bad(c, -EINVAL, "%s: unreadable result '%.20s'", k->name, eq);
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

/*
 * A call another thread cut in two: its start kept per pid (returns 1:
 * the line is done), or its end joined to that start into *@full (0),
 * else -EINVAL.
 */
static int join_cut(struct conv *c, char **p, uint64_t pid, uint64_t *ts, char **full)
{
	struct pending *pd;
	char *e;

	if (!strncmp(*p, "<... ", 5)) {	/* the end of a call another thread cut */
		char *r = strstr(*p, " resumed>");

		pd = pending_of(c, pid);
		if (!r || !pd)
			return sc_bad(c, -EINVAL, "a resumed call that never started");
		*full = xasprintf("%s%s", pd->text, r + 9);
		*ts = pd->ts;
		free(pd->text);
		*pd = c->pend[--c->npend];
		*p = *full;
		return 0;
	}
	if ((e = strstr(*p, " <unfinished ...>")) == NULL)
		return 0;
	*e = '\0';
	if (!(pd = pending_of(c, pid))) {
		c->pend = realloc(c->pend, (c->npend + 1) * sizeof(*c->pend));
		if (!c->pend)
			die(1, "out of memory converting a strace log");
		pd = &c->pend[c->npend++];
	} else {
		free(pd->text);
	}
	*pd = (struct pending){ pid, *ts, xasprintf("%s", *p) };
	return 1;
}

/* A call the log cut short (too few arguments), or a clock jump: -EINVAL, said; else 0. */
static int call_sane(struct conv *c, const struct call *k)
{
	static const char *const need1[] = { "read", "write", "pread64", "pwrite64", "readv",
		"writev", "preadv", "pwritev", "lseek", "fsync", "fdatasync", "close",
		"dup", "dup2", "dup3", "fcntl", "fstat", "open", "openat", "creat",
		"mmap", "unlinkat", "mkdirat", "newfstatat", "statx" };
	static const int nargs[] = { 3, 3, 4, 4, 3, 3, 4, 4, 3, 1, 1, 1, 1, 2, 2, 2, 2, 2,
				     3, 2, 6, 2, 2, 3, 5 };
	struct thread *th = sc_thread_of(c, k->pid);

	for (size_t i = 0; i < ARRAY_SIZE(need1); i++)
		if (!strcmp(k->name, need1[i]) && k->nargs < nargs[i])
			return sc_bad(c, -EINVAL, "%s with %d arguments: the line is cut short",
				      k->name, k->nargs);
	/* a clock that jumps is no program's compute: the reader's bound, said here */
	if (k->has_cpu ? th->gap + k->cpu > IOTRACE_MAX_COMPUTE_NS :
	    th->started && k->ts > th->last_end &&
	    th->gap + (k->ts - th->last_end) > IOTRACE_MAX_COMPUTE_NS)
		return sc_bad(c, -EINVAL, "%s: %.0f s since the thread's last call: more than the "
			      "%llu s between two ops a trace may hold (a clock step, or not one "
			      "strace run)", k->name, (double)(k->ts - th->last_end) / 1e9,
			      IOTRACE_MAX_COMPUTE_NS / 1000000000ULL);
	return 0;
}

static int convert_line(struct conv *c, char *line)
{
	char *p = line, *e, *after, *full = NULL;
	struct call k = { 0 };
	uint64_t pid = 0;
	int rc = 0;

	/* "PID TS" (strace -f): a first number without a dot, then the timestamp */
	e = p + strspn(p, "0123456789");
	if (e > p && *e == ' ') {
		pid = strtoull(p, NULL, 10);
		p = e + strspn(e, " ");
	}
	if (!st_parse_ts(p, &k.ts))
		return sc_bad(c, -EINVAL, "no timestamp: record with strace -f -ttt -T (got '%.40s')",
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
	rc = join_cut(c, &p, pid, &k.ts, &full);
	if (rc)
		return rc < 0 ? rc : 0;
	e = p + strcspn(p, "(");
	if (!*e || e == p) {
		rc = sc_bad(c, -EINVAL, "not a syscall line: '%.40s'", p);
		goto out;
	}
	*e = '\0';
	k.name = p;
	k.nargs = st_split_call(e + 1, k.args, MAX_ARGS, &after);
	if (k.nargs < 0) {
		rc = sc_bad(c, -EINVAL, "%s: the line is cut short (its arguments never close)", k.name);
		goto out;
	}
	rc = parse_result(c, after, &k);
	if (rc == 0 && k.nargs == 0)	/* no file call takes no argument */
		c->t->ignored++;
	else if (rc == 0 && (rc = call_sane(c, &k)) == 0)
		rc = sc_do_call(c, &k);
out:
	free(full);
	return rc < 0 ? rc : 0;
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
			rc = sc_bad(&c, -EINVAL, "a NUL byte in the line");
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
			rc = sc_bad(&c, -EINVAL, "nothing below the root %s was read or written "
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
