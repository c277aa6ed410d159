/* pin.c - see pin.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <hwloc.h>

#include "pin.h"

static hwloc_topology_t topo;
static hwloc_cpuset_t *core_sets;
static unsigned ncores;

int pin_init(void)
{
	int n;

	if (topo)
		return 0;
	if (hwloc_topology_init(&topo) < 0)
		return -errno;
	if (hwloc_topology_load(topo) < 0)
		goto fail;
	n = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
	if (n <= 0)
		goto fail;
	core_sets = calloc((size_t)n, sizeof(*core_sets));
	if (!core_sets)
		goto fail;
	for (int i = 0; i < n; i++) {
		hwloc_obj_t core = hwloc_get_obj_by_type(topo, HWLOC_OBJ_CORE, (unsigned)i);

		/* one PU of the core: SMT siblings would share it otherwise */
		core_sets[i] = hwloc_bitmap_dup(core->cpuset);
		hwloc_bitmap_singlify(core_sets[i]);
	}
	ncores = (unsigned)n;
	return 0;
fail:
	hwloc_topology_destroy(topo);
	topo = NULL;
	return -ENODEV;
}

int pin_self(struct pin_map *m, const char *who, unsigned k)
{
	hwloc_const_cpuset_t set;

	if (!ncores)
		return 0;
	/*
	 * One busy thread per core.  Beyond the cores, a thread is left to the
	 * scheduler (explicitly: it would inherit its creator's single core)
	 * rather than doubled up on a core while another may sit idle.
	 */
	set = k < ncores ? core_sets[k] : hwloc_topology_get_allowed_cpuset(topo);
	if (hwloc_set_cpubind(topo, set, HWLOC_CPUBIND_THREAD) < 0)
		return -errno;
	pin_note(m, who, k, k < ncores ? (int)hwloc_bitmap_first(set) : -1);
	return 0;
}
