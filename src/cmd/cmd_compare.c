/* cmd_compare.c - `iobench compare A B`: did the storage change help, and where? */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "compare.h"
#include "util.h"

static const char compare_usage[] =
	"Usage: iobench compare A B [--plots DIR] [--force] [--fail-if-slower X [--all]]\n"
	"Compares two runs (result files: .csv, -summary.csv or .json), e.g. old\n"
	"storage (A) and new (B): per workload and strategy the ratio B/A of median\n"
	"wall times with its uncertainty, p (Welch's t on log times, or Mann-Whitney\n"
	"where the times have outliers) and p after Holm's correction over all the\n"
	"rows, and the verdict in iobench run's words: B faster or slower (Holm p <\n"
	"0.05), equivalent (the 90% interval of B/A within A's --margin, 5% by\n"
	"default) or undecided (neither); whether the recommended strategy changes,\n"
	"and a side-by-side plot in DIR/compare-<A>-vs-<B>/ (default plots/).\n"
	"The runs must differ only in where they ran: a different preset, cache\n"
	"mode, --workers, --qd, seed or dataset is refused (exit 1, naming the\n"
	"differences) unless --force, which compares anyway and says so.\n"
	"\n"
	"  --plots DIR          where the comparison plot goes (default: plots)\n"
	"  --force              compare runs of different settings anyway\n"
	"  --fail-if-slower X   a regression gate: exit 3 when a workload's recommended\n"
	"                       strategy (A's) is slower in B by more than X (5%, 0.5%)\n"
	"                       with 95% confidence: the one-sided lower bound of B/A\n"
	"                       (Hodges-Lehmann over both runs' counted wall times) is\n"
	"                       above 1 + X; or when B has no valid trials of it.  A\n"
	"                       plot that cannot be drawn is then said, not exit 3\n"
	"  --all                with --fail-if-slower: every strategy both runs measured,\n"
	"                       95% confidence over all of them together (Bonferroni)\n"
	"  -h, --help           this text\n";

struct compare_opts {
	const char *plots;
	bool force, all;
	double limit;		/* --fail-if-slower, as a fraction; < 0: no gate */
};

/* -1 to go on, else the exit status (help, or a usage error said). */
static int parse(int argc, char **argv, struct compare_opts *o)
{
	static const struct option opts[] = {
		{ "plots", required_argument, NULL, 'p' },
		{ "force", no_argument, NULL, 'f' },
		{ "fail-if-slower", required_argument, NULL, 's' },
		{ "all", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool all = false;
	int c;

	*o = (struct compare_opts){ .plots = "plots", .limit = -1 };
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'p': o->plots = optarg; break;
		case 'f': o->force = true; break;
		case 'a': all = true; break;
		case 'h': fputs(compare_usage, stdout); return 0;
		case 's':
			if (parse_percent(optarg, &o->limit) < 0) {
				errmsg("--fail-if-slower '%s' is not a percentage (e.g. 5%% or 0.5%%)",
				       optarg);
				return EXIT_USAGE;
			}
			break;
		default:
			return cli_bad_option(c, argv, argv[0]);
		}
	}
	if (all && o->limit < 0) {
		errmsg("--all goes with --fail-if-slower X (see iobench compare --help)");
		return EXIT_USAGE;
	}
	o->all = all;
	if (argc - optind != 2) {
		errmsg("compare takes two result files (see iobench compare --help)");
		return EXIT_USAGE;
	}
	return -1;
}

/* The gate's rows and verdict; EXIT_SLOWER when a row is slower beyond the limit. */
static int gate(const struct run_data *a, const struct run_data *b, const struct cmp_row *rows,
		size_t n, const struct compare_opts *o)
{
	struct gate_row g[256];
	size_t k = compare_gate(a, b, rows, n, o->limit, o->all, g, ARRAY_SIZE(g)), bad = 0;

	printf("\nfail-if-slower %g%%: B/A of %s, with its 95%% lower bound\n", o->limit * 100,
	       o->all ? "every strategy" : "each workload's recommended strategy (A's)");
	for (size_t i = 0; i < k; i++) {
		const char *v = g[i].slower ? "SLOWER" : "ok";

		bad += g[i].slower;
		if (g[i].rc == -ENOENT)
			printf("  %-6s %-9s not measured validly in B: SLOWER (no pass)\n",
			       g[i].workload, g[i].strategy);
		else if (g[i].rc < 0)
			printf("  %-6s %-9s %.3f, too few trials to bound it at 95%%: not decided, "
			       "ok\n", g[i].workload, g[i].strategy, g[i].ratio);
		else
			printf("  %-6s %-9s %.3f, at least %.3f: %s\n", g[i].workload,
			       g[i].strategy, g[i].ratio, g[i].lower, v);
	}
	if (k == 0)
		puts("  nothing to gate: no workload was compared");
	printf("fail-if-slower: %zu of %zu slower by more than %g%%%s\n", bad, k, o->limit * 100,
	       bad ? ": exit 3" : "");
	return bad ? EXIT_SLOWER : 0;
}

