/* cmd_sweep.c - `iobench sweep`: a grid of --workers, --qd and --block values. */
#include <stdio.h>

#include "cli.h"
#include "cmd_run.h"
#include "commands.h"

static const char sweep_usage[] =
	"Usage: iobench sweep [--workers LIST] [--qd LIST] [--block LIST] [run options]\n"
	"       iobench sweep --workload net --conns LIST | --latency-us LIST [run options]\n"
	"Runs a grid of settings into one result file: each strategy is crossed with\n"
	"the values of the knobs it uses (--workers: threaded, forked, epoll; --qd:\n"
	"io_uring; --block: the md5 workload), e.g.\n"
	"  iobench sweep --workers 1,2,4,8 --qd 1,4,16,64 --block 64K,1M\n"
	"Writes results/<run-id>.csv, .json and -sweep.csv (medians per setting and\n"
	"the knee: the smallest setting within 5% of the best throughput), and plots\n"
	"throughput against the swept knob in plots/<run-id>/ (log2 x axis).\n"
	"--conns 10,100,1000 (with --workload net) runs each strategy once per\n"
	"connection count instead, its concurrency following it (a thread or\n"
	"process per connection for threaded and forked, rings deep enough for\n"
	"io_uring, epoll's pool as usual), with the preset's requests per\n"
	"connection, and writes results/<id>-conns.csv and a plot of net peak\n"
	"memory against connections, with the memory per connection.\n"
	"--latency-us 0,1000,10000 (with --workload net) runs each strategy once per\n"
	"server latency at the run's connections: requests/s against latency next to\n"
	"what Little's law allows (connections / latency), results/<id>-latency.csv\n"
	"and a plot: where concurrency, not the server, stops helping.\n"
	"Every `iobench run` option applies; see iobench run --help.\n";

static void usage(FILE *f)
{
	fputs(sweep_usage, f);
}

int cmd_sweep(int argc, char **argv)
{
	struct config cfg;
	char err[512];
	int rc = run_parsed(cli_parse_sweep(argc, argv, &cfg, err, sizeof(err)), err, usage);

	if (rc >= 0)
		return rc;
	return cfg.n_sw_conns || cfg.n_sw_latency ? sweep_net(&cfg) : run_main(&cfg);
}

