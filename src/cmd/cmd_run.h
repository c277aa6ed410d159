/* cmd_run.h - what run, sweep and profile share. */
#ifndef IOBENCH_CMD_RUN_H
#define IOBENCH_CMD_RUN_H

#include <stdio.h>

#include "config.h"

/* Everything after parsing, for run, sweep and profile alike.  The exit status. */
int run_main(struct config *cfg);

/* iobench run: run_main, or with --model c,python a C run then a Python run (run_python.c). */
int run_models(const struct config *cfg);

/*
 * --model python, after the datasets are prepared: what the Python
 * constructs and each workload's unit of compute cost with the user's
 * interpreter, into cfg->py_costs and cfg->py_units.  0, or -1 when an
 * interpreter named with --python cannot be measured (said).
 */
struct wl_ctx;
int run_python_costs(struct config *cfg, const struct wl_ctx *ctxs);

/* iobench sweep --conns or --latency-us: a run per strategy and value, then the table and plot. */
int sweep_net(struct config *cfg);

/*
 * What parsing said (@rc from cli_parse_*): after --help, @usage is shown
 * and 0 returned; a bad line is said (@err) and EXIT_USAGE returned;
 * otherwise -1: go on.
 */
int run_parsed(int rc, const char *err, void (*usage)(FILE *));

#endif
