/* iotrace_read.c - a trace read back and checked line by line (iotrace.h). */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iotrace.h"
#include "iotrace_int.h"
#include "util.h"

/* Undoes put_path in place; false for a malformed escape or a NUL. */
static bool unescape_path(char *s)
{
	char *w = s;

	for (char *r = s; *r; r++) {
		unsigned v;

		if (*r != '\\') {
			*w++ = *r;
			continue;
		}
		if (r[1] != 'x' || sscanf(r + 2, "%2x", &v) != 1 || !v ||
		    !strchr("0123456789abcdefABCDEF", r[3]))
			return false;
		*w++ = (char)v;
		r += 3;
	}
	*w = '\0';
	return true;
}

/* The reader's state: where it is, for messages. */
struct reader {
	const char *name;
	size_t line;
	char *msg;
	size_t len;
	/* per file while reading: open or not, and its size now */
	bool *open;
	uint64_t *size;
	size_t cap_open, cap_size;
	uint64_t compute_ns;	/* the ops' compute so far: bounded, never wrapped */
	uint64_t version;	/* the trace's: 2 escapes the root and command */
};

__attribute__((format(printf, 3, 4)))
static int bad(struct reader *r, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	line_error(r->msg, r->len, r->name, r->line, err, fmt, ap);
	va_end(ap);
	return err;
}

/* The next space-separated token of *s (NULL at the end). */
static char *token(char **s)
{
	char *t = *s + strspn(*s, " \t");

	if (!*t)
		return NULL;
	*s = t + strcspn(t, " \t");
	if (**s)
		*(*s)++ = '\0';
	return t;
}

static int num(struct reader *r, char **s, const char *what, uint64_t *out)
{
	char *tok = token(s);

	if (!tok)
		return bad(r, -EINVAL, "truncated line: %s missing", what);
	if (parse_u64(tok, false, out) < 0)
		return bad(r, -EINVAL, "%s '%s' is not a number", what, tok);
	return 0;
}

static int parse_mode(struct reader *r, const char *m, uint8_t *mode)
{
	static const char letters[] = "rwcta";

	*mode = 0;
	for (const char *c = m; *c; c++) {
		const char *p = strchr(letters, *c);

		if (!p)
			return bad(r, -EINVAL, "open mode '%s': unknown letter '%c' (r, w, c, t, a)",
				   m, *c);
		*mode |= (uint8_t)(1u << (p - letters));
	}
	if (!(*mode & (IT_O_READ | IT_O_WRITE)))
		return bad(r, -EINVAL, "open mode '%s' neither reads nor writes", m);
	return 0;
}

/* Checks an op against the files' state and moves that state on. */
static int op_consistent(struct reader *r, struct iotrace *t, const struct it_op *o)
{
	const struct it_file *f = &t->files[o->file];
	uint64_t *size = &r->size[o->file], want;

	if (o->type != IT_OPEN && !r->open[o->file])
		return bad(r, -EINVAL, "%s of file %u, which is not open", it_type_names[o->type],
			   o->file);
	switch (o->type) {
	case IT_OPEN:
		if (r->open[o->file])
			return bad(r, -EINVAL, "file %u opened again before its close "
				   "(nested opens of one file are not replayed)", o->file);
		if (!f->out && (o->mode & (IT_O_WRITE | IT_O_TRUNC)))
			return bad(r, -EINVAL, "file %u is an input ('in') but opened for writing",
				   o->file);
		r->open[o->file] = true;
		if (o->mode & IT_O_TRUNC)
			*size = 0;
		break;
	case IT_READ:
		want = *size > o->off ? *size - o->off : 0;
		if (want > o->len)
			want = o->len;
		if (o->got != want)
			return bad(r, -EINVAL, "read of file %u at %" PRIu64 " got %" PRIu64
				   " bytes, but the file is %" PRIu64 " bytes then", o->file, o->off,
				   o->got, *size);
		break;
	case IT_WRITE:
		if (!f->out)
			return bad(r, -EINVAL, "file %u is an input ('in') but written", o->file);
		if (o->off + o->len > *size)
			*size = o->off + o->len;
		break;
	case IT_CLOSE:
		r->open[o->file] = false;
		break;
	default:
		break;
	}
	return 0;
}

