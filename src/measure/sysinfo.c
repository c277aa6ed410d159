/* sysinfo.c - machine, CPU topology (hwloc) and storage of a directory. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>

#ifdef IOBENCH_HWLOC
#include <hwloc.h>
#endif

#include "sysinfo.h"
#include "util.h"

#ifdef IOBENCH_HWLOC
static unsigned count(hwloc_topology_t topo, hwloc_obj_type_t type)
{
	int n = hwloc_get_nbobjs_by_type(topo, type);

	return n > 0 ? (unsigned)n : 0;
}

/* The topology as hwloc sees it: 0, or -1 when it cannot. */
static int hwloc_fill(struct sysinfo *si)
{
	static const hwloc_obj_type_t caches[4] = {
		HWLOC_OBJ_L1CACHE, HWLOC_OBJ_L2CACHE, HWLOC_OBJ_L3CACHE, HWLOC_OBJ_L4CACHE,
	};
	hwloc_topology_t topo;

	if (hwloc_topology_init(&topo) < 0)
		return -1;
	if (hwloc_topology_load(topo) < 0) {
		hwloc_topology_destroy(topo);
		return -1;
	}
	si->packages = count(topo, HWLOC_OBJ_PACKAGE);
	si->cores = count(topo, HWLOC_OBJ_CORE);
	si->pus = count(topo, HWLOC_OBJ_PU);
	si->numa_nodes = count(topo, HWLOC_OBJ_NUMANODE);
	for (int i = 0; i < 4; i++) {
		hwloc_obj_t c = hwloc_get_obj_by_type(topo, caches[i], 0);

		si->cache_kib[i] = c && c->attr ? c->attr->cache.size / 1024 : 0;
	}
	hwloc_topology_destroy(topo);
	return 0;
}
#endif

/*
 * Fills the topology fields of @si (which may be a scratch struct): from
 * hwloc when the build has it; else, and when hwloc can't see the
 * topology (some sandboxes), from the kernel, each online CPU a core.
 */
static void topology(struct sysinfo *si)
{
	unsigned *cores = &si->cores, *pus = &si->pus;

#ifdef IOBENCH_HWLOC
	si->topology_from = hwloc_fill(si) == 0 && si->pus > 0 ? "hwloc" :
			    "sysconf: hwloc could not read the topology; each online CPU a core";
#else
	si->topology_from = "sysconf: built without hwloc; each online CPU a core";
#endif
	if (*pus == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		*pus = n > 0 ? (unsigned)n : 1;
	}
	if (*cores == 0)
		*cores = *pus;
}

unsigned sysinfo_cores(void)
{
	struct sysinfo si = { 0 };

	topology(&si);
	return si.cores;
}

int sysinfo_steal_ns(uint64_t *ns)
{
	unsigned long long v[8];
	char *text = NULL;
	int rc = read_small_file("/proc/stat", &text, NULL);
	long hz = sysconf(_SC_CLK_TCK);

	if (rc < 0)
		return rc;
	/* "cpu  user nice system idle iowait irq softirq steal ..." */
	rc = sscanf(text, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1],
		    &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) == 8 && hz > 0 ? 0 : -EPROTO;
	if (rc == 0)
		*ns = (uint64_t)v[7] * (1000000000ULL / (uint64_t)hz);
	free(text);
	return rc;
}

static void cpu_model(char *out, size_t len)
{
	char line[256];
	FILE *f = fopen("/proc/cpuinfo", "re");

	snprintf(out, len, "unknown");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "model name", 10) == 0 && colon) {
			colon += 2;
			colon[strcspn(colon, "\n")] = '\0';
			snprintf(out, len, "%s", colon);
			break;
		}
	}
	fclose(f);
}

/* mountinfo escapes space, tab, newline and backslash as \ooo: undone in place. */
static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

/* Is @mnt @path itself or a directory above it? */
static bool holds(const char *mnt, const char *path)
{
	size_t n = strlen(mnt);

	return !strcmp(mnt, "/") || (!strncmp(path, mnt, n) && (path[n] == '/' || !path[n]));
}

/*
 * Finds the mount holding @dir in /proc/self/mountinfo ("36 35 98:0 /mnt1
 * /mnt2 rw,noatime master:1 - ext3 /dev/root rw") the way findmnt -T
 * does: the deepest mount point above its real path, the last one mounted
 * there winning.  Device numbers would not do: a btrfs subvolume's files
 * carry a device number of their own, not the mount's.
 */
