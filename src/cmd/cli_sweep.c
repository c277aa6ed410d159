/* cli_sweep.c - `iobench sweep`'s lists of settings, then run's options. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_int.h"
#include "registry.h"
#include "workload.h"
#include "util.h"

/* The bounds of the swept knobs: the same as run's single values. */
static const struct num_spec n_workers_l = { "workers", 1, 1024, false };
static const struct num_spec n_qd_l = { "qd", 1, 4096, false };
static const struct num_spec n_block_l = { "block", 512, 1 * GIB, true };
static const struct num_spec n_conns_l = { "conns", 1, 1000000, false };
static const struct num_spec n_latency_l = { "latency-us", 0, 60000000, false };

/* "1,2,4,8" into @out; one line in @err on a bad value. */
static int parse_num_list(const struct num_spec *ns, const char *arg, uint64_t *out,
			  unsigned *n, char *err, size_t errlen)
{
	char *copy = strdup(arg), *tok, *save = NULL;
	int rc = 0;

	if (!copy)
		die(1, "out of memory");
	*n = 0;
	for (tok = strtok_r(copy, ",", &save); tok && rc == 0; tok = strtok_r(NULL, ",", &save)) {
		if (*n == MAX_SELECTED) {
			snprintf(err, errlen, "--%s: at most %d values", ns->name, MAX_SELECTED);
			rc = -EINVAL;
		} else {
			rc = parse_num(ns, tok, &out[(*n)++], err, errlen);
		}
	}
	if (rc == 0 && *n == 0) {
		snprintf(err, errlen, "--%s '%s' lists no values", ns->name, arg);
		rc = -EINVAL;
	}
	free(copy);
	return rc;
}

/*
 * Takes sweep's lists (--workers, --qd, --block with comma-separated
 * values) out of @argv into @cfg; the other arguments go to @rest (*@nrest)
 * for run's parser.  0 or -EINVAL with @err.
 */
static int sweep_lists(int argc, char **argv, struct config *cfg, char **rest, int *nrest,
		       char *err, size_t errlen)
{
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *v = NULL;
		const struct num_spec *ns = NULL;
		uint64_t *out = NULL;
		unsigned *cnt = NULL;

		if (!strncmp(a, "--workers", 9)) { ns = &n_workers_l; out = cfg->sw_workers; cnt = &cfg->n_sw_workers; }
		else if (!strncmp(a, "--qd", 4)) { ns = &n_qd_l; out = cfg->sw_qd; cnt = &cfg->n_sw_qd; }
		else if (!strncmp(a, "--block", 7)) { ns = &n_block_l; out = cfg->sw_block; cnt = &cfg->n_sw_block; }
		else if (!strncmp(a, "--conns", 7)) { ns = &n_conns_l; out = cfg->sw_conns; cnt = &cfg->n_sw_conns; }
		else if (!strncmp(a, "--latency-us", 12)) { ns = &n_latency_l; out = cfg->sw_latency; cnt = &cfg->n_sw_latency; }
		if (ns) {
			size_t k = strlen(ns->name) + 2;

			if (a[k] == '=')
				v = a + k + 1;
			else if (a[k] == '\0' && i + 1 < argc)
				v = argv[++i];
			else if (a[k] != '\0')
				ns = NULL;	/* --workersX: let run's parser name it */
		}
		if (!ns) {
			rest[(*nrest)++] = argv[i];
			continue;
		}
		if (!v) {
			snprintf(err, errlen, "option '--%s' needs a value (see iobench sweep --help)",
				 ns->name);
			return -EINVAL;
		}
		if (parse_num_list(ns, v, out, cnt, err, errlen) < 0)
			return -EINVAL;
	}
	return 0;
}

/* "--workload net" (or "--workload a|b"): the workloads whose jobs are connections. */
static void conn_workloads(char *out, size_t len)
{
	size_t off = (size_t)snprintf(out, len, "--workload ");

	for (size_t i = 0, n = 0; i < n_workloads && off < len; i++)
		if (workloads[i]->connections)
			off += (size_t)snprintf(out + off, len - off, "%s%s", n++ ? "|" : "",
						workloads[i]->name);
}

/* --conns and --latency-us: each swept on its own, for a workload with connections. */
static int net_lists(const struct config *cfg, char *err, size_t errlen)
{
	char names[128];
	const char *which = cfg->n_sw_conns ? "--conns" : "--latency-us";

	if (!cfg->n_sw_conns && !cfg->n_sw_latency)
		return CLI_OK;
	if (cfg->n_sw_conns && cfg->n_sw_latency)
		snprintf(err, errlen, "sweep one of --conns and --latency-us at a time");
	else if (cfg->n_sw_workers || cfg->n_sw_qd || cfg->n_sw_block)
		snprintf(err, errlen, "%s is swept on its own, with each strategy's concurrency "
			 "following the connections: drop --workers, --qd and --block", which);
	else if (cfg->json_stdout)
		snprintf(err, errlen, "--json - is one run's JSON; sweep %s makes a run per "
			 "strategy and value (their files, and one table)", which);
	else if (cfg->n_wl != 1 || !cfg->wl[0]->connections) {
		conn_workloads(names, sizeof(names));
		snprintf(err, errlen, "%s lists go with one workload that has connections: %s",
			 which, names);
	} else
		return CLI_OK;
	return -EINVAL;
}

int cli_parse_sweep(int argc, char **argv, struct config *cfg, char *err,
		    size_t errlen)
{
	char **rest = calloc((size_t)argc + 1, sizeof(*rest));
	struct config lists = { 0 };
	int n = 0, rc;

	if (!rest)
		die(1, "out of memory");
	rc = sweep_lists(argc, argv, &lists, rest, &n, err, errlen);
	if (rc == 0)
		rc = cli_parse_run(n, rest, cfg, err, errlen);
	if (rc == CLI_OK) {
		cfg->argc = argc;
		cfg->argv = argv;
		cfg->sweep = true;
		cfg->n_sw_workers = lists.n_sw_workers;
		cfg->n_sw_qd = lists.n_sw_qd;
		cfg->n_sw_block = lists.n_sw_block;
		memcpy(cfg->sw_workers, lists.sw_workers, sizeof(cfg->sw_workers));
		memcpy(cfg->sw_qd, lists.sw_qd, sizeof(cfg->sw_qd));
		memcpy(cfg->sw_block, lists.sw_block, sizeof(cfg->sw_block));
		cfg->n_sw_conns = lists.n_sw_conns;
		cfg->n_sw_latency = lists.n_sw_latency;
		memcpy(cfg->sw_conns, lists.sw_conns, sizeof(cfg->sw_conns));
		memcpy(cfg->sw_latency, lists.sw_latency, sizeof(cfg->sw_latency));
		rc = net_lists(cfg, err, errlen);
	}
	if (rc == CLI_OK && !cfg->n_sw_workers && !cfg->n_sw_qd && !cfg->n_sw_block &&
	    !cfg->n_sw_conns && !cfg->n_sw_latency) {
		snprintf(err, errlen, "sweep needs at least one of --workers, --qd, --block, --conns, "
			 "--latency-us with a list of values (see iobench sweep --help)");
		rc = -EINVAL;
	}
	free(rest);
	return rc;
}
