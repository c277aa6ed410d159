/* iotrace.c - the trace in memory and written out (iotrace.h); read: iotrace_read.c. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "iotrace.h"
#include "iotrace_int.h"
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

void *it_grow(void *p, size_t *cap, size_t need, size_t size)
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
	t->files = it_grow(t->files, &t->cap_files, t->nfiles + 1, sizeof(*t->files));
	t->files[t->nfiles] = (struct it_file){ xasprintf("%s", path), out, size };
	return (uint32_t)t->nfiles++;
}

void iotrace_add_op(struct iotrace *t, const struct it_op *op)
{
	t->ops = it_grow(t->ops, &t->cap_ops, t->nops + 1, sizeof(*t->ops));
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

