/* cmd_run.h - what run, sweep and profile share. */
#ifndef IOBENCH_CMD_RUN_H
#define IOBENCH_CMD_RUN_H

#include <stdio.h>

#include "config.h"

/* Everything after parsing, for run, sweep and profile alike.  The exit status. */
int run_main(struct config *cfg);

/* iobench sweep --conns or --latency-us: a run per strategy and value, then the table and plot. */
int sweep_net(struct config *cfg);

/*
 * What parsing said (@rc from cli_parse_*): after --help, @usage is shown
 * and 0 returned; a bad line is said (@err) and EXIT_USAGE returned;
 * otherwise -1: go on.
 */
int run_parsed(int rc, const char *err, void (*usage)(FILE *));

#endif
