/* report.c - results/<run-id>.md, and the plot and report commands. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "plot.h"
#include "profile.h"
#include "report.h"
#include "safefs.h"
#include "util.h"

static double med(const struct run_data *rd, const char *wl, const char *st,
		  const char *col)
{
	return plot_trial_median(&rd->trials, wl, st, col);
}

void report_why_slower(const struct run_data *rd, const char *wl,
		       const char *st, char *out, size_t len)
{
	double wall = med(rd, wl, st, "wall_s"), swall = med(rd, wl, "serial", "wall_s");
	double cpu = med(rd, wl, st, "user_s") + med(rd, wl, st, "sys_s");
	double scpu = med(rd, wl, "serial", "user_s") + med(rd, wl, "serial", "sys_s");
	double sys = med(rd, wl, st, "sys_s"), ssys = med(rd, wl, "serial", "sys_s");
	double ctx = med(rd, wl, st, "vol_ctx"), sctx = med(rd, wl, "serial", "vol_ctx");
	double busy = wall > 0 ? cpu / wall : 0;

	if (!isfinite(wall) || !isfinite(swall)) {
		snprintf(out, len, "no valid trials to compare");
		return;
	}
	if (!strcmp(st, "epoll") && busy > 0.8)
		snprintf(out, len,
			 "its one loop thread runs all the compute (%.2f cores busy) while handing "
			 "every op to the pool costs %.0f%% more CPU than serial (%.0f vs %.0f "
			 "voluntary context switches)", busy,
			 scpu > 0 ? 100 * (cpu - scpu) / scpu : 0, ctx, sctx);
	else if (cpu > scpu * 1.1)
		snprintf(out, len,
			 "it burns %.0f%% more CPU than serial (sys %.3f s vs %.3f s, %.0f vs %.0f "
			 "voluntary context switches) for no gain in overlap (%.2f cores busy)",
			 scpu > 0 ? 100 * (cpu - scpu) / scpu : 0, sys, ssys, ctx, sctx, busy);
	else
		snprintf(out, len,
			 "its extra concurrency does not overlap anything here (%.2f cores busy, "
			 "%.0f vs %.0f voluntary context switches as serial)", busy, ctx, sctx);
}

/*
 * On a virtual machine the host may run other work on our CPUs ("steal").
 * When it took a noticeable share during a workload's trials, say so: the
 * CPU-bound numbers are then below what the hardware can do, and the
 * share varies with the neighbours.  Here it appeared only when our own
 * I/O kept both CPUs busy (the host emulates the disk on them).
 */
static void steal_note(FILE *f, const struct run_data *rd, const char *wl,
		       const char **sts, size_t ns)
{
	double worst = 0;
	const char *who = NULL;

	for (size_t s = 0; rd->pus && s < ns; s++) {
		double steal = med(rd, wl, sts[s], "steal_s"), wall = med(rd, wl, sts[s], "wall_s");
		double share = wall > 0 ? steal / (wall * rd->pus) : 0;

		if (isfinite(share) && share > worst) {
			worst = share;
			who = sts[s];
		}
	}
	if (who && worst >= 0.05)
		fprintf(f, "\nThe hypervisor took %.0f%% of the machine's CPU time during the %s "
			"trials (steal_s, median): CPU-bound results here are below what the "
			"CPUs could do alone.\n", 100 * worst, who);
}

/*
 * A path as a Markdown link destination inside <...>: spaces are fine
 * there, and the characters that could end it or break the line are
 * percent-encoded, so no file name can produce a broken image link.
 */
static char *md_link(const char *path)
{
	char *out = xcalloc(3 * strlen(path) + 1, 1), *o = out;

	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if (*p < 0x20 || *p == '<' || *p == '>' || *p == '%' || *p == '\\' || *p == 0x7f)
			o += sprintf(o, "%%%02X", *p);
		else
			*o++ = (char)*p;
	}
	return out;
}

