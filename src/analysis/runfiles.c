/* runfiles.c - see runfiles.h.  The JSON is built with jansson. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dist.h"
#include "jsonh.h"
#include "registry.h"
#include "runfiles.h"
#include "runfiles_int.h"
#include "safefs.h"
#include "trial_cols.h"
#include "util.h"

/* Each strategy's tuning per workload: the settings tried, their median walls, the one kept. */
static json_t *tuning_json(const struct run_meta *m)
{
	const struct config *cfg = m->cfg;
	json_t *a = json_array();

	for (unsigned w = 0; w < cfg->n_wl; w++)
		for (unsigned s = 0; s < cfg->n_st; s++) {
			const struct tune_path *p = &m->tuning[w][s];
			json_t *o, *tried;

			if (!p->knob)
				continue;
			o = json_object();
			tried = json_array();
			jset(o, "workload", jstr(cfg->wl[w]->name));
			jset(o, "strategy", jstr(cfg->st[s]->name));
			jset(o, "knob", jstr(p->knob));
			for (unsigned i = 0; i < p->n; i++) {
				json_t *t = json_object();

				jset(t, "setting", json_integer(p->k[i]));
				jset(t, "wall_s", jnum(p->wall[i], 6));
				json_array_append_new(tried, t);
			}
			jset(o, "tried", tried);
			jset(o, "chosen", p->chosen ? json_integer(p->chosen) : json_null());
			json_array_append_new(a, o);
		}
	return a;
}

/* Under mpirun: the job's shape and the clocks its aggregate wall rests on. */
static json_t *mpi_json(const struct run_meta *m)
{
	json_t *o = json_object(), *nodes = json_array(), *off = json_array();

	jset(o, "ranks", json_integer(m->ranks));
	jset(o, "share", jstr(m->share));
	for (unsigned r = 0; r < m->ranks; r++) {
		json_array_append_new(nodes, jstr(m->nodes ? m->nodes[r] : ""));
		json_array_append_new(off, json_integer(dist.clock_offset_ns[r]));
	}
	jset(o, "nodes", nodes);
	jset(o, "clock_offset_ns", off);
	jset(o, "clock_rtt_ns", json_integer(dist.clock_rtt_ns));
	return o;
}

static json_t *host_json(const struct sysinfo *s)
{
	json_t *o = json_object(), *c = json_object();
	static const char *const levels[] = { "l1d", "l2", "l3", "l4" };

	jset(o, "hostname", jstr(s->hostname));
	jset(o, "kernel", jstr(s->kernel));
	jset(o, "cpu_model", jstr(s->cpu_model));
	jset(o, "packages", json_integer(s->packages));
	jset(o, "cores", json_integer(s->cores));
	jset(o, "pus", json_integer(s->pus));
	jset(o, "numa_nodes", json_integer(s->numa_nodes));
	jset(o, "topology_from", jstr(s->topology_from ? s->topology_from : "n/a"));
	for (size_t k = 0; k < ARRAY_SIZE(levels); k++)
		jset(c, levels[k], json_integer((json_int_t)s->cache_kib[k]));
	jset(o, "cache_kib", c);
	return o;
}

static json_t *storage_json(const struct sysinfo *s, const char *dir)
{
	json_t *o = json_object();

	jset(o, "dir", jstr(dir));
	jset(o, "fs_type", jstr(s->fs_type));
	jset(o, "device", jstr(s->device));
	jset(o, "mount_point", jstr(s->mount_point));
	jset(o, "scheduler", jstr(s->scheduler));
	jset(o, "journal", s->journal < 0 ? json_null() : json_boolean(s->journal));
	jset(o, "rotational", json_integer(s->rotational));
	jset(o, "logical_block_size", s->logical_block ? json_integer(s->logical_block) : json_null());
	jset(o, "memory_fs", json_boolean(s->memory_fs));
	jset(o, "free_bytes", json_integer((json_int_t)s->free_bytes));
	jset(o, "total_bytes", json_integer((json_int_t)s->total_bytes));
	return o;
}

/*
 * Each selected strategy's own options, by the names the command line
 * takes: {"io_uring": {"sqpoll": false, "iowq-workers": 0, ...}, ...}.
 */
/* Each workload's unit of compute, timed in Python and in its C code (struct py_unit). */
static json_t *python_units(const struct config *cfg)
{
	json_t *a = json_array();

	for (unsigned w = 0; w < cfg->n_wl; w++) {
		const struct py_unit *u = &cfg->py_units[w];
		json_t *o;

		if (!u->what[0])
			continue;
		o = json_object();
		jset(o, "workload", jstr(cfg->wl[w]->name));
		jset(o, "what", jstr(u->what));
		jset(o, "python_s", u->measured ? jnum(u->py_s, 10) : json_null());
		jset(o, "c_s", jnum(u->c_s, 10));
		jset(o, "why", u->measured ? json_null() : jstr(u->why));
		json_array_append_new(a, o);
	}
	return a;
}

