/* registry.c - the one list of strategies and workloads. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "registry.h"
#include "util.h"

#define MAX_NAMES 16

extern const struct strategy strategy_serial, strategy_recorded, strategy_threaded, strategy_forked,
	strategy_epoll, strategy_io_uring, strategy_null;
extern const struct workload workload_md5, workload_csv, workload_array,
	workload_net, workload_replay, workload_null;

const struct strategy *const strategies[] = {
	&strategy_serial,
	&strategy_recorded,
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
	&workload_net,
	&workload_replay,
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

struct wl_knobs *st_knobs(struct config *cfg, const struct strategy *st)
{
	static struct wl_knobs none;	/* a strategy outside the registry (tests): no options */

	for (size_t i = 0; i < n_strategies && i < MAX_STRATEGIES; i++)
		if (strategies[i] == st)
			return &cfg->st_knobs[i];
	memset(&none, 0, sizeof(none));
	return &none;
}

bool strategy_in_all(const struct strategy *s)
{
	return !s->no_io && !s->as_recorded;
}

bool workload_in_all(const struct workload *w)
{
	return !w->opt_in;
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

/* A name goes into file names, CSV fields and gnuplot titles unquoted. */
static bool plain_name(const char *s)
{
	if (!s || !*s || strlen(s) > 15)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

static int options_check(const char *kind, const char *name, const struct wl_option *opts,
			 size_t n, char *msg, size_t len);

int registry_check_strategy(const struct strategy *s, char *msg, size_t len)
{
	if (!plain_name(s->name) || !s->desc || !s->run) {
		snprintf(msg, len, "strategy %s: needs a plain name, desc and run",
			 s->name ? s->name : "?");
		return -EINVAL;
	}
	if (options_check("strategy", s->name, s->options, s->noptions, msg, len) < 0)
		return -EINVAL;
	if (s->baseline && (s->no_io || s->uses_workers || s->uses_qd)) {
		snprintf(msg, len, "strategy %s: a baseline does I/O with no knobs", s->name);
		return -EINVAL;
	}
	return 0;
}

static int strategy_check(const struct strategy *s, size_t i, char *msg, size_t len)
{
	int rc = registry_check_strategy(s, msg, len);

	for (size_t k = 0; k < i && rc == 0; k++)
		if (!strcmp(strategies[k]->name, s->name)) {
			snprintf(msg, len, "strategy %s: registered twice", s->name);
			rc = -EINVAL;
		}
	return rc;
}

/* A knob: named, documented, bounded, its presets within the bounds. */
static bool option_ok(const struct wl_option *o)
{
	bool ok = o->name && o->arg && o->help && strlen(o->name) < 24;

	for (const char *c = o->name; ok && *c; c++)
		ok = (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-';
	if (ok && o->kind == WLO_CHOICE)
		ok = o->choices && o->choices[0];
	if (ok && o->kind == WLO_FLAG)
		ok = !o->arg[0];
	if (ok && (o->kind == WLO_NUM || o->kind == WLO_SIZE))
		for (int p = 0; p < SIZE_NPRESETS && ok; p++)
			ok = o->min <= o->preset[p] && o->preset[p] <= o->max;
	return ok;
}

/* A plugin's option table: at most WL_MAX_KNOBS, each option_ok.  0 or -EINVAL with @msg. */
static int options_check(const char *kind, const char *name, const struct wl_option *opts,
			 size_t n, char *msg, size_t len)
{
	if (n > WL_MAX_KNOBS || (n && !opts)) {
		snprintf(msg, len, "%s %s: at most %d options", kind, name, WL_MAX_KNOBS);
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++)
		if (!option_ok(&opts[i])) {
			snprintf(msg, len, "%s %s: option %zu (%s) needs a name, arg, help, "
				 "choices or bounds holding its presets", kind, name, i,
				 opts[i].name ? opts[i].name : "?");
			return -EINVAL;
		}
	return 0;
}

/* Is @w's option @i a number of kind @kind? */
static bool knob_is(const struct workload *w, size_t i, enum wl_opt_kind kind)
{
	return i < w->noptions && w->options[i].kind == kind;
}

/* The knobs the harness sets by role (block_knob, connections) are numbers @w declares. */
static int roles_check(const struct workload *w, char *msg, size_t len)
{
	const struct wl_conns *c = w->connections;

	if (w->uses_block && !knob_is(w, w->block_knob, WLO_SIZE)) {
		snprintf(msg, len, "workload %s: uses_block, but its block_knob is no SIZE option",
			 w->name);
		return -EINVAL;
	}
	if (c && !(knob_is(w, c->conns, WLO_NUM) && knob_is(w, c->requests, WLO_NUM) &&
		   knob_is(w, c->latency_us, WLO_NUM) && knob_is(w, c->timeout_ms, WLO_NUM))) {
		snprintf(msg, len, "workload %s: its connections' knobs are not all N options",
			 w->name);
		return -EINVAL;
	}
	return 0;
}

int registry_check_workload(const struct workload *w, char *msg, size_t len)
{
	if (!plain_name(w->name) || !w->desc || !w->prepare || !w->make_jobs || !w->finish ||
	    !w->check || (unsigned)w->main_op >= OP_NTYPES) {
		snprintf(msg, len, "workload %s: needs a plain name, desc, prepare, "
			 "make_jobs, finish, check and a main op", w->name ? w->name : "?");
		return -EINVAL;
	}
	if (options_check("workload", w->name, w->options, w->noptions, msg, len) < 0)
		return -EINVAL;
	return roles_check(w, msg, len);
}

static int workload_check(const struct workload *w, size_t i, char *msg, size_t len)
{
	int rc = registry_check_workload(w, msg, len);

	for (size_t k = 0; k < i && rc == 0; k++)
		if (!strcmp(workloads[k]->name, w->name)) {
			snprintf(msg, len, "workload %s: registered twice", w->name);
			rc = -EINVAL;
		}
	return rc;
}

int registry_check(char *msg, size_t len)
{
	size_t baselines = 0;
	int rc = 0;

	for (size_t i = 0; i < n_strategies && rc == 0; i++) {
		rc = strategy_check(strategies[i], i, msg, len);
		baselines += strategies[i]->baseline;
	}
	for (size_t i = 0; i < n_workloads && rc == 0; i++)
		rc = workload_check(workloads[i], i, msg, len);
	if (rc == 0 && n_strategies > MAX_STRATEGIES) {
		snprintf(msg, len, "more than %d strategies", MAX_STRATEGIES);
		rc = -EINVAL;
	}
	if (rc == 0 && n_workloads > MAX_WORKLOADS) {
		snprintf(msg, len, "more than %d workloads", MAX_WORKLOADS);
		rc = -EINVAL;
	}
	if (rc == 0 && baselines != 1) {
		snprintf(msg, len, "%zu strategies are the baseline; exactly one must be",
			 baselines);
		rc = -EINVAL;
	}
	return rc;
}
