/* sysinfo.c - machine, CPU topology (hwloc) and storage of a directory. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <hwloc.h>

#include "sysinfo.h"
#include "util.h"

static void topology_counts(unsigned *cores, unsigned *pus)
{
	hwloc_topology_t topo;
	int nc, np;

	*cores = *pus = 0;
	if (hwloc_topology_init(&topo) < 0)
		goto fallback;
	if (hwloc_topology_load(topo) < 0) {
		hwloc_topology_destroy(topo);
		goto fallback;
	}
	nc = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
	np = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU);
	hwloc_topology_destroy(topo);
	*cores = nc > 0 ? (unsigned)nc : 0;
	*pus = np > 0 ? (unsigned)np : 0;
fallback:
	/* hwloc can't see the topology in some sandboxes: ask the kernel */
	if (*pus == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		*pus = n > 0 ? (unsigned)n : 1;
	}
	if (*cores == 0)
		*cores = *pus;
}

unsigned sysinfo_cores(void)
{
	unsigned cores, pus;

	topology_counts(&cores, &pus);
	return cores;
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

/*
 * Finds the mount holding @dir in /proc/self/mountinfo by device number:
 * "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw".
 */
static void mount_of(const char *dir, struct sysinfo *si)
{
	char line[1024];
	struct stat st;
	FILE *f;

	snprintf(si->fs_type, sizeof(si->fs_type), "unknown");
	snprintf(si->device, sizeof(si->device), "unknown");
	snprintf(si->mount_point, sizeof(si->mount_point), "unknown");
	if (stat(dir, &st) < 0)
		return;
	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned maj, min;
		char mnt[256], fstype[32], source[128];
		char *sep = strstr(line, " - ");

		if (!sep || sscanf(line, "%*u %*u %u:%u %*s %255s", &maj, &min, mnt) != 3)
			continue;
		if (makedev(maj, min) != st.st_dev)
			continue;
		if (sscanf(sep + 3, "%31s %127s", fstype, source) != 2)
			continue;
		/* the last match wins: later mounts hide earlier ones */
		snprintf(si->fs_type, sizeof(si->fs_type), "%s", fstype);
		snprintf(si->device, sizeof(si->device), "%s", source);
		snprintf(si->mount_point, sizeof(si->mount_point), "%s", mnt);
	}
	fclose(f);
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
	topology_counts(&si->cores, &si->pus);
	mount_of(dir, si);
}
