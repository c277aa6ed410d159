/* info.c - `iobench info`: the machine, the storage under --dir, the cache
 * residency of its datasets, and whether io_uring works here. */
#include <dirent.h>
#include <errno.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "cli.h"
#include "commands.h"
#include "dataset.h"
#include "registry.h"
#include "sysinfo.h"
#include "util.h"

static const char info_usage[] =
	"Usage: iobench info [--dir DIR]\n"
	"Prints the CPU topology, kernel, the filesystem and device of DIR\n"
	"(default ./iobench-data, else .), how much of each dataset in DIR is in\n"
	"the page cache, and which strategies work here.\n";

/* Datasets are the subdirectories with a MANIFEST: residency of their files. */
static void print_datasets(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool any = false;

	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		char *sub = xasprintf("%s/%s", dir, e->d_name), *mf = xasprintf("%s/MANIFEST", sub);
		char *text, *line, *save = NULL, **files = NULL;
		size_t n = 0;

		if (e->d_name[0] != '.' && read_small_file(mf, &text, NULL) == 0) {
			for (line = strtok_r(text, "\n", &save); line;
			     line = strtok_r(NULL, "\n", &save)) {
				char name[256];

				if (sscanf(line, "file %255s", name) == 1) {
					files = realloc(files, (n + 1) * sizeof(*files));
					if (!files)
						die(1, "out of memory");
					files[n++] = xasprintf("%s/%s", sub, name);
				}
			}
			if (!any)
				puts("datasets (page-cache residency):");
			any = true;
			printf("  %-32s %5.1f%% of %zu file%s\n", e->d_name,
			       cache_resident_pct(files, n), n, n == 1 ? "" : "s");
			for (size_t i = 0; i < n; i++)
				free(files[i]);
			free(files);
			free(text);
		}
		free(mf);
		free(sub);
	}
	closedir(d);
	if (!any)
		printf("datasets: none in %s\n", dir);
}

int cmd_info(int argc, char **argv)
{
	const char *dir = NULL;
	char fb[32], tb[32];
	struct sysinfo si;
	int rc = cli_parse_dir(argc, argv, info_usage, &dir);

	if (rc >= 0)
		return rc;
	if (!dir)
		dir = access("iobench-data", F_OK) == 0 ? "iobench-data" : ".";
	if (access(dir, F_OK) < 0) {
		errmsg("directory %s: %s", dir, strerror(errno));
		return 1;
	}
	sysinfo_collect(dir, &si);
	printf("host:      %s, %s\n", si.hostname, si.kernel);
	printf("cpu:       %s\n", si.cpu_model);
	printf("topology:  %u package(s), %u core(s), %u PU(s), %u NUMA node(s); "
	       "L1d %llu KiB, L2 %llu KiB, L3 %llu KiB (from %s)\n", si.packages, si.cores,
	       si.pus, si.numa_nodes, (unsigned long long)si.cache_kib[0],
	       (unsigned long long)si.cache_kib[1], (unsigned long long)si.cache_kib[2],
	       si.topology_from);
	printf("storage:   %s: %s on %s (mounted at %s)\n", dir, si.fs_type, si.device,
	       si.mount_point);
	if (si.logical_block)
		printf("device:    %s, scheduler %s, logical block %u B, %s free of %s\n",
		       si.rotational < 0 ? "rotational: unknown" : si.rotational ? "rotational"
										  : "non-rotational",
		       si.scheduler, si.logical_block, fmt_bytes(si.free_bytes, fb, sizeof(fb)),
		       fmt_bytes(si.total_bytes, tb, sizeof(tb)));
	else	/* tmpfs, FUSE, NFS: no block device of ours to describe */
		printf("device:    n/a (%s: no local block device), %s free of %s\n",
		       si.memory_fs ? "in memory" : si.fs_type, fmt_bytes(si.free_bytes, fb, sizeof(fb)),
		       fmt_bytes(si.total_bytes, tb, sizeof(tb)));
	print_datasets(dir);
	puts("strategies:");
	for (size_t i = 0; i < n_strategies; i++) {
		char why[256] = "";
		int prc = strategies[i]->probe ? strategies[i]->probe(why, sizeof(why)) : 0;

		printf("  %-9s %s%s%s\n", strategies[i]->name, prc ? "unavailable" : "available",
		       prc ? ": " : "", why);
	}
	return 0;
}
