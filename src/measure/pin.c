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

struct pin_map *pin_current;

/* Notes who went where, for the trial's record. */
static void pin_note(const char *who, unsigned k, int core)
{
	struct pin_map *m = pin_current;
	int i;

	if (!m)
		return;
	i = __atomic_fetch_add(&m->n, 1, __ATOMIC_RELAXED);
	if (i < 0 || i >= PIN_MAP_MAX)
		return;
	snprintf(m->e[i].who, sizeof(m->e[i].who), "%s%u", who, k);
	m->e[i].core = core;
}

int pin_self(const char *who, unsigned k)
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
	pin_note(who, k, k < ncores ? (int)hwloc_bitmap_first(set) : -1);
	return 0;
}

void pin_describe(const struct pin_map *m, char *out, size_t len)
{
	size_t off = 0;
	int n = m->n < PIN_MAP_MAX ? m->n : PIN_MAP_MAX;

	out[0] = '\0';
	for (int i = 0; i < n && off < len; i++) {
		if (m->e[i].core >= 0)
			off += (size_t)snprintf(out + off, len - off, "%s%s=cpu%d", i ? " " : "",
						m->e[i].who, m->e[i].core);
		else
			off += (size_t)snprintf(out + off, len - off, "%s%s=any", i ? " " : "",
						m->e[i].who);
	}
}
