/* sysinfo.h - facts about the machine and the storage, for the results. */
#ifndef IOBENCH_SYSINFO_H
#define IOBENCH_SYSINFO_H

struct sysinfo {
	char hostname[128];
	char kernel[256];
	char cpu_model[128];
	unsigned cores;		/* physical cores (hwloc) */
	unsigned pus;		/* hardware threads (hwloc) */
	char fs_type[32];	/* of the data directory */
	char device[128];	/* mount source: /dev/vda, tmpfs, ... */
	char mount_point[256];
};

/* Fills @si; fields it could not learn say "unknown".  Can't fail. */
void sysinfo_collect(const char *dir, struct sysinfo *si);

/* Physical cores from hwloc (at least 1): the default --workers. */
unsigned sysinfo_cores(void);

#endif
