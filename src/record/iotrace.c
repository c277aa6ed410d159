/* iotrace.c - the trace format: read, checked, written, summarised (iotrace.h). */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "iotrace.h"
#include "util.h"

const char *const it_type_names[IT_NTYPES] = { "open", "read", "write", "fsync", "close" };
const char *const it_unreplayed_names[IT_U_N] = { "stat", "unlink", "mkdir", "dir", "rename",
						  "truncate", "fallocate", "direct" };

void iotrace_init(struct iotrace *t)
{
	memset(t, 0, sizeof(*t));
}

void iotrace_free(struct iotrace *t)
{
	for (size_t i = 0; i < t->nfiles; i++)
		free(t->files[i].path);
	free(t->files);
	free(t->ops);
	free(t->root);
	free(t->command);
	free(t->recorder);
	iotrace_init(t);
}

static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return p;
	*cap = *cap ? *cap * 2 : 64;
	if (*cap < need)
		*cap = need;
	p = realloc(p, *cap * size);
	if (!p)
		die(1, "out of memory reading a trace");
	return p;
}

uint32_t iotrace_add_file(struct iotrace *t, const char *path, bool out, uint64_t size)
{
	t->files = grow(t->files, &t->cap_files, t->nfiles + 1, sizeof(*t->files));
	t->files[t->nfiles] = (struct it_file){ xasprintf("%s", path), out, size };
	return (uint32_t)t->nfiles++;
}

void iotrace_add_op(struct iotrace *t, const struct it_op *op)
{
	t->ops = grow(t->ops, &t->cap_ops, t->nops + 1, sizeof(*t->ops));
	t->ops[t->nops++] = *op;
	if (op->tid >= t->threads)
		t->threads = op->tid + 1;
}

bool iotrace_path_ok(const char *path)
{
	const char *c = path;

	if (!path || !*path || *path == '/')
		return false;
	while (*c) {
		const char *e = strchr(c, '/');
		size_t n = e ? (size_t)(e - c) : strlen(c);

		if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		c += n;
		if (*c == '/' && !*++c)
			return false;	/* a trailing slash: an empty last component */
	}
	return true;
}

/* The path escaped as one token (bytes below '!', '\\', 0x7f and up as \xHH). */
static void put_path(FILE *f, const char *p)
{
	for (const unsigned char *c = (const unsigned char *)p; *c; c++) {
		if (*c < '!' || *c == '\\' || *c >= 0x7f)
			fprintf(f, "\\x%02x", *c);
		else
			fputc(*c, f);
	}
}

/*
 * Free text (the root, the command) escaped onto one line: control bytes,
 * 0x7f and '\\' as \xHH.  Version 1 wrote them raw, so a newline in the
 * root split the header.
 */
static void put_text(FILE *f, const char *p)
{
	for (const unsigned char *c = (const unsigned char *)p; *c; c++) {
		if (*c < ' ' || *c == '\\' || *c == 0x7f)
			fprintf(f, "\\x%02x", *c);
		else
			fputc(*c, f);
	}
}

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