/* An op's "wait=NS" (@v: after the '='), counted with the compute against its bound. */
static int read_wait(struct reader *r, int type, const char *v, uint64_t *wait_ns)
{
	char *end;

	errno = 0;
	*wait_ns = strtoull(v, &end, 10);
	if (errno || end == v || *end || v[0] == '-')
		return bad(r, -EINVAL, "%s: wait '%.30s' is not a number of ns", it_type_names[type],
			   v);
	if (*wait_ns > IOTRACE_MAX_COMPUTE_NS)
		return bad(r, -EINVAL, "a wait of %" PRIu64 " ns before one op is out of range "
			   "(at most %llu s)", *wait_ns, IOTRACE_MAX_COMPUTE_NS / 1000000000ULL);
	r->compute_ns += *wait_ns;	/* a replay's time: one bound for both */
	if (r->compute_ns > IOTRACE_MAX_TOTAL_COMPUTE_NS)
		return bad(r, -EINVAL, "the compute and waits so far come to more than %llu days",
			   IOTRACE_MAX_TOTAL_COMPUTE_NS / 86400000000000ULL);
	return 0;
}

static int read_op(struct reader *r, struct iotrace *t, int type, char *rest)
{
	struct it_op o = { .type = (uint8_t)type };
	uint64_t tid, file;
	char *m;
	int rc;

	if ((rc = num(r, &rest, "TID", &tid)) < 0 || (rc = num(r, &rest, "FILE", &file)) < 0 ||
	    (rc = num(r, &rest, "COMPUTE", &o.compute_ns)) < 0)
		return rc;
	if (o.compute_ns > IOTRACE_MAX_COMPUTE_NS)
		return bad(r, -EINVAL, "compute of %" PRIu64 " ns before one op is out of range "
			   "(at most %llu s)", o.compute_ns, IOTRACE_MAX_COMPUTE_NS / 1000000000ULL);
	r->compute_ns += o.compute_ns;
	if (r->compute_ns > IOTRACE_MAX_TOTAL_COMPUTE_NS)
		return bad(r, -EINVAL, "the compute so far comes to more than %llu days",
			   IOTRACE_MAX_TOTAL_COMPUTE_NS / 86400000000000ULL);
	if (tid >= IOTRACE_MAX_THREADS)	/* a job each with --replay-jobs thread */
		return bad(r, -EINVAL, "thread %" PRIu64 " is out of range (at most %d)", tid,
			   IOTRACE_MAX_THREADS - 1);
	if (file >= t->nfiles)
		return bad(r, -EINVAL, "%s names file %" PRIu64 ", which no 'file' line declared",
			   it_type_names[type], file);
	o.tid = (uint32_t)tid;
	o.file = (uint32_t)file;
	if (type == IT_OPEN) {
		if (!(m = token(&rest)))
			return bad(r, -EINVAL, "truncated line: open's MODE missing");
		if ((rc = parse_mode(r, m, &o.mode)) < 0)
			return rc;
	} else if (type == IT_READ || type == IT_WRITE) {
		if ((rc = num(r, &rest, "OFF", &o.off)) < 0 || (rc = num(r, &rest, "LEN", &o.len)) < 0)
			return rc;
		if (type == IT_READ && (rc = num(r, &rest, "GOT", &o.got)) < 0)
			return rc;
		if (o.len > (1ULL << 31) || o.off > (1ULL << 50))
			return bad(r, -EINVAL, "%s of %" PRIu64 " bytes at %" PRIu64 " is out of range",
				   it_type_names[type], o.len, o.off);
	}
	if ((m = token(&rest)) != NULL && !strncmp(m, "wait=", 5)) {
		if ((rc = read_wait(r, type, m + 5, &o.wait_ns)) < 0)
			return rc;
		m = token(&rest);
	}
	if (m)
		return bad(r, -EINVAL, "trailing text after the %s", it_type_names[type]);
	if ((rc = op_consistent(r, t, &o)) < 0)
		return rc;
	iotrace_add_op(t, &o);
	return 0;
}

