/* list.c - `iobench list`: what is built in, and what works here. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "registry.h"
#include "util.h"

static const char list_usage[] =
	"Usage: iobench list\n"
	"Lists the strategies (and whether each works on this machine) and the\n"
	"workloads, one line each.\n";

int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(list_usage, stdout);
			return 0;
		}
		errmsg("unknown option '%s' (see iobench list --help)", argv[optind - 1]);
		return EXIT_USAGE;
	}
	if (optind < argc) {
		errmsg("unexpected argument '%s' (see iobench list --help)", argv[optind]);
		return EXIT_USAGE;
	}
	puts("strategies:");
	for (size_t i = 0; i < n_strategies; i++) {
		const struct strategy *s = strategies[i];
		char why[256] = "";
		int rc = s->probe ? s->probe(why, sizeof(why)) : 0;

		printf("  %-10s %-12s %s\n", s->name,
		       rc == 0 ? "available" : "unavailable",
		       rc == 0 ? s->desc : why);
	}
	puts("workloads:");
	for (size_t i = 0; i < n_workloads; i++)
		printf("  %-10s %s\n", workloads[i]->name, workloads[i]->desc);
	return 0;
}