int iotrace_write(FILE *f, const struct iotrace *t)
{
	fprintf(f, "%s %d\n", IOTRACE_MAGIC, IOTRACE_VERSION);
	fprintf(f, "# written by iobench record; format: README, 'Your own job'\n");
	if (t->root) {
		fputs("root ", f);
		put_text(f, t->root);
		fputc('\n', f);
	}
	if (t->command) {
		fputs("command ", f);
		put_text(f, t->command);
		fputc('\n', f);
	}
	if (t->recorder)
		fprintf(f, "recorder %s\n", t->recorder);
	if (t->cpu_ns)
		fprintf(f, "cpu_ns %" PRIu64 "\n", t->cpu_ns);
	fprintf(f, "span_ns %" PRIu64 "\nwall_ns %" PRIu64 "\nlead_ns %" PRIu64
		"\noverhead_ns %" PRIu64 "\n", t->span_ns, t->wall_ns, t->lead_ns, t->overhead_ns);
	fprintf(f, "threads %u\ndropped %" PRIu64 "\nfailed %" PRIu64 "\nignored %" PRIu64 "\n",
		t->threads, t->dropped, t->failed, t->ignored);
	for (int u = 0; u < IT_U_N; u++)
		fprintf(f, "unreplayed %s %" PRIu64 "\n", it_unreplayed_names[u], t->unreplayed[u]);
	fprintf(f, "mmap %" PRIu64 " %" PRIu64 "\n", t->mmaps, t->mmap_bytes);
	for (size_t i = 0; i < t->nfiles; i++) {
		fprintf(f, "file %zu %s %" PRIu64 " ", i, t->files[i].out ? "out" : "in",
			t->files[i].size);
		put_path(f, t->files[i].path);
		fputc('\n', f);
	}
	for (size_t i = 0; i < t->nops; i++) {
		const struct it_op *o = &t->ops[i];

		fprintf(f, "%s %u %u %" PRIu64, it_type_names[o->type], o->tid, o->file,
			o->compute_ns);
		if (o->type == IT_OPEN)
			fprintf(f, " %s%s%s%s%s", o->mode & IT_O_READ ? "r" : "",
				o->mode & IT_O_WRITE ? "w" : "", o->mode & IT_O_CREAT ? "c" : "",
				o->mode & IT_O_TRUNC ? "t" : "", o->mode & IT_O_APPEND ? "a" : "");
		else if (o->type == IT_READ)
			fprintf(f, " %" PRIu64 " %" PRIu64 " %" PRIu64, o->off, o->len, o->got);
		else if (o->type == IT_WRITE)
			fprintf(f, " %" PRIu64 " %" PRIu64, o->off, o->len);
		if (o->wait_ns)
			fprintf(f, " wait=%" PRIu64, o->wait_ns);
		fputc('\n', f);
	}
	return fflush(f) == 0 && !ferror(f) ? 0 : -(errno ? errno : EIO);
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
		char *end;

		errno = 0;
		o.wait_ns = strtoull(m + 5, &end, 10);
		if (errno || end == m + 5 || *end || m[5] == '-')
			return bad(r, -EINVAL, "%s: wait '%.30s' is not a number of ns",
				   it_type_names[type], m + 5);
		if (o.wait_ns > IOTRACE_MAX_COMPUTE_NS)
			return bad(r, -EINVAL, "a wait of %" PRIu64 " ns before one op is out of "
				   "range (at most %llu s)", o.wait_ns,
				   IOTRACE_MAX_COMPUTE_NS / 1000000000ULL);
		r->compute_ns += o.wait_ns;	/* a replay's time: one bound for both */
		if (r->compute_ns > IOTRACE_MAX_TOTAL_COMPUTE_NS)
			return bad(r, -EINVAL, "the compute and waits so far come to more than "
				   "%llu days", IOTRACE_MAX_TOTAL_COMPUTE_NS / 86400000000000ULL);
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
	r->open = grow(r->open, &r->cap_open, t->nfiles, sizeof(*r->open));
	r->size = grow(r->size, &r->cap_size, t->nfiles, sizeof(*r->size));
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
			uint64_t v;

			if (strcmp(key, IOTRACE_MAGIC)) {
				rc = bad(&r, -EINVAL, "not an iobench trace (it starts '%.40s', "
					 "not '%s 1')", key, IOTRACE_MAGIC);
				break;
			}
			if ((rc = num(&r, &rest, "version", &v)) < 0)
				break;
			if (v > IOTRACE_VERSION) {
				rc = bad(&r, -ENOTSUP, "trace version %" PRIu64 " is newer than this "
					 "iobench reads (%d)", v, IOTRACE_VERSION);
				break;
			}
			r.version = v;
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

static unsigned size_bucket(uint64_t n)
{
	return n ? 63u - (unsigned)__builtin_clzll(n) : 0;
}

void iotrace_summarise(const struct iotrace *t, struct it_summary *s)
{
	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < t->nfiles; i++) {
		if (t->files[i].out) {
			s->files_out++;
		} else {
			s->files_in++;
			s->bytes_in += t->files[i].size;
		}
	}
	for (size_t i = 0; i < t->nops; i++) {
		const struct it_op *o = &t->ops[i];

		s->ops[o->type]++;
		s->compute_ns += o->compute_ns;
		s->wait_ns += o->wait_ns;
		if (o->type == IT_READ) {
			s->bytes_read += o->got;
			s->read_sizes[size_bucket(o->len)]++;
		} else if (o->type == IT_WRITE) {
			s->bytes_written += o->len;
			s->write_sizes[size_bucket(o->len)]++;
		}
	}
}

static void print_sizes(FILE *f, const char *what, const uint64_t *sizes)
{
	char lo[32], hi[32];

	for (unsigned k = 0; k < 64; k++) {
		if (!sizes[k])
			continue;
		fmt_bytes(k ? 1ULL << k : 0, lo, sizeof(lo));
		fmt_bytes((1ULL << (k + 1)) - 1, hi, sizeof(hi));
		fprintf(f, "  %-6s %10s .. %-10s %12" PRIu64 "\n", what, lo, hi, sizes[k]);
	}
}

uint64_t iotrace_lacks(const struct iotrace *t, char *out, size_t len)
{
	static const char *const verb[] = { "renamed", "truncated", "allocated space", "opened" };
	static const char *const noun[] = { "file(s)", "time(s)", "time(s)",
					     "file(s) with O_DIRECT" };
	uint64_t n = 0;
	size_t off = 0;

	out[0] = '\0';
	for (int u = IT_U_LIFE; u < IT_U_N && off < len; u++) {
		if (!t->unreplayed[u])
			continue;
		n += t->unreplayed[u];
		off += (size_t)snprintf(out + off, len - off, "%s%s %" PRIu64 " %s", off ? ", " : "",
					verb[u - IT_U_LIFE], t->unreplayed[u], noun[u - IT_U_LIFE]);
	}
	return n;
}

