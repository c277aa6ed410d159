/* compare.c - `iobench compare A B`. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "commands.h"
#include "compare.h"
#include "plot.h"
#include "stats.h"
#include "util.h"

static size_t wall_times(const struct run_data *rd, const char *wl, const char *st,
			 double *out)
{
	const struct csv_table *t = &rd->trials;
	size_t n = 0;

	for (size_t i = 0; i < t->nrows; i++)
		if (!strcmp(csv_get(t, i, "workload"), wl) && !strcmp(csv_get(t, i, "strategy"), st) &&
		    !strcmp(csv_get(t, i, "valid"), "1") && strcmp(csv_get(t, i, "warmup"), "1") &&
		    strcmp(csv_get(t, i, "trial"), "0"))
			out[n++] = csv_num(t, i, "wall_s");
	return n;
}

static long find(const struct csv_table *s, const char *wl, const char *st)
{
	for (size_t i = 0; i < s->nrows; i++)
		if (!strcmp(csv_get(s, i, "workload"), wl) && !strcmp(csv_get(s, i, "strategy"), st))
			return (long)i;
	return -1;
}

static double rel_sd(const struct csv_table *s, size_t i)
{
	double mean = csv_num(s, i, "wall_s_mean");

	return mean > 0 ? csv_num(s, i, "wall_s_stddev") / mean : 0;
}

size_t compare_runs(const struct run_data *a, const struct run_data *b,
		    struct cmp_row *out, size_t max)
{
	double *wa = xcalloc(a->trials.nrows + 1, sizeof(double));
	double *wb = xcalloc(b->trials.nrows + 1, sizeof(double));
	size_t n = 0;

	for (size_t i = 0; i < a->summary.nrows && n < max; i++) {
		const char *wl = csv_get(&a->summary, i, "workload");
		const char *st = csv_get(&a->summary, i, "strategy");
		long j = find(&b->summary, wl, st);
		struct cmp_row *r = &out[n];
		double ra, rb;
		size_t na, nb;

		if (j < 0 || csv_num(&a->summary, i, "n") == 0 ||
		    csv_num(&b->summary, (size_t)j, "n") == 0)
			continue;
		r->workload = wl;
		r->strategy = st;
		r->a = csv_num(&a->summary, i, "wall_s_median");
		r->b = csv_num(&b->summary, (size_t)j, "wall_s_median");
		r->ratio = r->a > 0 ? r->b / r->a : NAN;
		ra = rel_sd(&a->summary, i);
		rb = rel_sd(&b->summary, (size_t)j);
		r->sd = r->ratio * sqrt(ra * ra + rb * rb);
		na = wall_times(a, wl, st, wa);
		nb = wall_times(b, wl, st, wb);
		r->p = r->p_holm = stats_mann_whitney_p(wa, na, wb, nb);
		n++;
	}
	/* every row is a test: the family-wise error stays at 5% (Holm) */
	{
		double *p = xcalloc(n + 1, sizeof(double));

		for (size_t i = 0; i < n; i++)
			p[i] = out[i].p;
		stats_holm(p, n);
		for (size_t i = 0; i < n; i++) {
			out[i].p_holm = p[i];
			out[i].significant = p[i] < 0.05;
		}
		free(p);
	}
	free(wa);
	free(wb);
	return n;
}

/* The text of "key": value inside the JSON's "config" object ("" if absent). */
static void config_value(const struct run_data *rd, const char *key, char *out, size_t len)
{
	const char *c = strstr(rd->json, "\"config\": {"), *end, *p;
	char pat[64];

	out[0] = '\0';
	if (!c)
		return;
	end = strchr(c, '}');
	snprintf(pat, sizeof(pat), "\"%s\": ", key);
	p = strstr(c, pat);
	if (!p || (end && p > end))
		return;
	p += strlen(pat);
	snprintf(out, len, "%.*s", (int)strcspn(p, ",}"), p);
}

int compare_check(const struct run_data *a, const struct run_data *b, char *msg, size_t len)
{
	static const char *const keys[] = { "size", "cache", "workers", "queue_depth", "seed",
					    "latency", "drop_caches" };
	const char *wls[16];
	size_t nw = plot_names(&a->summary, "workload", wls, 16), off = 0;

	msg[0] = '\0';
	for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
		char va[96], vb[96];

		config_value(a, keys[k], va, sizeof(va));
		config_value(b, keys[k], vb, sizeof(vb));
		if (strcmp(va, vb) && off < len)
			off += (size_t)snprintf(msg + off, len - off, "%s%s (A %s, B %s)",
						off ? "; " : "", keys[k], va, vb);
	}
	/* the datasets: a common workload must have run on the same one */
	for (size_t w = 0; w < nw; w++) {
		char *sa = rundata_spec(a, wls[w]), *sb = rundata_spec(b, wls[w]);

		if (sa[0] && sb[0] && strcmp(sa, sb) && off < len)
			off += (size_t)snprintf(msg + off, len - off, "%s%s dataset (A `%s`, B `%s`)",
						off ? "; " : "", wls[w], sa, sb);
		free(sa);
		free(sb);
	}
	return off ? -EINVAL : 0;
}

