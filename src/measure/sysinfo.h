/* sysinfo.h - facts about the machine and the storage, for the results. */
#ifndef IOBENCH_SYSINFO_H
#define IOBENCH_SYSINFO_H

#include <stdbool.h>
#include <stdint.h>

struct sysinfo {
	char hostname[128];
	char kernel[256];
	char cpu_model[128];
	unsigned packages;	/* sockets (hwloc) */
	unsigned cores;		/* physical cores (hwloc) */
	unsigned pus;		/* hardware threads (hwloc) */
	unsigned numa_nodes;
	const char *topology_from;	/* "hwloc", or "sysconf: why; ..." */
	uint64_t cache_kib[4];	/* L1d, L2, L3, L4 size of the first of each; 0: none */
	char fs_type[32];	/* of the data directory */
	char device[128];	/* mount source: /dev/vda, tmpfs, ... */
	char mount_point[256];
	bool memory_fs;		/* tmpfs, ramfs: the files live in memory, never cold */
	/* the block device under the data directory, from sysfs */
	int rotational;		/* 1, 0, or -1 when unknown */
	char scheduler[32];
	unsigned logical_block;	/* bytes; 0 when unknown */
	int journal;		/* ext4: 1 with a journal, 0 without; -1 unknown */
	uint64_t free_bytes;	/* available to us on the filesystem */
	uint64_t total_bytes;
};

/* Fills @si; fields it could not learn say "unknown".  Can't fail. */
void sysinfo_collect(const char *dir, struct sysinfo *si);

/* Physical cores from hwloc, else online CPUs (at least 1): the default --workers. */
unsigned sysinfo_cores(void);

/*
 * CPU time the hypervisor took from all of this machine's CPUs since boot
 * (the "steal" column of /proc/stat, in USER_HZ ticks, so 10 ms steps).
 * 0 or -errno.
 */
int sysinfo_steal_ns(uint64_t *ns);

#endif
