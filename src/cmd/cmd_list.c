/* list.c - `iobench list`: what is built in, and what works here. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "registry.h"
#include "util.h"

static const char list_usage[] =
	"Usage: iobench list\n"
	"Lists the strategies (and whether each works on this machine) and the\n"
	"workloads, one line each.\n";

int cmd_list(int argc, char **argv)
{
	int rc = cli_parse_dir(argc, argv, list_usage, NULL);

	if (rc >= 0)
		return rc;
	puts("strategies:");
	for (size_t i = 0; i < n_strategies; i++) {
		const struct strategy *s = strategies[i];
		char why[256] = "";
		int prc = s->probe ? s->probe(why, sizeof(why)) : 0;

		printf("  %-10s %-12s %s\n", s->name,
		       prc == 0 ? "available" : "unavailable",
		       prc == 0 ? s->desc : why);
	}
	puts("workloads:");
	for (size_t i = 0; i < n_workloads; i++)
		printf("  %-10s %s\n", workloads[i]->name, workloads[i]->desc);
	return 0;
}
