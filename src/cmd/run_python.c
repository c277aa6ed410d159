/* run_python.c - what `iobench run --model python` and `--model c,python` add to a run. */
#include <stdio.h>
#include <string.h>

#include "cmd_run.h"
#include "dist.h"
#include "pycost.h"
#include "util.h"
#include "workload.h"

/*
 * --model python: each workload's unit of compute, timed in its C code
 * and with the interpreter (pycost_units); a unit Python cannot run
 * (numpy missing) is said and left out.
 */
static void python_units(struct config *cfg, const struct wl_ctx *ctxs, const char *py)
{
	struct py_unit u[PYCOST_MAX_UNITS];
	unsigned idx[PYCOST_MAX_UNITS], n = 0;
	char why[512];

	for (unsigned w = 0; w < cfg->n_wl && n < PYCOST_MAX_UNITS; w++) {
		if (!cfg->wl[w]->py_unit)
			continue;
		memset(&u[n], 0, sizeof(u[n]));
		cfg->wl[w]->py_unit(&ctxs[w], &u[n]);
		if (u[n].what[0])
			idx[n++] = w;
	}
	if (!n)
		return;
	if (pycost_units(py, u, n, why, sizeof(why)) < 0) {
		errmsg("Python's cost per unit of compute is not added: %s", why);
		return;
	}
	for (unsigned k = 0; k < n; k++) {
		if (!u[k].measured)
			errmsg("%s: Python's cost of %s is not added: %s", cfg->wl[idx[k]]->name,
			       u[k].what, u[k].why);
		else if (!cfg->quiet)
			printf("  %s: %s: %.3f us in Python, %.3f us in C\n", cfg->wl[idx[k]]->name,
			       u[k].what, u[k].py_s * 1e6, u[k].c_s * 1e6);
		cfg->py_units[idx[k]] = u[k];
	}
}

/*
 * --model python: what the constructs cost with the user's interpreter
 * (pycost.h), measured on rank 0 and given to all.  No python3 on PATH
 * is said and the model goes on without; an interpreter named with
 * --python that cannot be measured is an error.
 */
int run_python_costs(struct config *cfg, const struct wl_ctx *ctxs)
{
	struct py_costs *pc = &cfg->py_costs;
	const char *py = cfg->python ? cfg->python : "python3";
	int rc = 0;

	if (cfg->model != MODEL_PYTHON)
		return 0;
	if (!strcmp(py, "none")) {
		snprintf(pc->why, sizeof(pc->why), "--python none: not measured");
		return 0;
	}
	if (dist.rank == 0) {
		if (!cfg->quiet)
			printf("measuring what Python's constructs cost with %s (a few seconds)\n", py);
		rc = pycost_measure(py, (unsigned)cfg->workers, pc);
		if (rc == 0)
			python_units(cfg, ctxs, py);
		if (rc < 0 && cfg->python)
			errmsg("--python: %s", pc->why);
		else if (rc < 0)
			errmsg("the Python constructs' own costs are not added: %s", pc->why);
		if (rc < 0 && !cfg->python)
			rc = 0;
	}
	dist_bcast(pc, sizeof(*pc));
	dist_bcast(cfg->py_units, sizeof(cfg->py_units));
	dist_bcast(&rc, sizeof(rc));
	return rc;
}

/*
 * --model c,python: the jobs as C code, then as a Python program, each a
 * run of its own (its own tuning, trials and files); the Python run names
 * the C one (config.paired_run), and its report sets the two verdicts side
 * by side (report_pair.c).  A C run that fails stops there.
 */
int run_models(const struct config *cfg)
{
	struct config c = *cfg, py = *cfg;
	char id[64] = "";
	int rc, prc;

	if (!cfg->model_both)
		return run_main(&c);
	c.model_both = py.model_both = false;
	c.model = MODEL_C;
	c.python = NULL;
	c.run_id_out = id;
	rc = run_main(&c);
	if (rc != 0 && rc != EXIT_NO_PLOTS)
		return rc;
	if (!cfg->quiet)
		printf("\nthe same jobs as a Python program (--model python):\n");
	py.model = MODEL_PYTHON;
	py.paired_run = id;
	prc = run_main(&py);
	return prc ? prc : rc;
}