/* --model python: what the constructs cost with the user's interpreter (pycost.h); else null */
static json_t *python_costs(const struct config *cfg)
{
	const struct py_costs *pc = &cfg->py_costs;
	json_t *o;

	if (cfg->model != MODEL_PYTHON)
		return json_null();
	o = json_object();
	jset(o, "measured", json_boolean(pc->measured));
	jset(o, "interpreter", pc->python[0] ? jstr(pc->python) : json_null());
	jset(o, "version", pc->measured ? jstr(pc->version) : json_null());
	jset(o, "why", pc->measured ? json_null() : jstr(pc->why));
	for (int k = 0; k < PY_NCOSTS; k++)
		jset(o, py_cost_names[k], pc->measured ? jnum(pc->s[k], 9) : json_null());
	jset(o, "units", python_units(cfg));
	return o;
}

static json_t *strategy_options(const struct config *cfg)
{
	json_t *all = json_object();

	for (unsigned s = 0; s < cfg->n_st; s++) {
		const struct strategy *st = cfg->st[s];
		const struct wl_knobs *k = st_knobs((struct config *)cfg, st);
		json_t *o;

		if (!st->noptions)
			continue;
		o = json_object();
		for (size_t i = 0; i < st->noptions; i++)
			jset(o, st->options[i].name, st->options[i].kind == WLO_FLAG ?
			     json_boolean(k->v[i]) : json_integer((json_int_t)k->v[i]));
		jset(all, st->name, o);
	}
	return all;
}

static json_t *config_json(const struct config *cfg)
{
	json_t *o = json_object();

	jset(o, "size", jstr(size_names[cfg->size]));
	jset(o, "cache", jstr(cache_names[cfg->cache]));
	jset(o, "repeat", json_integer((json_int_t)cfg->repeat));
	jset(o, "warmup", json_integer((json_int_t)cfg->warmup));
	jset(o, "shuffle", json_boolean(cfg->shuffle));
	jset(o, "pin", json_boolean(cfg->pin));
	jset(o, "drop_caches", json_boolean(cfg->drop_caches));
	jset(o, "latency", json_boolean(!cfg->no_latency));
	jset(o, "seed", json_integer((json_int_t)cfg->seed));
	jset(o, "workers", json_integer((json_int_t)cfg->workers));
	jset(o, "queue_depth", json_integer((json_int_t)cfg->qd));
	jset(o, "model", jstr(cfg->model == MODEL_PYTHON ? "python" : "c"));
	jset(o, "python_costs", python_costs(cfg));
	jset(o, "paired_run", cfg->paired_run ? jstr(cfg->paired_run) : json_null());
	jset(o, "strategy_options", strategy_options(cfg));
	jset(o, "tune", json_boolean(!cfg->no_tune));
	jset(o, "until_decided", json_boolean(cfg->until_decided));
	jset(o, "budget_s", json_integer((json_int_t)cfg->budget_s));
	jset(o, "margin", jnum(cfg->margin, 4));
	jset(o, "max_interference", jnum(cfg->max_interference, 3));
	jset(o, "wait_quiet_s", json_integer((json_int_t)cfg->wait_quiet_s));
	return o;
}

/* "iobench ARGS...": how the run was asked for. */
static json_t *command_line(const struct config *cfg)
{
	size_t n = strlen("iobench") + 1;
	char *s;
	json_t *v;

	for (int i = 0; i < cfg->argc; i++)
		n += strlen(cfg->argv[i]) + 1;
	s = xcalloc(n, 1);
	strcpy(s, "iobench");
	for (int i = 0; i < cfg->argc; i++)
		strcat(strcat(s, " "), cfg->argv[i]);
	v = jstr(s);
	free(s);
	return v;
}

/* Each workload's spec, its jobs and the facts it stated, and how its rounds ended. */
static json_t *datasets_json(const struct run_meta *m)
{
	const struct config *cfg = m->cfg;
	json_t *ds = json_array();

	for (unsigned i = 0; i < cfg->n_wl; i++) {
		json_t *d = json_object();

		jset(d, "workload", jstr(cfg->wl[i]->name));
		jset(d, "spec", jstr(m->specs[i]));
		if (m->wl_ctxs) {
			const struct wl_ctx *c = &m->wl_ctxs[i];
			json_t *facts = json_object();

			jset(d, "jobs", json_integer((json_int_t)c->njobs));
			for (unsigned k = 0; k < c->nfacts; k++) {
				const struct wl_fact *x = &c->facts[k];
				char big[24];

				/* JSON's integers stop at 2^63 (a --seed may not) */
				snprintf(big, sizeof(big), "%" PRIu64, x->num);
				jset(facts, x->key, x->str[0] ? jstr(x->str) :
				     x->num > INT64_MAX ? jstr(big) : json_integer((json_int_t)x->num));
			}
			jset(d, "facts", facts);
		}
		jset(d, "rounds", json_integer(m->rounds[i]));
		jset(d, "until_decided", jstr(m->stopped[i]));
		json_array_append_new(ds, d);
	}
	return ds;
}

