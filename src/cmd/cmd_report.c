/* cmd_report.c - `iobench plot` and `iobench report`: a stored run, drawn or written up. */
#include <getopt.h>
#include <unistd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "commands.h"
#include "plot.h"
#include "report.h"
#include "util.h"

/* `iobench plot|report RESULTS [--plots DIR]` */
static int results_cmd(int argc, char **argv, const char *usage, bool report)
{
	const char *plots = "plots";
	char *outdir = NULL;
	struct run_data rd;
	char msg[1024] = "";
	int rc = cli_parse_stored(argc, argv, usage, 1, &plots, NULL);

	if (rc >= 0)
		return rc;
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
			   "to the baseline (serial), and per workload CPU (user+sys), memory and latency.\n",
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
