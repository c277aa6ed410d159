/* report_replay.c - the report's "against the original" for a replayed trace.
 *
 * The replay workload states the original's figures from its trace as
 * facts (replay.c): its span (first recorded op to the last), the whole
 * program's time, its ops and bytes.  Next to them: what the workload's
 * baseline took and moved, from the run's own trials: the replay as
 * recorded (the recorded strategy), or serial when that did not run.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "report.h"
#include "strategy.h"
#include "summary.h"

/*
 * The recording's figures, as the replay stated them (datasets[].facts).
 * A result file from before the facts has them only in its spec's text,
 * read there as " KEY=VALUE" words.
 */
struct facts {
	const struct run_data *rd;
	const char *wl;
	bool have;	/* the file has facts */
};

static const char *spec_word(const struct facts *fx, const char *key, size_t *len)
{
	const char *spec = rundata_spec(fx->rd, fx->wl);
	size_t n = strlen(key);

	for (const char *p = spec; (p = strstr(p, key)) != NULL; p += n)
		if ((p == spec || p[-1] == ' ') && p[n] == '=') {
			*len = strcspn(p + n + 1, " ");
			return p + n + 1;
		}
	return NULL;
}

static uint64_t num(const struct facts *fx, const char *key)
{
	size_t len;
	const char *w;

	if (fx->have)
		return rundata_fact(fx->rd, fx->wl, key);
	w = spec_word(fx, key, &len);
	return w ? strtoull(w, NULL, 10) : 0;
}

static bool is(const struct facts *fx, const char *key, const char *want)
{
	size_t len;
	const char *w;

	if (fx->have)
		return !strcmp(rundata_fact_str(fx->rd, fx->wl, key), want);
	w = spec_word(fx, key, &len);
	return w && len == strlen(want) && !strncmp(w, want, len);
}

/* The first valid trial's ops and bytes moved by @st: they never vary. */
static bool moved(const struct run_data *rd, const char *wl, const char *st, double *ops,
		  double *bytes)
{
	const json_t *trials = jget(rd->root, "trials"), *t;
	size_t i;

	json_array_foreach(trials, i, t) {
		if (strcmp(jget_str(t, "workload"), wl) || strcmp(jget_str(t, "strategy"), st) ||
		    !json_is_true(json_object_get(t, "valid")))
			continue;
		*ops = jget_num(t, "ops");
		*bytes = jget_num(t, "bytes");
		return true;
	}
	return false;
}

/* The verdict's comparison of its fastest with @row (NULL: none, or @row is the fastest). */
static const struct vcomp *against(const struct run_data *rd, const char *wl,
				   const struct strat_summary *row, const struct verdict **vout)
{
	for (size_t v = 0; v < rd->sum.nv; v++) {
		const struct verdict *vd = &rd->sum.v[v];

		if (strcmp(vd->workload, wl))
			continue;
		*vout = vd;
		for (unsigned k = 0; k < vd->ncmp; k++)
			if (&rd->sum.rows[vd->cmp[k].row] == row)
				return &vd->cmp[k];
	}
	return NULL;
}

/*
 * The question the user asked: against what the program does now.  The
 * baseline is the replay as recorded (each recorded thread on its own
 * thread, in its order) when it ran, serial otherwise.  With the preload
 * recorder the recorded span is the program's own time, so the baseline
 * against it says how far to trust the replay, and the fastest against
 * the baseline is the answer.
 */
static void program_vs_best(FILE *f, const struct run_data *rd, const char *wl,
			    const struct facts *fx, const struct strat_summary *base, bool preload)
{
	const struct strat_summary *best = NULL;
	const struct strategy *bst = strategy_find(base->strategy);
	const struct verdict *vd = NULL;
	const struct vcomp *c;
	uint64_t span = num(fx, "span_ns"), threads = num(fx, "threads");
	bool as_rec = bst && bst->as_recorded;
	char lb[96], pk[96];
	double prog = (double)span / 1e9;

	for (size_t i = 0; i < rd->sum.n; i++) {
		const struct strat_summary *r = &rd->sum.rows[i];

		if (!strcmp(r->workload, wl) && r->valid && r->m[MET_WALL].n &&
		    (!best || r->m[MET_WALL].median < best->m[MET_WALL].median))
			best = r;
	}
	if (!best)
		return;
	fprintf(f, "\n**Against what the program does now**: ");
	if (preload && span)
		fprintf(f, "it took %.4f s for the recorded part; the replay %s takes %.2fx that%s. ",
			prog, as_rec ? "as recorded" : "by serial", base->m[MET_WALL].median / prog,
			as_rec || threads <= 1 ? " (within 15% of 1.0 it stands for the program)"
					       : ", but the program ran several threads or processes, "
						 "which serial puts on one");
	else
		fprintf(f, "the program was recorded under strace, which makes its recorded times "
			"longer than its own, so the replay %s stands in for it. ",
			as_rec ? "as recorded" : "by serial");
	c = against(rd, wl, base, &vd);
	if (best == base)
		fprintf(f, "No strategy is faster than the replay %s: %s.\n",
			as_rec ? "as recorded" : "by serial",
			vd ? vd->reason : "see the verdict above");
	else if (c && !isfinite(c->est.ratio))
		fprintf(f, "The fastest, %s, took %.2fx less time than that by the medians, too "
			"few trials to say how sure (`--repeat 3` at least).\n",
			summary_label(best, lb, sizeof(lb)),
			base->m[MET_WALL].median / best->m[MET_WALL].median);
	else if (c && c->outcome == OUTCOME_FASTER)
		fprintf(f, "The fastest, %s, is %.2fx faster than that (90%% interval %.2f to "
			"%.2f)%s%s%s.\n", summary_label(best, lb, sizeof(lb)), c->est.ratio,
			c->est.lo, c->est.hi,
			as_rec ? ": what rewriting the program's I/O that way would gain" : "",
			vd->pick >= 0 && &rd->sum.rows[vd->pick] != best ?
			"; the recommendation, equivalent to it, is " : "",
			vd->pick >= 0 && &rd->sum.rows[vd->pick] != best ?
			summary_label(&rd->sum.rows[vd->pick], pk, sizeof(pk)) : "");
	else if (c)
		fprintf(f, "The fastest, %s, is not shown faster than that (%s: ratio %.2f, 90%% "
			"interval %.2f to %.2f).\n", summary_label(best, lb, sizeof(lb)),
			outcome_names[c->outcome], c->est.ratio, c->est.lo, c->est.hi);
	else
		fputc('\n', f);
	if (!as_rec && threads > 1)
		fprintf(f, "\nThe replay as recorded (the `recorded` strategy, each recorded thread "
			"on its own) did not run or failed, so serial is the baseline here.\n");
}