static void mount_of(const char *dir, struct sysinfo *si)
{
	char line[4096], *real = realpath(dir, NULL);
	size_t best = 0;
	FILE *f;

	snprintf(si->fs_type, sizeof(si->fs_type), "unknown");
	snprintf(si->device, sizeof(si->device), "unknown");
	snprintf(si->mount_point, sizeof(si->mount_point), "unknown");
	f = real ? fopen("/proc/self/mountinfo", "re") : NULL;
	while (f && fgets(line, sizeof(line), f)) {
		char mnt[1024], fstype[32], source[256];
		char *sep = strstr(line, " - ");

		if (!sep || sscanf(line, "%*u %*u %*u:%*u %*s %1023s", mnt) != 1 ||
		    sscanf(sep + 3, "%31s %255s", fstype, source) != 2)
			continue;
		unescape(mnt);
		unescape(source);
		if (!holds(mnt, real) || strlen(mnt) < best)
			continue;
		best = strlen(mnt);
		snprintf(si->fs_type, sizeof(si->fs_type), "%s", fstype);
		snprintf(si->device, sizeof(si->device), "%.127s", source);
		snprintf(si->mount_point, sizeof(si->mount_point), "%s", mnt);
	}
	if (f)
		fclose(f);
	free(real);
	si->memory_fs = !strcmp(si->fs_type, "tmpfs") || !strcmp(si->fs_type, "ramfs") ||
			!strcmp(si->fs_type, "hugetlbfs");
}

/* A sysfs attribute of the block device @maj:@min, or of its disk for a partition. */
static int block_attr(unsigned maj, unsigned min, const char *attr, char *out,
		      size_t len)
{
	for (int i = 0; i < 2; i++) {
		char path[160], *text;

		snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/%squeue/%s", maj, min,
			 i ? "../" : "", attr);
		if (read_small_file(path, &text, NULL) == 0) {
			snprintf(out, len, "%.*s", (int)strcspn(text, "\n"), text);
			free(text);
			return 0;
		}
	}
	return -ENOENT;
}

static void device_of(const char *dir, struct sysinfo *si)
{
	struct statvfs vfs;
	struct stat st;
	char buf[128];

	si->rotational = -1;
	snprintf(si->scheduler, sizeof(si->scheduler), "unknown");
	if (statvfs(dir, &vfs) == 0) {
		si->free_bytes = (uint64_t)vfs.f_bavail * vfs.f_frsize;
		si->total_bytes = (uint64_t)vfs.f_blocks * vfs.f_frsize;
	}
	if (stat(dir, &st) < 0)
		return;
	if (block_attr(major(st.st_dev), minor(st.st_dev), "rotational", buf, sizeof(buf)) == 0)
		si->rotational = atoi(buf);
	if (block_attr(major(st.st_dev), minor(st.st_dev), "logical_block_size", buf,
		       sizeof(buf)) == 0)
		si->logical_block = (unsigned)atoi(buf);
	/* "none [mq-deadline] kyber": the bracketed one is in use */
	if (block_attr(major(st.st_dev), minor(st.st_dev), "scheduler", buf, sizeof(buf)) == 0) {
		char *a = strchr(buf, '['), *b = a ? strchr(a, ']') : NULL;

		if (a && b)
			snprintf(si->scheduler, sizeof(si->scheduler), "%.*s", (int)(b - a - 1), a + 1);
		else
			snprintf(si->scheduler, sizeof(si->scheduler), "%.31s", buf);
	}
}

/*
 * ext4 without a journal checks every inode freed in the last 60-360 s
 * before reusing its number, so creating files after deleting many costs
 * far more (the csv workload's trials).  /proc/fs/ext4/<dev> exists for
 * each mounted ext4, /proc/fs/jbd2/<dev>-8 only when it has a journal.
 */
static void ext4_journal(struct sysinfo *si)
{
	const char *dev = strncmp(si->device, "/dev/", 5) == 0 ? si->device + 5 : NULL;
	char *ext4, *jbd2;

	si->journal = -1;
	if (strcmp(si->fs_type, "ext4") != 0 || !dev || strchr(dev, '/'))
		return;
	ext4 = xasprintf("/proc/fs/ext4/%s", dev);
	jbd2 = xasprintf("/proc/fs/jbd2/%s-8", dev);
	if (access(ext4, F_OK) == 0)
		si->journal = access(jbd2, F_OK) == 0;
	free(ext4);
	free(jbd2);
}

void sysinfo_collect(const char *dir, struct sysinfo *si)
{
	struct utsname u;

	memset(si, 0, sizeof(*si));
	if (uname(&u) == 0) {
		snprintf(si->hostname, sizeof(si->hostname), "%s", u.nodename);
		snprintf(si->kernel, sizeof(si->kernel), "%s %s %s", u.sysname,
			 u.release, u.machine);
	} else {
		snprintf(si->hostname, sizeof(si->hostname), "unknown");
		snprintf(si->kernel, sizeof(si->kernel), "unknown");
	}
	cpu_model(si->cpu_model, sizeof(si->cpu_model));
	topology(si);
	mount_of(dir, si);
	device_of(dir, si);
	ext4_journal(si);
}
