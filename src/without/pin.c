/*
 * without/pin.c - pin.h for a build without hwloc.
 *
 * Linked instead of src/measure/pin.c when pkg-config found no hwloc (or
 * WITH_HWLOC=0).  Without the topology a "core" is a CPU the process may
 * run on (sched_getaffinity): SMT siblings are not told apart, which the
 * run's host record says (sysinfo: cores = PUs).
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>

#include "pin.h"

static cpu_set_t allowed;
static int cpus[CPU_SETSIZE];
static unsigned ncores;

int pin_init(void)
{
	if (ncores)
		return 0;
	if (sched_getaffinity(0, sizeof(allowed), &allowed) < 0)
		return -errno;
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &allowed))
			cpus[ncores++] = c;
	return ncores ? 0 : -ENODEV;
}

int pin_self(struct pin_map *m, const char *who, unsigned k)
{
	cpu_set_t one;

	if (!ncores)
		return 0;
	/* as with hwloc: one busy thread per CPU, the rest left to the scheduler */
	if (k >= ncores) {
		if (sched_setaffinity(0, sizeof(allowed), &allowed) < 0)
			return -errno;
		pin_note(m, who, k, -1);
		return 0;
	}
	CPU_ZERO(&one);
	CPU_SET(cpus[k], &one);
	if (sched_setaffinity(0, sizeof(one), &one) < 0)
		return -errno;
	pin_note(m, who, k, cpus[k]);
	return 0;
}
