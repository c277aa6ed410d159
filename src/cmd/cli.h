/* cli.h - parsing `iobench run` arguments. */
#ifndef IOBENCH_CLI_H
#define IOBENCH_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "config.h"

enum { CLI_OK = 0, CLI_HELP = 1 };

/*
 * Parses the arguments of `iobench run` (argv[0] is "run") into @cfg:
 * defaults, then the --size preset, then the per-workload overrides, in
 * that order whatever the order on the command line.  Returns CLI_OK,
 * CLI_HELP for --help, or -EINVAL with one line in @err naming the bad
 * value and the valid choices.  Touches nothing outside @cfg.
 */
int cli_parse_run(int argc, char **argv, struct config *cfg, char *err,
		  size_t errlen);

/*
 * Parses `iobench sweep`: --workers, --qd and --block take comma-separated
 * lists (into cfg->sw_*); every other argument is a run option.  Returns
 * like cli_parse_run(); at least one list must be given.
 */
int cli_parse_sweep(int argc, char **argv, struct config *cfg, char *err,
		    size_t errlen);

/*
 * One line for getopt_long's complaint about the option before optind:
 * a missing value (@c == ':') or an unknown option.  Returns EXIT_USAGE.
 */
int cli_bad_option(int c, char **argv, const char *cmd);

/*
 * The options of the commands that read stored runs (plot, report,
 * scaling; compare has its own, cmd_compare.c): --plots DIR into *@plots,
 * --force into *@force (NULL: not taken), --help; then exactly @nfiles
 * result files (-1: two or more), from argv[optind].
 * Returns -1 to go on, else the exit status (0 after --help).
 */
int cli_parse_stored(int argc, char **argv, const char *usage, int nfiles, const char **plots,
		     bool *force);

/*
 * The options of list, info and clean: --dir DIR into *@dir (NULL: not
 * taken), --help, and no other argument.  Returns -1 to go on, else the
 * exit status (0 after --help).
 */
int cli_parse_dir(int argc, char **argv, const char *usage, const char **dir);

/* The --help text of `iobench run`, its workload knobs from their tables. */
void cli_run_usage(FILE *f);

/*
 * Parses a comma-separated list of names (or "all") into @out.  Exposed
 * for the tests.  Returns the count, or -EINVAL with @err set.
 */
int cli_parse_strategies(const char *list, const struct strategy **out,
			 char *err, size_t errlen);
int cli_parse_workloads(const char *list, const struct workload **out,
			char *err, size_t errlen);

#endif