const char *compare_recommended(const struct run_data *rd, const char *wl)
{
	const struct csv_table *s = &rd->summary;

	for (size_t i = 0; i < s->nrows; i++)
		if (!strcmp(csv_get(s, i, "workload"), wl) && !strcmp(csv_get(s, i, "recommended"), "1"))
			return csv_get(s, i, "strategy");
	return "";
}

/* compare.dat: "workload/strategy", then A and B as median lo hi. */
static int compare_plot(const struct run_data *a, const struct run_data *b,
			const struct cmp_row *rows, size_t n, const char *plots_dir,
			char **outdir, char *msg, size_t len)
{
	char *name = xasprintf("compare-%s-vs-%s", a->run_id, b->run_id);
	char vars[2048] = "", title[512], ta[256], tb[256];
	char *data = NULL, *out = NULL;
	struct plot_dir pd;
	FILE *f;
	int rc;

	rc = plot_dir_create(plots_dir, name, &pd, msg, len);
	free(name);
	if (rc < 0)
		return rc;
	*outdir = xasprintf("%s", pd.path);
	f = plot_dir_fopen(&pd, "compare.dat");
	if (!f) {
		rc = -errno;
		snprintf(msg, len, "cannot write %s/compare.dat: %s", pd.path, strerror(-rc));
		goto out;
	}
	fputs("case A lo hi B lo hi\n", f);
	for (size_t i = 0; i < n; i++) {
		long ia = find(&a->summary, rows[i].workload, rows[i].strategy);
		long ib = find(&b->summary, rows[i].workload, rows[i].strategy);

		fprintf(f, "%s/%s %.6g %.6g %.6g %.6g %.6g %.6g\n", rows[i].workload,
			rows[i].strategy, rows[i].a, csv_num(&a->summary, (size_t)ia, "wall_s_ci_lo"),
			csv_num(&a->summary, (size_t)ia, "wall_s_ci_hi"), rows[i].b,
			csv_num(&b->summary, (size_t)ib, "wall_s_ci_lo"),
			csv_num(&b->summary, (size_t)ib, "wall_s_ci_hi"));
	}
	if (fclose(f)) {
		rc = -errno;
		snprintf(msg, len, "cannot write %s/compare.dat: %s", pd.path, strerror(-rc));
		goto out;
	}
	data = plot_dir_gnuplot(&pd, "compare.dat");
	out = plot_dir_gnuplot(&pd, "compare");
	snprintf(ta, sizeof(ta), "A: %s (%s on %s)", a->run_id, a->fs_type, a->device);
	snprintf(tb, sizeof(tb), "B: %s (%s on %s)", b->run_id, b->fs_type, b->device);
	snprintf(title, sizeof(title), "Wall time, run A vs run B (%s preset, %s cache)",
		 b->size, b->cache);
	plot_var(vars, sizeof(vars), "dir", plot_scripts_dir());
	plot_var(vars, sizeof(vars), "data", data);
	plot_var(vars, sizeof(vars), "out", out);
	plot_var(vars, sizeof(vars), "title", title);
	plot_var(vars, sizeof(vars), "lts", "1 5");
	plot_var(vars, sizeof(vars), "title_a", ta);
	plot_var(vars, sizeof(vars), "title_b", tb);
	rc = plot_gnuplot("compare", vars);
	if (rc == -ENOENT)
		snprintf(msg, len, "gnuplot is not installed: no plot (apt-get install gnuplot-nox)");
	else if (rc < 0)
		snprintf(msg, len, "cannot draw the comparison in %s: %s", pd.path,
			 rc == -EIO ? "gnuplot failed or was killed" : strerror(-rc));
out:
	free(data);
	free(out);
	plot_dir_close(&pd);
	return rc;
}

