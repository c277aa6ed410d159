/* main.c - iobench: which I/O concurrency strategy is fastest on this storage? */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "dist.h"
#include "jsonh.h"
#include "plot.h"
#include "registry.h"
#include "results.h"
#include "util.h"

static const char usage[] =
	"Usage: iobench COMMAND [OPTIONS]\n"
	"Runs the same disk-heavy workloads (md5, csv, array, net, or your own\n"
	"program recorded with 'record') under serial, threaded, forked,\n"
	"epoll+threadpool and io_uring execution, measures each, and checks\n"
	"every result.\n"
	"\n"
	"Commands:\n"
	"  run       run workloads under strategies, write results/\n"
	"  list      list strategies (and whether each works here) and workloads\n"
	"  info      CPU topology, storage of --dir, dataset cache residency, io_uring\n"
	"  plot      draw a run's results with gnuplot (PNG and SVG)\n"
	"  report    write a run's Markdown report with its recommendation\n"
	"  compare   two runs side by side (old storage vs new): ratios, significance\n"
	"  sweep     run a grid of --workers, --qd, --block values; find the knee\n"
	"  profile   where each strategy's time goes: CPU, run queue, block I/O, other\n"
	"  scaling   runs made with different mpirun -np: throughput against the ranks\n"
	"  record    run a program under strace; its file I/O as a trace to replay\n"
	"  trace     show what a recorded trace holds (trace show FILE)\n"
	"  clean     remove the datasets iobench made (and nothing else)\n"
	"  help      this text; 'iobench COMMAND --help' for one command\n"
	"  version   print the version\n";

/* mpi: runs on every rank under mpirun; the others run on rank 0 alone */
static const struct {
	const char *name;
	int (*fn)(int, char **);
	bool mpi;
} commands[] = {
	{ "run", cmd_run, true },
	{ "list", cmd_list, false },
	{ "info", cmd_info, false },
	{ "plot", cmd_plot, false },
	{ "report", cmd_report, false },
	{ "compare", cmd_compare, false },
	{ "sweep", cmd_sweep, true },
	{ "clean", cmd_clean, false },
	{ "profile", cmd_profile, true },
	{ "scaling", cmd_scaling, false },
	{ "record", cmd_record, false },
	{ "trace", cmd_trace, false },
};

static int dispatch(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	for (size_t i = 0; cmd && i < ARRAY_SIZE(commands); i++)
		if (!strcmp(cmd, commands[i].name))
			return commands[i].mpi || dist.rank == 0 ? commands[i].fn(argc - 1, argv + 1)
								: 0;
	if (dist.rank != 0)
		return 0;	/* help, version and mistakes: said once */
	if (!cmd) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		fputs(usage, stdout);
		return 0;
	}
	if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
		printf("iobench %s, %s\ngnuplot scripts: %s\n", IOBENCH_VERSION, dist_build(),
		       plot_scripts_dir());
		return 0;
	}
	errmsg("unknown command '%s' (valid: run, list, info, plot, report, compare, sweep, profile, scaling, record, trace, clean, help, version)", cmd);
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	char msg[512];
	int rc;

	jsonh_init();	/* before any JSON value exists: they are freed through it */
	if (registry_check(msg, sizeof(msg)) < 0)
		die(1, "internal error: %s", msg);
	msg[0] = '\0';
	if (dist_init(&argc, &argv, msg, sizeof(msg)) < 0) {
		if (msg[0])
			errmsg("%s", msg);
		return 1;
	}
	rc = dispatch(argc, argv);
	dist_finalize();
	return rc;
}