static int read_file_line(struct reader *r, struct iotrace *t, char *rest)
{
	uint64_t id, size;
	char *kind, *path;
	int rc;

	if ((rc = num(r, &rest, "ID", &id)) < 0)
		return rc;
	if (id != t->nfiles)
		return bad(r, -EINVAL, "file %" PRIu64 " out of order (expected %zu)", id, t->nfiles);
	kind = token(&rest);
	if (!kind || (strcmp(kind, "in") && strcmp(kind, "out")))
		return bad(r, -EINVAL, "file %" PRIu64 ": kind must be 'in' or 'out'", id);
	if ((rc = num(r, &rest, "SIZE", &size)) < 0)
		return rc;
	path = token(&rest);
	if (!path)
		return bad(r, -EINVAL, "truncated line: file %" PRIu64 "'s PATH missing", id);
	if (token(&rest))
		return bad(r, -EINVAL, "trailing text after file %" PRIu64 "'s path", id);
	if (!unescape_path(path))
		return bad(r, -EINVAL, "file %" PRIu64 ": malformed escape in its path", id);
	if (!iotrace_path_ok(path))
		return bad(r, -EINVAL, "file %" PRIu64 ": path '%s' leaves the trace's root "
			   "(absolute, '.', '..' or an empty component)", id, path);
	if (size > (1ULL << 50))
		return bad(r, -EINVAL, "file %" PRIu64 ": size %" PRIu64 " is out of range", id, size);
	iotrace_add_file(t, path, kind[0] == 'o', size);
	r->open = it_grow(r->open, &r->cap_open, t->nfiles, sizeof(*r->open));
	r->size = it_grow(r->size, &r->cap_size, t->nfiles, sizeof(*r->size));
	r->open[t->nfiles - 1] = false;
	r->size[t->nfiles - 1] = size;
	return 0;
}

static int read_header(struct reader *r, struct iotrace *t, const char *key, char *rest)
{
	static const struct { const char *key; size_t off; } nums[] = {
		{ "span_ns", offsetof(struct iotrace, span_ns) },
		{ "wall_ns", offsetof(struct iotrace, wall_ns) },
		{ "lead_ns", offsetof(struct iotrace, lead_ns) },
		{ "overhead_ns", offsetof(struct iotrace, overhead_ns) },
		{ "dropped", offsetof(struct iotrace, dropped) },
		{ "failed", offsetof(struct iotrace, failed) },
		{ "ignored", offsetof(struct iotrace, ignored) },
		{ "cpu_ns", offsetof(struct iotrace, cpu_ns) },
	};
	uint64_t v;
	char *w;
	int rc;

	if (!strcmp(key, "root") || !strcmp(key, "command")) {
		char **dst = key[0] == 'r' ? &t->root : &t->command;

		rest += strspn(rest, " \t");
		if (r->version >= 2 && !unescape_path(rest))
			return bad(r, -EINVAL, "%s: a malformed escape", key);
		free(*dst);
		*dst = xasprintf("%s", rest);
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(nums); i++)
		if (!strcmp(key, nums[i].key)) {
			if ((rc = num(r, &rest, key, (uint64_t *)((char *)t + nums[i].off))) < 0)
				return rc;
			return token(&rest) ? bad(r, -EINVAL, "trailing text after %s", key) : 0;
		}
	if (!strcmp(key, "recorder")) {
		if (!(w = token(&rest)) || (strcmp(w, "preload") && strcmp(w, "strace")))
			return bad(r, -EINVAL, "recorder must be 'preload' or 'strace'");
		free(t->recorder);
		t->recorder = xasprintf("%s", w);
		return 0;
	}
	if (!strcmp(key, "threads")) {
		if ((rc = num(r, &rest, key, &v)) < 0)
			return rc;
		if (v > IOTRACE_MAX_THREADS)
			return bad(r, -EINVAL, "threads %" PRIu64 " is out of range (at most %d)", v,
				   IOTRACE_MAX_THREADS);
		t->threads = v > t->threads ? (uint32_t)v : t->threads;
		return 0;
	}
	if (!strcmp(key, "mmap"))
		return (rc = num(r, &rest, "mmap count", &t->mmaps)) < 0 ? rc
			: num(r, &rest, "mmap bytes", &t->mmap_bytes);
	if (!strcmp(key, "unreplayed")) {
		if (!(w = token(&rest)))
			return bad(r, -EINVAL, "truncated line: unreplayed's kind missing");
		for (int u = 0; u < IT_U_N; u++)
			if (!strcmp(w, it_unreplayed_names[u]))
				return num(r, &rest, w, &t->unreplayed[u]);
		return bad(r, -EINVAL, "unreplayed '%s': unknown kind", w);
	}
	return bad(r, -EINVAL, "unknown line '%s' (a file, an op or a header key)", key);
}

