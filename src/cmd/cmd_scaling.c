/* cmd_scaling.c - `iobench scaling RUN...`: throughput against the number of ranks. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "compare.h"
#include "scaling.h"
#include "util.h"

#define MAX_RUNS 32

static const char scaling_usage[] =
	"Usage: iobench scaling RUN RUN... [--plots DIR] [--force]\n"
	"Runs of one job made with different numbers of MPI ranks (mpirun -np N\n"
	"iobench run ...; any result file of each): per workload and strategy the\n"
	"aggregate throughput (median MiB/s) against the ranks, the efficiency\n"
	"against one rank, and the knee: the fewest ranks within 5% of the best,\n"
	"where adding clients stops helping.  Plots in DIR/scaling-<first run>/\n"
	"(default plots/).  Runs with other settings are refused unless --force.\n";

static bool last_of_row(const struct scale_point *p, size_t n, size_t k)
{
	return k + 1 == n || strcmp(p[k + 1].workload, p[k].workload) ||
	       strcmp(p[k + 1].strategy, p[k].strategy);
}

static void print_points(const struct scale_point *p, size_t n)
{
	printf("  %-6s %-9s %6s %12s %11s\n", "work", "strategy", "ranks", "MiB/s(med)",
	       "efficiency");
	for (size_t k = 0; k < n; k++) {
		char eff[16] = "n/a";

		if (isfinite(p[k].efficiency))
			snprintf(eff, sizeof(eff), "%.2f", p[k].efficiency);
		printf("  %-6s %-9s %6u %12.1f %11s%s\n", p[k].workload, p[k].strategy, p[k].ranks,
		       p[k].mibs, eff, !p[k].knee ? "" : last_of_row(p, n, k) ?
		       "  <- the best: still scaling at the most ranks run" :
		       "  <- knee: more ranks add under 5%");
	}
}

/* 0 when every run may be set beside the first (or --force says so anyway), else 1. */
static int check_all(const struct run_data *runs, size_t n, bool force)
{
	char msg[1024];

	for (size_t i = 1; i < n; i++) {
		if (compare_check(&runs[0], &runs[i], msg, sizeof(msg)) == 0)
			continue;
		if (!force) {
			errmsg("%s and %s ran different settings: %s (--force plots them anyway)",
			       runs[0].run_id, runs[i].run_id, msg);
			return 1;
		}
		errmsg("warning: --force: %s differs in %s", runs[i].run_id, msg);
	}
	return 0;
}

/* The ranks of @rd's run: 1 without MPI. */
static unsigned run_ranks(const struct run_data *rd)
{
	double r = jget_num(rd->root, "mpi.ranks");

	return isfinite(r) && r >= 1 ? (unsigned)r : 1;
}

/*
 * One run per rank count, and two counts at least: a knee or an
 * efficiency from runs that all had one rank would be noise read as
 * scaling.  1 (said) or 0.
 */
static int check_ranks(const struct run_data *runs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < i; j++)
			if (run_ranks(&runs[i]) == run_ranks(&runs[j])) {
				errmsg("%s and %s both ran %u rank%s: scaling takes one run per "
				       "number of ranks", runs[j].run_id, runs[i].run_id,
				       run_ranks(&runs[i]), run_ranks(&runs[i]) == 1 ? "" : "s");
				return 1;
			}
	return 0;
}

int cmd_scaling(int argc, char **argv)
{
	const char *plots = "plots";
	bool force = false;
	struct run_data runs[MAX_RUNS];
	struct scale_point *p = NULL;
	char msg[1024] = "", *outdir = NULL;
	size_t n = 0, np;
	int rc = cli_parse_stored(argc, argv, scaling_usage, -1, &plots, &force);

	if (rc >= 0)
		return rc;
	for (int i = optind; i < argc && rc < 0; i++) {
		if (n == MAX_RUNS) {
			errmsg("scaling takes at most %d runs", MAX_RUNS);
			rc = EXIT_USAGE;
		} else if (rundata_load(argv[i], &runs[n], msg, sizeof(msg)) < 0) {
			errmsg("%s", msg);
			rc = 1;
		} else {
			n++;
		}
	}
	if (rc < 0)
		rc = check_all(runs, n, force);
	if (rc == 0)
		rc = check_ranks(runs, n);
	if (rc == 0) {
		np = scaling_points(runs, n, &p);
		print_points(p, np);
		rc = scaling_plot(p, np, &runs[0], plots, &outdir, msg, sizeof(msg));
		if (rc == -ENOENT)
			errmsg("gnuplot is not installed: no plots (apt-get install gnuplot-nox)");
		else if (rc < 0)
			errmsg("%s", msg);
		else
			printf("\nplots: %s/\n", outdir);
		rc = rc < 0 && rc != -ENOENT ? EXIT_NO_PLOTS : 0;
	}
	free(p);
	free(outdir);
	for (size_t i = 0; i < n; i++)
		rundata_free(&runs[i]);
	return rc;
}
