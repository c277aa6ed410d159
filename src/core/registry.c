/* registry.c - the one list of strategies and workloads. */
#include <stdio.h>
#include <string.h>

#include "registry.h"
#include "util.h"

#define MAX_NAMES 16

extern const struct strategy strategy_serial, strategy_threaded, strategy_forked,
	strategy_epoll, strategy_io_uring, strategy_null;
extern const struct workload workload_md5, workload_csv, workload_array,
	workload_null;

const struct strategy *const strategies[] = {
	&strategy_serial,
	&strategy_threaded,
	&strategy_forked,
	&strategy_epoll,
	&strategy_io_uring,
	&strategy_null,
};
const size_t n_strategies = ARRAY_SIZE(strategies);

const struct workload *const workloads[] = {
	&workload_md5,
	&workload_csv,
	&workload_array,
	&workload_null,
};
const size_t n_workloads = ARRAY_SIZE(workloads);

const struct strategy *strategy_find(const char *name)
{
	for (size_t i = 0; i < n_strategies; i++)
		if (strcmp(strategies[i]->name, name) == 0)
			return strategies[i];
	return NULL;
}

const struct workload *workload_find(const char *name)
{
	for (size_t i = 0; i < n_workloads; i++)
		if (strcmp(workloads[i]->name, name) == 0)
			return workloads[i];
	return NULL;
}

bool strategy_in_all(const struct strategy *s)
{
	return !s->no_io;
}

bool workload_in_all(const struct workload *w)
{
	return w != &workload_null;
}

static const char *join_names(char *buf, size_t len, const char *const *names,
			      size_t n)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
					i ? ", " : "", names[i]);
	return buf;
}

const char *strategy_names(void)
{
	static char buf[256];
	const char *names[MAX_NAMES];
	size_t n = 0;

	for (; n < n_strategies && n < MAX_NAMES - 1; n++)
		names[n] = strategies[n]->name;
	names[n++] = "all";
	return join_names(buf, sizeof(buf), names, n);
}

const char *workload_names(void)
{
	static char buf[256];
	const char *names[MAX_NAMES];
	size_t n = 0;

	for (; n < n_workloads && n < MAX_NAMES - 1; n++)
		names[n] = workloads[n]->name;
	names[n++] = "all";
	return join_names(buf, sizeof(buf), names, n);
}