static void print_rows(const struct run_data *a, const struct run_data *b,
		       const struct cmp_row *rows, size_t n)
{
	printf("A: %s (%s on %s, %s)\nB: %s (%s on %s, %s)\n\n", a->run_id, a->fs_type, a->device,
	       a->date, b->run_id, b->fs_type, b->device, b->date);
	printf("  %-6s %-9s %10s %10s %16s %8s %8s  %s\n", "work", "strategy", "A wall_s",
	       "B wall_s", "B/A", "p", "p(Holm)", "verdict");
	for (size_t i = 0; i < n; i++) {
		const struct cmp_row *r = &rows[i];
		char verdict[64];

		if (r->outcome == OUTCOME_EQUIVALENT)
			snprintf(verdict, sizeof(verdict), "equivalent within %.3g%%",
				 100 * (a->sum.margin > 0 ? a->sum.margin : SUMMARY_MARGIN));
		else if (r->outcome == OUTCOME_UNDECIDED)
			snprintf(verdict, sizeof(verdict), "undecided");
		else if (r->est.ratio < 1)
			snprintf(verdict, sizeof(verdict), "B faster (%.2fx)", 1 / r->ratio);
		else
			snprintf(verdict, sizeof(verdict), "B slower (%.2fx)", r->ratio);
		printf("  %-6s %-9s %10.4f %10.4f %9.3f ± %.3f %8.3g %8.3g  %s\n", r->workload,
		       r->strategy, r->a, r->b, r->ratio, r->sd, r->p, r->p_holm, verdict);
	}
	if (n == 0)
		puts("  nothing to compare: no (workload, strategy) has valid trials in both runs");
}

/* Per workload both runs ran: the recommendation in each, and whether it changes. */
static void print_recommendations(const struct run_data *a, const struct run_data *b)
{
	const char *wls[16], *in_b[16];
	size_t nw = rundata_workloads(a, wls, 16), nb = rundata_workloads(b, in_b, 16);

	puts("");
	for (size_t w = 0; w < nw; w++) {
		const char *ra = compare_recommended(a, wls[w]), *rb = compare_recommended(b, wls[w]);
		bool both = false;

		for (size_t k = 0; k < nb; k++)
			both |= !strcmp(in_b[k], wls[w]);
		if (!both)
			continue;	/* B did not run this workload */
		printf("  %s: recommended %s in A, %s in B%s\n", wls[w], *ra ? ra : "none",
		       *rb ? rb : "none", strcmp(ra, rb) ? ": the recommendation CHANGES" : "");
	}
}

/* 0 when the runs may be compared (or --force says so anyway), else 1. */
static int check(const struct run_data *a, const struct run_data *b, bool force)
{
	char msg[1024];

	if (compare_check(a, b, msg, sizeof(msg)) == 0)
		return 0;
	if (!force) {
		errmsg("%s and %s ran different settings, so a difference would not be the "
		       "storage's: %s (--force compares anyway)", a->run_id, b->run_id, msg);
		return 1;
	}
	errmsg("warning: --force: the runs differ in %s; differences below are not "
	       "only the storage's", msg);
	return 0;
}

int cmd_compare(int argc, char **argv)
{
	struct compare_opts o;
	struct run_data a, b;
	struct cmp_row rows[256];
	char msg[1024];
	char *outdir = NULL;
	size_t n;
	int rc = parse(argc, argv, &o);

	if (rc >= 0)
		return rc;
	if (rundata_load(argv[optind], &a, msg, sizeof(msg)) < 0) {
		errmsg("%s", msg);
		return 1;
	}
	if (rundata_load(argv[optind + 1], &b, msg, sizeof(msg)) < 0) {
		errmsg("%s", msg);
		rundata_free(&a);
		return 1;
	}
	rc = check(&a, &b, o.force);
	if (rc == 0) {
		n = compare_runs(&a, &b, rows, ARRAY_SIZE(rows));
		print_rows(&a, &b, rows, n);
		print_recommendations(&a, &b);
		rc = n ? compare_plot(&a, &b, rows, n, o.plots, &outdir, msg, sizeof(msg)) : 0;
		if (rc < 0)
			errmsg("%s", msg);
		else if (n)
			printf("\nplot: %s/compare.png\n", outdir);
		/* no gnuplot is said and not a failure; a plot that could not be made is */
		rc = rc < 0 && rc != -ENOENT ? EXIT_NO_PLOTS : 0;
		/* as a gate, 3 means slower and nothing else */
		if (o.limit >= 0)
			rc = gate(&a, &b, rows, n, &o);
	}
	free(outdir);
	rundata_free(&a);
	rundata_free(&b);
	return rc;
}