void iotrace_print_summary(FILE *f, const struct iotrace *t)
{
	struct it_summary s;
	char b1[256], b2[32], b3[32];
	uint64_t total = 0;

	iotrace_summarise(t, &s);
	for (int i = 0; i < IT_NTYPES; i++)
		total += s.ops[i];
	/* the trace's own text: a file anyone may have written */
	fputs("command:  ", f);
	fputs_untrusted(t->command ? t->command : "?", f);
	fputs("\nroot:     ", f);
	fputs_untrusted(t->root ? t->root : "?", f);
	fputc('\n', f);
	fprintf(f, "files:    %zu (%zu read, %s; %zu written)\n", t->nfiles, s.files_in,
		fmt_bytes(s.bytes_in, b1, sizeof(b1)), s.files_out);
	fprintf(f, "bytes:    %s read, %s written\n", fmt_bytes(s.bytes_read, b2, sizeof(b2)),
		fmt_bytes(s.bytes_written, b3, sizeof(b3)));
	fprintf(f, "threads:  %u\n", t->threads);
	fprintf(f, "ops:      %" PRIu64 " (", total);
	for (int i = 0; i < IT_NTYPES; i++)
		fprintf(f, "%s%s %" PRIu64, i ? ", " : "", it_type_names[i], s.ops[i]);
	fprintf(f, ")\n");
	fprintf(f, "time:     span %.6f s (first op to last), whole program %.6f s\n",
		(double)t->span_ns / 1e9, (double)t->wall_ns / 1e9);
	fprintf(f, "compute:  %.6f s between ops, %.1f%% of the span (replayed as CPU work); "
		"%.6f s before the threads' first ops (not replayed)\n",
		(double)s.compute_ns / 1e9,
		t->span_ns ? 100.0 * (double)s.compute_ns / (double)t->span_ns : 0.0,
		(double)t->lead_ns / 1e9);
	if (s.wait_ns)
		fprintf(f, "waits:    %.6f s asleep before ops (nanosleep and the like), replayed "
			"as sleeping\n", (double)s.wait_ns / 1e9);
	if (t->recorder && !strcmp(t->recorder, "preload"))
		fprintf(f, "          measured: each thread's CPU time between its calls "
			"(recorder: preload)\n");
	else
		fprintf(f, "          the wall-clock gaps between calls under strace, less its own "
			"cost, %.1f us per call (recorder: strace): waits it traces (sleep, poll, "
			"futex, wait) are left out, but page faults and preemption count as "
			"compute\n", (double)t->overhead_ns / 1e3);
	if (t->cpu_ns)
		fprintf(f, "cpu:      the program used %.6f s of CPU (user + system, all its "
			"processes); recorded compute and lead: %.6f s\n", (double)t->cpu_ns / 1e9,
			(double)(s.compute_ns + t->lead_ns) / 1e9);
	fprintf(f, "sizes:\n");
	print_sizes(f, "read", s.read_sizes);
	print_sizes(f, "write", s.write_sizes);
	fprintf(f, "left out: %" PRIu64 " calls on paths outside the root, %" PRIu64
		" failed calls, %" PRIu64 " other syscalls\n", t->dropped, t->failed, t->ignored);
	fprintf(f, "not replayed:");
	for (int u = 0; u < IT_U_N; u++)
		fprintf(f, "%s %s %" PRIu64, u ? "," : "", it_unreplayed_names[u], t->unreplayed[u]);
	fprintf(f, "\n");
	if (iotrace_lacks(t, b1, sizeof(b1)))
		fprintf(f, "warning:  the program %s: recorded, not replayed\n", b1);
	if (t->mmaps)
		fprintf(f, "warning:  the program mapped %" PRIu64 " file region(s) under the root "
			"(%s): reads through a mapping are page faults, not syscalls, so they are "
			"not in the trace and not replayed\n", t->mmaps,
			fmt_bytes(t->mmap_bytes, b1, sizeof(b1)));
}

/* @name (up to @len bytes) is python, python3, python3.11 ... */
static bool python_name(const char *name, size_t len)
{
	if (len < 6 || strncmp(name, "python", 6))
		return false;
	for (size_t i = 6; i < len; i++)
		if (!isdigit((unsigned char)name[i]) && name[i] != '.')
			return false;
	return true;
}

bool iotrace_command_is_python(const char *command)
{
	for (int word = 0; word < 2 && command; word++) {
		size_t n;
		const char *base;

		command += strspn(command, " \t");
		n = strcspn(command, " \t");
		base = memrchr(command, '/', n);
		base = base ? base + 1 : command;
		if (python_name(base, n - (size_t)(base - command)))
			return true;
		/* /usr/bin/env python3 job.py: the interpreter is the next word */
		if (n - (size_t)(base - command) != 3 || strncmp(base, "env", 3))
			return false;
		command += n;
	}
	return false;
}