static const char compare_usage[] =
	"Usage: iobench compare A B [--plots DIR] [--force]\n"
	"Compares two runs (result files: .csv, -summary.csv or .json), e.g. old\n"
	"storage (A) and new (B): per workload and strategy the ratio B/A of median\n"
	"wall times with its uncertainty and a Mann-Whitney test (p, and p after\n"
	"Holm's correction over all the rows, which decides \"significant\"), whether\n"
	"the recommended strategy changes, and a side-by-side plot in\n"
	"DIR/compare-<A>-vs-<B>/ (default plots/).\n"
	"The runs must differ only in where they ran: a different preset, cache\n"
	"mode, --workers, --qd, seed or dataset is refused (exit 1, naming the\n"
	"differences) unless --force, which compares anyway and says so.\n";

int cmd_compare(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "plots", required_argument, NULL, 'p' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *plots = "plots", *wls[16];
	bool force = false;
	struct run_data a, b;
	struct cmp_row rows[256];
	char msg[1024];
	char *outdir = NULL;
	size_t n, nw;
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'p': plots = optarg; break;
		case 'f': force = true; break;
		case 'h': fputs(compare_usage, stdout); return 0;
		default:
			return cli_bad_option(c, argv, "compare");
		}
	}
	if (argc - optind != 2) {
		errmsg("compare takes two result files (see iobench compare --help)");
		return EXIT_USAGE;
	}
	if (rundata_load(argv[optind], &a, msg, sizeof(msg)) < 0) {
		errmsg("%s", msg);
		return 1;
	}
	if (rundata_load(argv[optind + 1], &b, msg, sizeof(msg)) < 0) {
		errmsg("%s", msg);
		rundata_free(&a);
		return 1;
	}
	if (compare_check(&a, &b, msg, sizeof(msg)) < 0) {
		if (!force) {
			errmsg("%s and %s ran different settings, so a difference would not be the "
			       "storage's: %s (--force compares anyway)", a.run_id, b.run_id, msg);
			rundata_free(&a);
			rundata_free(&b);
			return 1;
		}
		errmsg("warning: --force: the runs differ in %s; differences below are not "
		       "only the storage's", msg);
	}
	n = compare_runs(&a, &b, rows, ARRAY_SIZE(rows));
	printf("A: %s (%s on %s, %s)\nB: %s (%s on %s, %s)\n\n", a.run_id, a.fs_type, a.device,
	       a.date, b.run_id, b.fs_type, b.device, b.date);
	printf("  %-6s %-9s %10s %10s %16s %8s %8s  %s\n", "work", "strategy", "A wall_s",
	       "B wall_s", "B/A", "p", "p(Holm)", "verdict");
	for (size_t i = 0; i < n; i++) {
		const struct cmp_row *r = &rows[i];
		char verdict[64];

		if (!r->significant)
			snprintf(verdict, sizeof(verdict), "no significant change");
		else if (r->ratio < 1)
			snprintf(verdict, sizeof(verdict), "B %.2fx faster", 1 / r->ratio);
		else
			snprintf(verdict, sizeof(verdict), "B %.2fx slower", r->ratio);
		printf("  %-6s %-9s %10.4f %10.4f %9.3f ± %.3f %8.3g %8.3g  %s\n", r->workload,
		       r->strategy, r->a, r->b, r->ratio, r->sd, r->p, r->p_holm, verdict);
	}
	if (n == 0)
		puts("  nothing to compare: no (workload, strategy) has valid trials in both runs");
	nw = plot_names(&a.summary, "workload", wls, 16);
	puts("");
	for (size_t w = 0; w < nw; w++) {
		const char *ra = compare_recommended(&a, wls[w]), *rb = compare_recommended(&b, wls[w]);
		const char *in_b[16];
		size_t nb = plot_names(&b.summary, "workload", in_b, 16);
		bool both = false;

		for (size_t k = 0; k < nb; k++)
			both |= !strcmp(in_b[k], wls[w]);
		if (!both)
			continue;	/* B did not run this workload */
		printf("  %s: recommended %s in A, %s in B%s\n", wls[w], *ra ? ra : "none",
		       *rb ? rb : "none", strcmp(ra, rb) ? ": the recommendation CHANGES" : "");
	}
	rc = n ? compare_plot(&a, &b, rows, n, plots, &outdir, msg, sizeof(msg)) : 0;
	if (rc < 0)
		errmsg("%s", msg);
	else if (n)
		printf("\nplot: %s/compare.png\n", outdir);
	free(outdir);
	rundata_free(&a);
	rundata_free(&b);
	/* no gnuplot is said and not a failure; a plot that could not be made is */
	return rc < 0 && rc != -ENOENT ? EXIT_NO_PLOTS : 0;
}
