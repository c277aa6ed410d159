/* registry.h - the strategies and workloads built into this binary. */
#ifndef IOBENCH_REGISTRY_H
#define IOBENCH_REGISTRY_H

#include <stddef.h>

#include "strategy.h"
#include "workload.h"

extern const struct strategy *const strategies[];
extern const size_t n_strategies;
extern const struct workload *const workloads[];
extern const size_t n_workloads;

/* NULL when no such name. */
const struct strategy *strategy_find(const char *name);
const struct workload *workload_find(const char *name);

/*
 * Part of "all"?  The null strategy and workload measure the harness, so
 * they run only when named.
 */
bool strategy_in_all(const struct strategy *s);
/* The values of @st's own options in @cfg (all 0 for one outside the registry). */
struct wl_knobs *st_knobs(struct config *cfg, const struct strategy *st);
bool workload_in_all(const struct workload *w);

/*
 * Validates every ops table, as fio validates an ioengine on load: plain
 * unique names, the functions the harness calls, exactly one baseline
 * strategy.  0, or -EINVAL with @msg naming the faulty entry.  main()
 * runs it before any command, and test_registry on its own.
 */
int registry_check(char *msg, size_t len);
/* The same checks for one table on its own (no duplicate names). */
int registry_check_strategy(const struct strategy *s, char *msg, size_t len);
int registry_check_workload(const struct workload *w, char *msg, size_t len);

/* "serial, threaded, ..." for error messages. */
const char *strategy_names(void);
const char *workload_names(void);

#endif