/* What the program did that the replay does not: changes to files' lives, mapped reads. */
static void missing_note(FILE *f, const struct facts *fx)
{
	if (num(fx, "lacks"))
		fprintf(f, "\n**The replay leaves out %" PRIu64 " call(s) that change a file's life "
			"or how it is written** (renames, truncations, fallocate, O_DIRECT opens; "
			"`iobench trace show` lists them): where the program relied on them, its "
			"files' sizes and names differ from the replay's.\n", num(fx, "lacks"));
	if (num(fx, "mmaps"))
		fprintf(f, "\n**The replay lacks the program's reads through memory mappings**: it "
			"mapped %" PRIu64 " file region(s) below the root (%" PRIu64 " bytes), and "
			"reads through a mapping are page faults, which no recorder sees as calls. "
			"The figures above understate its I/O by up to that much.\n", num(fx, "mmaps"),
			num(fx, "mmap_bytes"));
}

/* A recorded Python program: whether this replay had its interpreter lock. */
static void python_note(FILE *f, const struct run_data *rd, const struct facts *fx)
{
	if (!num(fx, "python"))
		return;
	if (strcmp(jget_str(rd->root, "config.model"), "python"))
		fprintf(f, "\n**The recorded program is a Python interpreter**: its threads share "
			"one interpreter lock, which this replay (`--model c`) does not have, so a "
			"thread pool here can look faster than the program's would be. `--model "
			"python` (with `--lock-free PCT` for compute in C extensions), or `--model "
			"c,python` for both verdicts, answers for the Python program.\n");
	else
		fprintf(f, "\nThe recorded program is a Python interpreter; %" PRIu64 "%% of its "
			"recorded compute was replayed with the interpreter lock let go "
			"(`--lock-free`).\n", num(fx, "lock_free_pct"));
}

void report_replay(FILE *f, const struct run_data *rd, const char *wl)
{
	const char *bname = summary_baseline(&rd->sum, wl);
	const struct facts fx0 = { rd, wl, json_is_object(json_object_get(rundata_dataset(rd, wl),
									   "facts")) }, *fx = &fx0;
	const struct strat_summary *r = bname ? summary_row(&rd->sum, wl, bname) : NULL;
	const struct strategy *bst = bname ? strategy_find(bname) : NULL;
	uint64_t span = num(fx, "span_ns"), whole = num(fx, "wall_ns");
	uint64_t rd_b = num(fx, "read"), wr_b = num(fx, "written");
	uint64_t cpu = num(fx, "cpu_ns"), lead = num(fx, "lead_ns");
	bool preload = is(fx, "recorder", "preload");
	const char *what = bst && bst->as_recorded ? "replay as recorded" : "serial replay";
	double ops = 0, bytes = 0, wall;

	if (!workload_find(wl) || !workload_find(wl)->has_recorded)
		return;
	fprintf(f, "\n### Against the original\n\n");
	if (!r || !r->valid || !moved(rd, wl, r->strategy, &ops, &bytes)) {
		fprintf(f, "No valid trial of the baseline to set against the recording.\n");
		return;
	}
	wall = r->m[MET_WALL].median;
	fprintf(f, "| | the recorded program | %s |\n|---|---|---|\n", what);
	fprintf(f, "| time | %.4f s from its first recorded op to its last (whole program "
		"%.4f s) | %.4f s (%.2fx the recorded span) |\n", (double)span / 1e9,
		(double)whole / 1e9, wall, span ? wall / ((double)span / 1e9) : 0.0);
	if (cpu)
		fprintf(f, "| CPU | %.4f s, user + system, all its processes | %.4f s of recorded "
			"compute run as CPU work |\n", (double)cpu / 1e9,
			(double)num(fx, "compute_ns") / 1e9);
	fprintf(f, "| ops | %" PRIu64 " | %.0f |\n", num(fx, "ops"), ops);
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
		(double)num(fx, "wait_ns") / 1e9);
	fprintf(f, "The replay runs the recorded compute (%.4f s) as CPU work and leaves out "
		"the %.4f s before each thread's first op (the interpreter's start-up)%s.\n",
		(double)num(fx, "compute_ns") / 1e9, (double)lead / 1e9,
		is(fx, "data", "copy") ? "; its inputs are the user's copy (--replay-data)"
					      : "; its inputs are generated stand-ins of the recorded sizes");
	program_vs_best(f, rd, wl, fx, r, preload);
	missing_note(f, fx);
	python_note(f, rd, fx);
}
