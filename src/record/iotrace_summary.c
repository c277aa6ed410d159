/* iotrace_summary.c - what a trace holds, in figures and words (iotrace.h). */
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

/* The summary's tail: the op sizes, what was left out or is not replayed, and warnings. */
static void print_left_out(FILE *f, const struct iotrace *t, const struct it_summary *s)
{
	char b1[256];

	fprintf(f, "sizes:\n");
	print_sizes(f, "read", s->read_sizes);
	print_sizes(f, "write", s->write_sizes);
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
	print_left_out(f, t, &s);
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
