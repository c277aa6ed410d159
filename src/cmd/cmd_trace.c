/* cmd_trace.c - `iobench trace show FILE`: what a recorded trace holds. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "iotrace.h"
#include "util.h"

static const char usage[] =
	"Usage: iobench trace show FILE\n"
	"Summarises a trace made by 'iobench record': its files (read and written),\n"
	"bytes, ops by type and size, the compute between ops and its share of the\n"
	"recorded span, and what was recorded but is not replayed (calls outside the\n"
	"root, stat, unlink, mkdir, file mappings).  The format: README, 'Your own job'.\n";

int cmd_trace(int argc, char **argv)
{
	struct iotrace t;
	char msg[1024];

	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc != 3 || strcmp(argv[1], "show")) {
		errmsg("trace: %s (iobench trace show FILE)",
		       argc < 2 ? "no subcommand" : strcmp(argv[1], "show") ?
		       "unknown subcommand" : "one FILE expected");
		return EXIT_USAGE;
	}
	if (iotrace_load(argv[2], &t, msg, sizeof(msg)) < 0) {
		errmsg("%s", msg);
		return 1;
	}
	fputs("trace:    ", stdout);
	fputs_untrusted(argv[2], stdout);
	putchar('\n');
	iotrace_print_summary(stdout, &t);
	iotrace_free(&t);
	return 0;
}
