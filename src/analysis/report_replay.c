/* report_replay.c - the report's "against the original" for a replayed trace.
 *
 * The replay workload's spec carries the original's figures from its
 * trace (replay.c): its span (first recorded op to the last), the whole
 * program's time, its ops and bytes.  Next to them: what the serial
 * replay took and moved, from the run's own trials.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "summary.h"

/* The number after " KEY=" in @spec, or 0. */
static uint64_t spec_num(const char *spec, const char *key)
{
	size_t n = strlen(key);

	for (const char *p = spec; (p = strstr(p, key)) != NULL; p += n)
		if ((p == spec || p[-1] == ' ') && p[n] == '=')
			return strtoull(p + n + 1, NULL, 10);
	return 0;
}

/* Is the value after " KEY=" in @spec @want (a whole word)? */
static bool spec_is(const char *spec, const char *key, const char *want)
{
	size_t n = strlen(key), w = strlen(want);

	for (const char *p = spec; (p = strstr(p, key)) != NULL; p += n)
		if ((p == spec || p[-1] == ' ') && p[n] == '=')
			return !strncmp(p + n + 1, want, w) && (!p[n + 1 + w] || p[n + 1 + w] == ' ');
	return false;
}

/* The median of the serial trials' ops and bytes moved: they never vary, so the first. */
static bool serial_moved(const struct run_data *rd, const char *wl, double *ops, double *bytes)
{
	const json_t *trials = jget(rd->root, "trials"), *t;
	size_t i;

	json_array_foreach(trials, i, t) {
		if (strcmp(jget_str(t, "workload"), wl) || strcmp(jget_str(t, "strategy"), "serial") ||
		    !json_is_true(json_object_get(t, "valid")))
			continue;
		*ops = jget_num(t, "ops");
		*bytes = jget_num(t, "bytes");
		return true;
	}
	return false;
}

/*
 * The question the user asked: against what the program does now.  With
 * the preload recorder the recorded span is the program's own time, so
 * the fastest strategy's replay is set against it, and the serial
 * replay against it says how far to trust that (a single-threaded
 * program's serial replay is the program, give or take).
 */
static void program_vs_best(FILE *f, const struct run_data *rd, const char *wl,
			    const char *spec, bool preload)
{
	const struct strat_summary *best = NULL, *serial = summary_row(&rd->sum, wl, "serial");
	uint64_t span = spec_num(spec, "span_ns"), threads = spec_num(spec, "threads");
	char lb[96];
	double prog = (double)span / 1e9;

	if (!preload || !span)
		return;
	for (size_t i = 0; i < rd->sum.n; i++) {
		const struct strat_summary *r = &rd->sum.rows[i];

		if (!strcmp(r->workload, wl) && r->valid && r->m[MET_WALL].n &&
		    (!best || r->m[MET_WALL].median < best->m[MET_WALL].median))
			best = r;
	}
	if (!best || !serial || !serial->valid)
		return;
	fprintf(f, "\n**Against what the program does now**: it took %.4f s for the recorded "
		"part; the fastest replay, %s, takes %.4f s (%.2fx the program's time). The "
		"serial replay takes %.2fx the program's time", prog,
		summary_label(best, lb, sizeof(lb)), best->m[MET_WALL].median,
		best->m[MET_WALL].median / prog, serial->m[MET_WALL].median / prog);
	if (threads > 1)
		fprintf(f, "; the program ran %" PRIu64 " threads or processes, which the serial "
			"replay puts on one, so it is not the program's own structure.\n", threads);
	else
		fprintf(f, ": within 15%% of 1.0 it stands for the program, and the fastest "
			"replay's ratio is what that strategy would make of it.\n");
}

