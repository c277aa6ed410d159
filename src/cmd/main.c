/* main.c - iobench: which I/O concurrency strategy is fastest on this storage? */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "registry.h"
#include "results.h"
#include "util.h"

static const char usage[] =
	"Usage: iobench COMMAND [OPTIONS]\n"
	"Runs the same disk-heavy workloads (md5, csv, array) under serial,\n"
	"threaded, forked, epoll+threadpool and io_uring execution, measures\n"
	"each, and checks every result.\n"
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
	"  clean     remove the datasets iobench made (and nothing else)\n"
	"  help      this text; 'iobench COMMAND --help' for one command\n"
	"  version   print the version\n";

static const struct {
	const char *name;
	int (*fn)(int, char **);
} commands[] = {
	{ "run", cmd_run },
	{ "list", cmd_list },
	{ "info", cmd_info },
	{ "plot", cmd_plot },
	{ "report", cmd_report },
	{ "compare", cmd_compare },
	{ "sweep", cmd_sweep },
	{ "clean", cmd_clean },
	{ "profile", cmd_profile },
};

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;
	char msg[256];

	if (registry_check(msg, sizeof(msg)) < 0)
		die(1, "internal error: %s", msg);
	if (!cmd) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		fputs(usage, stdout);
		return 0;
	}
	if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
		printf("iobench %s\n", IOBENCH_VERSION);
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(cmd, commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	errmsg("unknown command '%s' (valid: run, list, info, plot, report, compare, sweep, profile, clean, help, version)", cmd);
	return EXIT_USAGE;
}
