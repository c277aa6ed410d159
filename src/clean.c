/* clean.c - `iobench clean`: remove the datasets iobench made, and nothing else.
 *
 * A directory is ours only if it carries the marker that `run` writes
 * (DATA_MARKER); inside it, only what iobench itself names is removed:
 * dataset directories holding a MANIFEST, csv-out-<pid> output
 * directories, *.tmp-<pid> leftovers of an interrupted generation, and the
 * marker last (and the directory, when that leaves it empty).
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "dataset.h"
#include "util.h"

static const char clean_usage[] =
	"Usage: iobench clean [--dir DIR]\n"
	"Removes the datasets and leftovers iobench made in DIR (default\n"
	"./iobench-data).  Refuses a directory without iobench's marker file\n"
	"(" DATA_MARKER "), and never removes a file it did not create.\n";

/* Names iobench gives what it creates in a data directory. */
static bool ours(const char *dir, const char *name)
{
	char *mf;
	bool yes;

	if (!strncmp(name, "csv-out-", 8) || strstr(name, ".tmp-"))
		return true;
	mf = xasprintf("%s/%s/MANIFEST", dir, name);
	yes = access(mf, F_OK) == 0;
	free(mf);
	return yes;
}

int cmd_clean(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = "iobench-data";
	char *marker;
	size_t removed = 0;
	struct dirent *e;
	DIR *d;
	int c, rc = 0;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'h': fputs(clean_usage, stdout); return 0;
		default:
			return cli_bad_option(c, argv, "clean");
		}
	}
	if (optind < argc) {
		errmsg("unexpected argument '%s' (see iobench clean --help)", argv[optind]);
		return EXIT_USAGE;
	}
	marker = xasprintf("%s/%s", dir, DATA_MARKER);
	if (access(marker, F_OK) < 0) {
		errmsg("refusing to clean %s: no %s marker there (%s), so iobench did not make it",
		       dir, DATA_MARKER, strerror(errno));
		free(marker);
		return 1;
	}
	d = opendir(dir);
	if (!d) {
		errmsg("cannot read %s: %s", dir, strerror(errno));
		free(marker);
		return 1;
	}
	while ((e = readdir(d)) != NULL) {
		char *path;

		if (e->d_name[0] == '.' || !ours(dir, e->d_name))
			continue;
		path = xasprintf("%s/%s", dir, e->d_name);
		if (remove_tree(path) < 0) {
			errmsg("cannot remove %s: %s", path, strerror(errno));
			rc = 1;
		} else {
			printf("removed %s\n", path);
			removed++;
		}
		free(path);
	}
	closedir(d);
	if (rc == 0) {
		unlink(marker);
		/* only if nothing else is left: a user's files keep the directory */
		if (rmdir(dir) == 0)
			printf("removed %s\n", dir);
		else
			printf("kept %s: it holds files iobench did not make\n", dir);
	}
	free(marker);
	return rc;
}