void report_replay(FILE *f, const struct run_data *rd, const char *wl)
{
	const char *spec = rundata_spec(rd, wl);
	const struct strat_summary *r = summary_row(&rd->sum, wl, "serial");
	uint64_t span = spec_num(spec, "span_ns"), whole = spec_num(spec, "wall_ns");
	uint64_t rd_b = spec_num(spec, "read"), wr_b = spec_num(spec, "written");
	uint64_t cpu = spec_num(spec, "cpu_ns"), lead = spec_num(spec, "lead_ns");
	uint64_t mmaps = spec_num(spec, "mmaps"), mapped = spec_num(spec, "mmap_bytes");
	bool preload = spec_is(spec, "recorder", "preload");
	double ops = 0, bytes = 0, wall;

	if (strncmp(spec, "replay ", 7))
		return;
	fprintf(f, "\n### Against the original\n\n");
	if (!r || !r->valid || !serial_moved(rd, wl, &ops, &bytes)) {
		fprintf(f, "No valid serial trial to set against the recording.\n");
		return;
	}
	wall = r->m[MET_WALL].median;
	fprintf(f, "| | the recorded program | serial replay |\n|---|---|---|\n");
	fprintf(f, "| time | %.4f s from its first recorded op to its last (whole program "
		"%.4f s) | %.4f s (%.2fx the recorded span) |\n", (double)span / 1e9,
		(double)whole / 1e9, wall, span ? wall / ((double)span / 1e9) : 0.0);
	if (cpu)
		fprintf(f, "| CPU | %.4f s, user + system, all its processes | %.4f s of recorded "
			"compute run as CPU work |\n", (double)cpu / 1e9,
			(double)spec_num(spec, "compute_ns") / 1e9);
	fprintf(f, "| ops | %" PRIu64 " | %.0f |\n", spec_num(spec, "ops"), ops);
	fprintf(f, "| bytes | %" PRIu64 " (%" PRIu64 " read, %" PRIu64 " written) | %.0f |\n\n",
		rd_b + wr_b, rd_b, wr_b, bytes);
	if (preload)
		fprintf(f, "The program was recorded with the preload recorder, about 11 us a "
			"call on this machine: its span is close to its own time unless it makes "
			"tens of thousands of calls a second, and its compute is each thread's "
			"CPU time between its calls. ");
	else
		fprintf(f, "The program was recorded under strace, which stops it at every traced "
			"call: the recorded span is longer than the program's own time by that "
			"cost, and its compute is the wall-clock gaps between calls, time blocked "
			"in untraced calls included. ");
	fprintf(f, "Its sleeps (%.4f s: nanosleep and the like) are replayed as sleeping; its "
		"waits on its own threads and processes (locks, polls, a child's exit) are its "
		"structure, which each strategy replaces, and are not. ",
		(double)spec_num(spec, "wait_ns") / 1e9);
	fprintf(f, "The replay runs the recorded compute (%.4f s) as CPU work and leaves out "
		"the %.4f s before each thread's first op (the interpreter's start-up)%s.\n",
		(double)spec_num(spec, "compute_ns") / 1e9, (double)lead / 1e9,
		spec_is(spec, "data", "copy") ? "; its inputs are the user's copy (--replay-data)"
					      : "; its inputs are generated stand-ins of the recorded sizes");
	program_vs_best(f, rd, wl, spec, preload);
	if (spec_num(spec, "lacks"))
		fprintf(f, "\n**The replay leaves out %" PRIu64 " call(s) that change a file's life "
			"or how it is written** (renames, truncations, fallocate, O_DIRECT opens; "
			"`iobench trace show` lists them): where the program relied on them, its "
			"files' sizes and names differ from the replay's.\n", spec_num(spec, "lacks"));
	if (mmaps)
		fprintf(f, "\n**The replay lacks the program's reads through memory mappings**: it "
			"mapped %" PRIu64 " file region(s) below the root (%" PRIu64 " bytes), and "
			"reads through a mapping are page faults, which no recorder sees as calls. "
			"The figures above understate its I/O by up to that much.\n", mmaps, mapped);
}
