/* cmd_profile.c - `iobench profile`: where each strategy's time goes. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd_run.h"
#include "commands.h"

static const char profile_usage[] =
	"Usage: iobench profile --workload W [--strategy LIST] [run options]\n"
	"One trial per strategy (--repeat 1 --warmup 0 unless given) with where its\n"
	"time went, summed over every thread and process (io_uring's kernel workers\n"
	"too): user and sys CPU, waiting for a CPU, waiting for block I/O (delay\n"
	"accounting: needs root, which switches kernel.task_delayacct on for the run\n"
	"and back after; else n/a), and the rest; threads and processes; ops in\n"
	"flight; ops per io_uring_enter; hardware counters where the machine has\n"
	"them; with --warmup 1, the share of io_uring's requests its io-wq kernel\n"
	"workers ran (counted in warmup trials only: counting slows io-wq).\n"
	"Writes results, and plots/<run-id>/breakdown-W.png.\n"
	"Every `iobench run` option applies; see iobench run --help.\n";

static void usage(FILE *f)
{
	fputs(profile_usage, f);
}

int cmd_profile(int argc, char **argv)
{
	bool repeat = false, warmup = false;
	struct config cfg;
	char err[512];
	int rc = run_parsed(cli_parse_run(argc, argv, &cfg, err, sizeof(err)), err, usage);

	if (rc >= 0)
		return rc;
	for (int i = 1; i < argc; i++) {
		repeat |= !strncmp(argv[i], "--repeat", 8);
		warmup |= !strncmp(argv[i], "--warmup", 8);
	}
	/* a profile is one look at each strategy, unless asked for more */
	if (!repeat)
		cfg.repeat = 1;
	if (!warmup)
		cfg.warmup = 0;
	cfg.profile = true;
	return run_main(&cfg);
}
