/*
 * cli_stored.c - the options of the subcommands that read stored runs
 * (report, plot, scaling) or take at most a data directory (clean, info,
 * list).
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "util.h"

int cli_parse_stored(int argc, char **argv, const char *usage, int nfiles, const char **plots,
		     bool *force)
{
	static const struct option opts[] = {
		{ "plots", required_argument, NULL, 'p' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'p': *plots = optarg; break;
		case 'h': fputs(usage, stdout); return 0;
		case 'f':
			/* only compare takes --force */
			if (!force)
				return cli_bad_option('?', argv, argv[0]);
			*force = true;
			break;
		default:
			return cli_bad_option(c, argv, argv[0]);
		}
	}
	if (nfiles > 0 ? argc - optind != nfiles : argc - optind < 2) {
		errmsg("%s takes %s result file%s (see iobench %s --help)", argv[0],
		       nfiles == 1 ? "one" : nfiles == 2 ? "two" : "two or more",
		       nfiles == 1 ? "" : "s", argv[0]);
		return EXIT_USAGE;
	}
	return -1;
}

int cli_parse_dir(int argc, char **argv, const char *usage, const char **dir)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "dir", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct option no_dir[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", dir ? opts : no_dir, NULL)) != -1) {
		if (c == 'h') {
			fputs(usage, stdout);
			return 0;
		}
		if (c != 'd')
			return cli_bad_option(c, argv, argv[0]);
		*dir = optarg;
	}
	if (optind < argc) {
		errmsg("unexpected argument '%s' (see iobench %s --help)", argv[optind], argv[0]);
		return EXIT_USAGE;
	}
	return -1;
}