/* A number, or n/a when it was not measured. */
static void put_or_na(FILE *f, int decimals, double v)
{
	if (!isfinite(v)) {
		fputs("n/a", f);
		return;
	}
	fprintf(f, "%.*f", decimals, v);
}

static void table(FILE *f, const struct run_data *rd, const char *wl,
		  const char **sts, size_t ns)
{
	const struct csv_table *s = &rd->summary;

	fputs("| strategy | valid | median wall (s) [CI] | vs serial | CPU (s) | memory net "
	      "(MiB) | MiB/s | p99 response (us) |\n|---|---|---|---|---|---|---|---|\n", f);
	for (size_t k = 0; k < ns; k++) {
		for (size_t i = 0; i < s->nrows; i++) {
			double sp;

			if (strcmp(csv_get(s, i, "workload"), wl) ||
			    strcmp(csv_get(s, i, "strategy"), sts[k]))
				continue;
			if (csv_num(s, i, "n") == 0) {
				fprintf(f, "| %s | 0/%s | no valid trial | | | | | |\n", sts[k],
					csv_get(s, i, "total"));
				continue;
			}
			sp = csv_num(s, i, "speedup_vs_serial");
			fprintf(f, "| %s%s | %s/%s | %.3f [%.3f, %.3f] | ", sts[k],
				!strcmp(csv_get(s, i, "recommended"), "1") ? " **(recommended)**" :
				!strcmp(csv_get(s, i, "equivalent"), "1") ? " (equivalent)" : "",
				csv_get(s, i, "n"), csv_get(s, i, "total"),
				csv_num(s, i, "wall_s_median"), csv_num(s, i, "wall_s_ci_lo"),
				csv_num(s, i, "wall_s_ci_hi"));
			if (sp > 0 && strcmp(sts[k], "serial"))
				fprintf(f, "%.2f ± %.2f x %s", sp >= 1 ? sp : 1 / sp,
					sp >= 1 ? csv_num(s, i, "speedup_sd")
						: csv_num(s, i, "speedup_sd") / (sp * sp),
					sp >= 1 ? "faster" : "slower");
			fprintf(f, " | %.3f | ", csv_num(s, i, "cpu_s_median"));
			put_or_na(f, 2, csv_num(s, i, "mem_net_kib_median") / 1024);
			fprintf(f, " | %.1f | ", csv_num(s, i, "mib_per_s_median"));
			put_or_na(f, 0, csv_num(s, i, "lat_p99_us_median"));
			fputs(" |\n", f);
		}
	}
}

/* With --until-decided: how many rounds the workload took and why it stopped. */
static void adaptive_line(FILE *f, const struct run_data *rd, const char *wl)
{
	char pat[64];
	const char *p;
	char *why;

	snprintf(pat, sizeof(pat), "{\"workload\": \"%s\", \"spec\": ", wl);
	p = strstr(rd->json, pat);
	why = p ? json_string(p, "until_decided", NULL) : NULL;
	if (why && why[0])
		fprintf(f, "Rounds: %ld, with --until-decided: %s.\n\n",
			strtol(strstr(p, "\"rounds\": ") + 10, NULL, 10), why);
	free(why);
}

/* The verdict the run stored in its JSON for workload @wl, as Markdown. */
static void recommendation(FILE *f, const struct run_data *rd, const char *wl)
{
	static const char *const keys[] = { "strategy", "reason", "detail", "outlier_note" };
	char pat[64], *v[4] = { NULL };
	const char *p;

	snprintf(pat, sizeof(pat), "{\"workload\": \"%s\", \"strategy\": ", wl);
	p = strstr(rd->json, "\"recommendations\"");
	p = p ? strstr(p, pat) : NULL;
	if (!p) {
		fputs("\n**Recommendation: none.** No recommendation recorded.\n\n", f);
		return;
	}
	for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
		v[k] = json_string(p, keys[k], NULL);
		if (!v[k])
			v[k] = xasprintf("%s", "");
	}
	if (v[0][0])
		fprintf(f, "\n**Recommendation: %s.** %s.", v[0], v[1]);
	else
		fprintf(f, "\n**No single recommendation.** %s.", v[1]);
	if (v[2][0])
		fprintf(f, " (%s.)", v[2]);
	if (v[3][0])
		fprintf(f, "\n\nNote: %s.", v[3]);
	fputs("\n\n", f);
	for (size_t k = 0; k < ARRAY_SIZE(keys); k++)
		free(v[k]);
}