/* The first line: "iobench-trace VERSION", a version this iobench reads. */
static int read_magic(struct reader *r, const char *key, char *rest)
{
	uint64_t v;
	int rc;

	if (strcmp(key, IOTRACE_MAGIC))
		return bad(r, -EINVAL, "not an iobench trace (it starts '%.40s', not '%s 1')", key,
			   IOTRACE_MAGIC);
	if ((rc = num(r, &rest, "version", &v)) < 0)
		return rc;
	if (v > IOTRACE_VERSION)
		return bad(r, -ENOTSUP, "trace version %" PRIu64 " is newer than this iobench "
			   "reads (%d)", v, IOTRACE_VERSION);
	r->version = v;
	return 0;
}

int iotrace_read(FILE *f, const char *name, struct iotrace *t, char *msg, size_t len)
{
	struct reader r = { .name = name, .msg = msg, .len = len };
	char *line = NULL, *rest, *key;
	size_t cap = 0;
	bool magic = false;
	ssize_t n;
	int rc = 0;

	iotrace_init(t);
	while (rc == 0 && (n = getline(&line, &cap, f)) >= 0) {
		r.line++;
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		else if (!feof(f) || n == 0)
			continue;
		else {
			rc = bad(&r, -EINVAL, "truncated: the last line has no end");
			break;
		}
		if ((size_t)n != strlen(line)) {
			rc = bad(&r, -EINVAL, "a NUL byte in the line");
			break;
		}
		rest = line;
		key = token(&rest);
		if (!key || key[0] == '#')
			continue;
		if (!magic) {
			rc = read_magic(&r, key, rest);
			magic = true;
			continue;
		}
		if (!strcmp(key, "file")) {
			rc = read_file_line(&r, t, rest);
			continue;
		}
		rc = 1;
		for (int ty = 0; ty < IT_NTYPES && rc == 1; ty++)
			if (!strcmp(key, it_type_names[ty]))
				rc = read_op(&r, t, ty, rest);
		if (rc == 1)
			rc = read_header(&r, t, key, rest);
	}
	if (rc == 0 && ferror(f))
		rc = bad(&r, -EIO, "read error");
	if (rc == 0 && !magic)
		rc = bad(&r, -EINVAL, "empty: no '%s 1' line", IOTRACE_MAGIC);
	for (size_t i = 0; rc == 0 && i < t->nfiles; i++)
		if (r.open[i])
			rc = bad(&r, -EINVAL, "file %zu is still open at the end of the trace", i);
	if (rc == 0 && t->nops == 0)
		rc = bad(&r, -EINVAL, "no ops: nothing under the root was read or written");
	free(line);
	free(r.open);
	free(r.size);
	if (rc < 0)
		iotrace_free(t);
	return rc;
}

int iotrace_load(const char *path, struct iotrace *t, char *msg, size_t len)
{
	const char *kind;
	FILE *f = fopen_regular(path, &kind);
	int rc;

	if (!f) {
		rc = -errno;
		snprintf(msg, len, "trace %s: %s%s", path, kind ? "not a regular file: " : "",
			 kind ? kind : strerror(errno));
		return rc;
	}
	rc = iotrace_read(f, path, t, msg, len);
	fclose(f);
	return rc;
}