static json_t *run_json(const struct results *r, const struct run_meta *m,
			const struct run_summary *sum)
{
	const struct config *cfg = m->cfg;
	json_t *root = json_object(), *st = json_array(), *tr = json_array();

	jset(root, "iobench_version", jstr(IOBENCH_VERSION));
	jset(root, "schema_version", json_integer(RESULTS_SCHEMA_VERSION));
	jset(root, "run_id", jstr(m->run_id));
	jset(root, "date", jstr(m->date));
	jset(root, "partial", json_boolean(m->partial));
	jset(root, "delay_accounting", jstr(m->delay_acct[0] ? m->delay_acct : "n/a"));
	jset(root, "command_line", command_line(cfg));
	jset(root, "host", host_json(&m->sys));
	jset(root, "storage", storage_json(&m->sys, cfg->dir));
	jset(root, "config", config_json(cfg));
	if (m->cache_asked) {
		jset(json_object_get(root, "config"), "cache_asked", jstr(m->cache_asked));
		jset(json_object_get(root, "config"), "cache_note", jstr(m->cache_note));
	}
	if (m->ranks > 1)
		jset(root, "mpi", mpi_json(m));
	jset(root, "datasets", datasets_json(m));
	jset(root, "tuning", tuning_json(m));
	for (unsigned i = 0; i < cfg->n_st; i++) {
		json_t *s = json_object();

		jset(s, "name", jstr(cfg->st[i]->name));
		jset(s, "available", json_boolean(!m->unavailable[i]));
		jset(s, "reason", jstr(m->unavailable[i]));
		json_array_append_new(st, s);
	}
	jset(root, "strategies", st);
	if (sum)
		summary_to_json(sum, root);
	for (size_t i = 0; i < r->n; i++)
		json_array_append_new(tr, trial_json(&r->recs[i], r->hists ? r->hists[i] : NULL,
						     sum && sum->outlier &&
						     i < sum->nrecs && sum->outlier[i]));
	jset(root, "trials", tr);
	return root;
}

int results_write_json(FILE *f, const struct results *r, const struct run_meta *m,
		       const struct run_summary *sum)
{
	json_t *root = run_json(r, m, sum);
	int rc = jdump(root, f);

	json_decref(root);
	return rc;
}

struct save_args {
	const struct results *r;
	const struct run_meta *m;
	const struct run_summary *s;
};

static int emit_csv(FILE *f, const void *arg)
{
	const struct save_args *a = arg;

	return results_write_csv(f, a->r, a->s ? a->s->outlier : NULL, a->m->run_id);
}

static int emit_json(FILE *f, const void *arg)
{
	const struct save_args *a = arg;

	return results_write_json(f, a->r, a->m, a->s);
}

static int emit_summary(FILE *f, const void *arg)
{
	const struct save_args *a = arg;

	return summary_write_csv(f, a->s, a->m->run_id);
}

int results_save(const struct results *r, const struct run_meta *m,
		 const struct run_summary *s, int dirfd, const char *dir, char *msg,
		 size_t len)
{
	static const struct {
		const char *suffix;
		int (*emit)(FILE *, const void *);
	} outs[] = {
		{ ".csv", emit_csv }, { ".json", emit_json }, { "-summary.csv", emit_summary },
	};
	struct save_args a = { r, m, s };
	const char *names[ARRAY_SIZE(outs)];
	char *bufs[ARRAY_SIZE(outs)] = { NULL };
	size_t lens[ARRAY_SIZE(outs)], n = 0;
	int rc = 0;

	for (size_t i = 0; i < ARRAY_SIZE(outs) && rc == 0; i++) {
		if (outs[i].emit == emit_summary && !s)
			continue;	/* a sweep has its own table instead */
		names[n] = xasprintf("%s%s", m->run_id, outs[i].suffix);
		rc = render_mem(outs[i].emit, &a, &bufs[n], &lens[n]);
		n++;
		if (rc < 0)
			snprintf(msg, len, "cannot render %s: %s", names[n - 1], strerror(-rc));
	}
	if (rc == 0) {
		size_t bad;

		/* all or none: never a .csv without its .json */
		rc = sfs_save_all(dirfd, names, (const void *const *)bufs, lens, n, false, &bad);
		if (rc < 0)
			snprintf(msg, len, "cannot write %s/%s: %s", dir, names[bad], strerror(-rc));
	}
	for (size_t i = 0; i < n; i++) {
		free((char *)names[i]);
		free(bufs[i]);
	}
	return rc;
}