int report_write(const struct run_data *rd, const char *plotdir, char *msg, size_t len)
{
	const char *wls[16], *sts[16];
	size_t nw = plot_names(&rd->summary, "workload", wls, 16);
	size_t ns = plot_names(&rd->summary, "strategy", sts, 16);
	char *path = xasprintf("%s.md", rd->base), *resdir = xasprintf("%s", rd->base);
	char *slash = strrchr(resdir, '/'), *rel = NULL, *lnk = NULL, *buf = NULL;
	size_t blen = 0;
	FILE *f = open_memstream(&buf, &blen);
	int rc, dfd;

	if (!f) {
		snprintf(msg, len, "cannot write %s: %s", path, strerror(ENOMEM));
		free(path);
		free(resdir);
		return -ENOMEM;
	}
	/* a bare file name lives in the current directory */
	if (slash)
		*slash = '\0';
	else
		snprintf(resdir, strlen(resdir) + 1, ".");
	if (plotdir && access(plotdir, F_OK) == 0) {
		rel = path_relative(resdir, plotdir);
		lnk = md_link(rel);
	}
	fprintf(f, "# iobench report %s\n\n", rd->run_id);
	fprintf(f, "- date: %s\n- command: `%s`\n- machine: %s, %s, %s\n"
		"- storage: `%s` on %s (%s)\n- dataset preset: %s, cache: %s\n\n",
		rd->date, rd->command_line, rd->hostname, rd->kernel, rd->cpu_model, rd->dir,
		rd->fs_type, rd->device, rd->size, rd->cache);
	if (lnk)
		fprintf(f, "![wall time](<%s/wall.png>)\n![speed relative to serial](<%s/speedup.png>)\n\n",
			lnk, lnk);
	for (size_t w = 0; w < nw; w++) {
		char *spec = rundata_spec(rd, wls[w]);

		fprintf(f, "## %s\n\nDataset: `%s`\n\n", wls[w], spec);
		adaptive_line(f, rd, wls[w]);
		table(f, rd, wls[w], sts, ns);
		recommendation(f, rd, wls[w]);
		for (size_t s = 0; s < ns; s++) {
			double sp = med(rd, wls[w], "serial", "wall_s") /
				    med(rd, wls[w], sts[s], "wall_s");
			char why[512];

			if (!isfinite(sp) || sp >= 0.97 || !strcmp(sts[s], "serial"))
				continue;
			report_why_slower(rd, wls[w], sts[s], why, sizeof(why));
			fprintf(f, "- %s loses to serial (%.2fx slower): %s.\n", sts[s], 1 / sp, why);
		}
		steal_note(f, rd, wls[w], sts, ns);
		{
			bool any = false;

			for (size_t s = 0; s < ns; s++) {
				char sent[256];

				profile_sentence(sts[s], med(rd, wls[w], sts[s], "user_s"),
						 med(rd, wls[w], sts[s], "sys_s"),
						 med(rd, wls[w], sts[s], "runq_wait_s"),
						 med(rd, wls[w], sts[s], "blkio_wait_s"),
						 med(rd, wls[w], sts[s], "ring_wait_s"),
						 med(rd, wls[w], sts[s], "other_s"), sent, sizeof(sent));
				if (!sent[0])
					continue;
				fprintf(f, "%s%s", any ? "; " : "\nWhere the time goes (share of task time over all threads and processes): ", sent);
				any = true;
			}
			if (any)
				fputs(".\n", f);
		}
		if (lnk) {
			char *bd = xasprintf("%s/breakdown-%s.png", plotdir, wls[w]);

			fprintf(f, "\n![cpu](<%1$s/cpu-%2$s.png>)\n![memory](<%1$s/memory-%2$s.png>)\n"
				"![response time](<%1$s/latency-%2$s.png>)\n", lnk, wls[w]);
			if (access(bd, F_OK) == 0)
				fprintf(f, "![where the time goes](<%s/breakdown-%s.png>)\n", lnk, wls[w]);
			free(bd);
		}
		fputc('\n', f);
		free(spec);
	}
	fputs("Medians over counted, valid trials; [CI] is the order-statistic confidence "
	      "interval of the median (its level is in the summary CSV: 93.75% for 5 trials); "
	      "± is one standard deviation of the ratio.\n", f);
	rc = fclose(f) ? -ENOMEM : 0;
	dfd = rc == 0 ? sfs_open_user_dir(resdir, false, msg, len) : -ENOMEM;
	if (rc == 0 && dfd < 0)
		rc = dfd;
	/* the report of a run may be written again: replaced, atomically */
	if (rc == 0)
		rc = sfs_save(dfd, strrchr(path, '/') ? strrchr(path, '/') + 1 : path, buf, blen,
			      true);
	if (dfd >= 0)
		close(dfd);
	if (rc < 0)
		snprintf(msg, len, "cannot write %s: %s", path, strerror(-rc));
	free(buf);
	free(rel);
	free(lnk);
	free(resdir);
	free(path);
	return rc;
}

