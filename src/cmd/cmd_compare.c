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
	const char *plots = "plots";
	bool force = false;
	struct run_data a, b;
	struct cmp_row rows[256];
	char msg[1024];
	char *outdir = NULL;
	size_t n;
	int rc = cli_parse_stored(argc, argv, compare_usage, 2, &plots, &force);

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
	rc = check(&a, &b, force);
	if (rc == 0) {
		n = compare_runs(&a, &b, rows, ARRAY_SIZE(rows));
		print_rows(&a, &b, rows, n);
		print_recommendations(&a, &b);
		rc = n ? compare_plot(&a, &b, rows, n, plots, &outdir, msg, sizeof(msg)) : 0;
		if (rc < 0)
			errmsg("%s", msg);
		else if (n)
			printf("\nplot: %s/compare.png\n", outdir);
		/* no gnuplot is said and not a failure; a plot that could not be made is */
		rc = rc < 0 && rc != -ENOENT ? EXIT_NO_PLOTS : 0;
	}
	free(outdir);
	rundata_free(&a);
	rundata_free(&b);
	return rc;
}
