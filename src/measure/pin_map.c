/* pin_map.c - who was bound where (pin.h), whichever binding is built in. */
#include <sched.h>
#include <stdio.h>

#include "pin.h"

void pin_note(struct pin_map *m, const char *who, unsigned k, int core)
{
	int i;

	if (!m)
		return;
	i = __atomic_fetch_add(&m->n, 1, __ATOMIC_RELAXED);
	if (i < 0 || i >= PIN_MAP_MAX)
		return;
	snprintf(m->e[i].who, sizeof(m->e[i].who), "%s%u", who, k);
	m->e[i].core = core;
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

void pin_last_cpu(void)
{
	cpu_set_t set, one;
	int last = -1;

	if (sched_getaffinity(0, sizeof(set), &set) < 0 || CPU_COUNT(&set) < 2)
		return;
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &set))
			last = c;
	CPU_ZERO(&one);
	CPU_SET(last, &one);
	sched_setaffinity(0, sizeof(one), &one);
}