/* `iobench plot|report RESULTS [--plots DIR]`: shared option parsing. */
static int results_cmd(int argc, char **argv, const char *usage, bool report)
{
	static const struct option opts[] = {
		{ "plots", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *plots = "plots";
	char *outdir = NULL;
	struct run_data rd;
	char msg[1024] = "";
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'p': plots = optarg; break;
		case 'h': fputs(usage, stdout); return 0;
		default:
			return cli_bad_option(c, argv, argv[0]);
		}
	}
	if (argc - optind != 1) {
		errmsg("%s takes one result file (see iobench %s --help)", argv[0], argv[0]);
		return EXIT_USAGE;
	}
	if (rundata_load(argv[optind], &rd, msg, sizeof(msg)) < 0) {
		errmsg("%s", msg);
		return 1;
	}
	if (report) {
		/* the run's plots, if they were drawn where they are by default */
		char *pd = xasprintf("%s/%s", plots, rd.run_id);

		rc = report_write(&rd, pd, msg, sizeof(msg));
		free(pd);
	} else {
		rc = plot_run(&rd, plots, &outdir, msg, sizeof(msg));
	}
	if (rc < 0)
		errmsg("%s", msg);
	else
		printf("%s: %s%s\n", report ? "report" : "plots", report ? rd.base : outdir,
		       report ? ".md" : "/");
	free(outdir);
	rundata_free(&rd);
	return rc < 0 ? 1 : 0;
}

int cmd_plot(int argc, char **argv)
{
	return results_cmd(argc, argv,
			   "Usage: iobench plot RESULTS [--plots DIR]\n"
			   "Draws a run (its .csv, -summary.csv or .json) with gnuplot as PNG and SVG\n"
			   "into DIR/<run-id>/ (default plots/): wall time with CI, speed relative\n"
			   "to serial, and per workload CPU (user+sys), peak memory and latency.\n",
			   false);
}

int cmd_report(int argc, char **argv)
{
	return results_cmd(argc, argv,
			   "Usage: iobench report RESULTS [--plots DIR]\n"
			   "Writes <run-id>.md next to the result files: machine, storage, dataset,\n"
			   "a table per workload, the plots in DIR/<run-id>/ (default plots/), why\n"
			   "slower strategies lose, and the recommended strategy per workload.\n",
			   true);
}
