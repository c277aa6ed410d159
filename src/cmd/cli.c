/* cli.c - `iobench run` options: getopt_long, presets, overrides, errors.
 *
 * Every error is one line that names the bad value and what would have
 * been valid; nothing is created or written before parsing has succeeded.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_int.h"
#include "dataset.h"
#include "registry.h"
#include "util.h"

enum {
	OPT_WORKLOAD = 256, OPT_STRATEGY, OPT_DIR, OPT_SIZE, OPT_REPEAT,
	OPT_RESULTS, OPT_SEED, OPT_CACHE, OPT_WORKERS, OPT_QD,
	OPT_WARMUP, OPT_SHUFFLE, OPT_DROP_CACHES, OPT_PIN,
	OPT_NO_LATENCY, OPT_NO_PLOT, OPT_PLOTS, OPT_VERIFY_DATA, OPT_UNTIL_DECIDED,
	OPT_BUDGET, OPT_MPI_SHARE, OPT_NO_TUNE, OPT_MODEL, OPT_PYTHON,
	OPT_JSON, OPT_MARGIN, OPT_MAX_INTERFERENCE, OPT_WAIT_QUIET,
	OPT_KNOB = 1024,	/* + the index of a plugin option's name (cli_knobs.c) */
};
#define MAX_KNOB_NAMES 64

static const struct option run_options[] = {
	{ "workload", required_argument, NULL, OPT_WORKLOAD },
	{ "strategy", required_argument, NULL, OPT_STRATEGY },
	{ "dir", required_argument, NULL, OPT_DIR },
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "repeat", required_argument, NULL, OPT_REPEAT },
	{ "results", required_argument, NULL, OPT_RESULTS },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "cache", required_argument, NULL, OPT_CACHE },
	{ "workers", required_argument, NULL, OPT_WORKERS },
	{ "qd", required_argument, NULL, OPT_QD },
	{ "warmup", required_argument, NULL, OPT_WARMUP },
	{ "shuffle", no_argument, NULL, OPT_SHUFFLE },
	{ "drop-caches", no_argument, NULL, OPT_DROP_CACHES },
	{ "pin", no_argument, NULL, OPT_PIN },
	{ "no-latency", no_argument, NULL, OPT_NO_LATENCY },
	{ "no-plot", no_argument, NULL, OPT_NO_PLOT },
	{ "verify-data", no_argument, NULL, OPT_VERIFY_DATA },
	{ "until-decided", no_argument, NULL, OPT_UNTIL_DECIDED },
	{ "budget", required_argument, NULL, OPT_BUDGET },
	{ "mpi-share", required_argument, NULL, OPT_MPI_SHARE },
	{ "no-tune", no_argument, NULL, OPT_NO_TUNE },
	{ "model", required_argument, NULL, OPT_MODEL },
	{ "python", required_argument, NULL, OPT_PYTHON },
	{ "plots", required_argument, NULL, OPT_PLOTS },
	{ "json", required_argument, NULL, OPT_JSON },
	{ "margin", required_argument, NULL, OPT_MARGIN },
	{ "max-interference", required_argument, NULL, OPT_MAX_INTERFERENCE },
	{ "wait-quiet", required_argument, NULL, OPT_WAIT_QUIET },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
};

int parse_num(const struct num_spec *ns, const char *arg, uint64_t *out,
		     char *err, size_t errlen)
{
	uint64_t v;
	int rc = parse_u64(arg, ns->size, &v);

	if (rc == -ERANGE || (rc == 0 && v > ns->max)) {
		snprintf(err, errlen, "--%s '%s' is too large (at most %llu)",
			 ns->name, arg, (unsigned long long)ns->max);
		return -EINVAL;
	}
	if (rc < 0) {
		snprintf(err, errlen, "--%s '%s' is not a %s", ns->name, arg,
			 ns->size ? "size (a whole number, optionally with K, M, G or T)"
				  : "whole number");
		return -EINVAL;
	}
	if (v < ns->min) {
		snprintf(err, errlen, "--%s '%s' is too small (at least %llu)",
			 ns->name, arg, (unsigned long long)ns->min);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

/* "90", "90s", "10m", "1h" into seconds (1 s to 1 week). */
static int parse_duration(const char *name, const char *arg, uint64_t *out, char *err,
			  size_t errlen)
{
	char *end;
	unsigned long long v;
	uint64_t mult = 1;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (end != arg && *end && !end[1])
		mult = *end == 's' ? 1 : *end == 'm' ? 60 : *end == 'h' ? 3600 : 0;
	else if (end == arg || *end)
		mult = 0;
	if (arg[0] == '-' || errno || !mult || v == 0 || v > 7 * 86400 / mult) {
		snprintf(err, errlen, "--%s '%s' is not a duration from 1s to 168h "
			 "(a whole number with s, m or h)", name, arg);
		return -EINVAL;
	}
	*out = v * mult;
	return 0;
}

int parse_choice(const char *opt, const char *arg,
			const char *const *names, size_t n, char *err,
			size_t errlen)
{
	char valid[128] = "";
	size_t off = 0;

	for (size_t i = 0; i < n; i++)
		if (strcmp(arg, names[i]) == 0)
			return (int)i;
	for (size_t i = 0; i < n; i++)
		off += (size_t)snprintf(valid + off, sizeof(valid) - off, "%s%s",
					i ? ", " : "", names[i]);
	snprintf(err, errlen, "unknown %s '%s' (valid: %s)", opt, arg, valid);
	return -EINVAL;
}

/*
 * Splits @list on commas; for each name calls @find.  Shared by the
 * strategy and workload lists, which differ only in their registry.
 */
static int parse_list(const char *what, const char *list,
		      const void *(*find)(const char *),
		      const void *(*nth)(size_t), bool (*in_all)(const void *),
		      const char *valid, const void **out, char *err,
		      size_t errlen)
{
	char *copy, *tok, *save = NULL;
	int n = 0;

	if (strcmp(list, "all") == 0) {
		const void *item;

		for (size_t i = 0; (item = nth(i)) != NULL; i++)
			if (in_all(item) && n < MAX_SELECTED)
				out[n++] = item;
		return n;
	}
	copy = strdup(list);
	if (!copy)
		die(1, "out of memory");
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		const void *item = find(tok);
		bool dup = false;

		if (!item) {
			snprintf(err, errlen, "unknown %s '%s' (valid: %s)", what,
				 tok, valid);
			n = -EINVAL;
			break;
		}
		for (int i = 0; i < n; i++)
			dup |= out[i] == item;
		if (!dup && n < MAX_SELECTED)
			out[n++] = item;
	}
	if (n == 0) {
		snprintf(err, errlen, "empty %s list '%s' (valid: %s)", what, list,
			 valid);
		n = -EINVAL;
	}
	free(copy);
	return n;
}

static const void *find_st(const char *name) { return strategy_find(name); }
static const void *find_wl(const char *name) { return workload_find(name); }
static const void *nth_st(size_t i) { return i < n_strategies ? strategies[i] : NULL; }
static const void *nth_wl(size_t i) { return i < n_workloads ? workloads[i] : NULL; }
static bool all_st(const void *s) { return strategy_in_all(s); }
static bool all_wl(const void *w) { return workload_in_all(w); }

int cli_parse_strategies(const char *list, const struct strategy **out,
			 char *err, size_t errlen)
{
	return parse_list("strategy", list, find_st, nth_st, all_st,
			  strategy_names(), (const void **)out, err, errlen);
}

/*
 * `--strategy all` with a workload that has a recorded program behind it
 * (replay): its baseline, the as_recorded strategy, runs too, in its
 * registry place, so the others are set against what the program does now.
 */
static void add_as_recorded(struct config *cfg)
{
	const struct strategy *st[MAX_SELECTED];
	bool want = false;
	unsigned n = 0;

	for (unsigned w = 0; w < cfg->n_wl; w++)
		want |= cfg->wl[w]->has_recorded;
	if (!want)
		return;
	for (size_t i = 0; i < n_strategies && n < MAX_SELECTED; i++) {
		bool sel = strategies[i]->as_recorded;

		for (unsigned k = 0; k < cfg->n_st; k++)
			sel |= cfg->st[k] == strategies[i];
		if (sel)
			st[n++] = strategies[i];
	}
	memcpy(cfg->st, st, n * sizeof(*st));
	cfg->n_st = n;
}

int cli_parse_workloads(const char *list, const struct workload **out,
			char *err, size_t errlen)
{
	return parse_list("workload", list, find_wl, nth_wl, all_wl,
			  workload_names(), (const void **)out, err, errlen);
}

static const char *const model_names[] = { "c", "python", "c,python" };
static const struct num_spec n_repeat = { "repeat", 1, 100000, false };
static const struct num_spec n_warmup = { "warmup", 0, 1000, false };
static const struct num_spec n_seed = { "seed", 0, UINT64_MAX, false };
static const struct num_spec n_workers = { "workers", 1, 1024, false };
static const struct num_spec n_qd = { "qd", 1, 4096, false };


static void config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->dir = DEFAULT_DATA_DIR;
	cfg->results_dir = "results";
	cfg->plots_dir = "plots";
	cfg->size = SIZE_SMALL;
	cfg->cache = CACHE_COLD;
	cfg->repeat = 5;
	cfg->warmup = 1;
	cfg->seed = 1;
	cfg->budget_s = 600;
	cfg->margin = 0.05;
	cfg->max_interference = 0.25;
	/* a CI machine that is always busy sets its own default (ignored when not a number) */
	{
		const char *e = getenv("IOBENCH_MAX_INTERFERENCE");
		double v;

		if (e && parse_real(e, 0, 4096, &v) == 0)
			cfg->max_interference = v;
	}
}

/* The option's own spelling, for messages about a bad option. */
static const char *bad_option(int argc, char **argv)
{
	return optind - 1 < argc && optind > 0 ? argv[optind - 1] : "?";
}

int cli_bad_option(int c, char **argv, const char *cmd)
{
	if (c == ':')
		errmsg("option '%s' needs a value (see iobench %s --help)", argv[optind - 1], cmd);
	else
		errmsg("unknown option '%s' (see iobench %s --help)", argv[optind - 1], cmd);
	return EXIT_USAGE;
}


/* Says a bad value in @err; -EINVAL. */
__attribute__((format(printf, 3, 4)))
static int errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* The options that take no value: true when @c is one. */
static bool flag_option(int c, struct config *cfg)
{
	switch (c) {
	case OPT_NO_TUNE: cfg->no_tune = true; break;
	case OPT_SHUFFLE: cfg->shuffle = true; break;
	case OPT_DROP_CACHES: cfg->drop_caches = true; break;
	case OPT_PIN: cfg->pin = true; break;
	case OPT_NO_LATENCY: cfg->no_latency = true; break;
	case OPT_NO_PLOT: cfg->no_plot = true; break;
	case OPT_VERIFY_DATA: cfg->verify_data = true; break;
	case OPT_UNTIL_DECIDED: cfg->until_decided = true; break;
	case 'q': cfg->quiet = true; break;
	default: return false;
	}
	return true;
}

/* --budget, --margin, --max-interference, --wait-quiet: how verdicts are reached. */
static int verdict_option(int c, const char *a, struct config *cfg, char *err, size_t errlen)
{
	int rc = 0;

	switch (c) {
	case OPT_BUDGET:
		rc = parse_duration("budget", a, &cfg->budget_s, err, errlen);
		cfg->until_decided = true;
		break;
	case OPT_MARGIN:
		if (parse_percent(a, &cfg->margin) < 0 || !(cfg->margin > 0 && cfg->margin < 1)) {
			snprintf(err, errlen, "--margin '%s' is not a percentage above 0 and below "
				 "100 (e.g. 5%% or 2.5%%)", a);
			rc = -EINVAL;
		}
		break;
	case OPT_MAX_INTERFERENCE:
		if (parse_real(a, 0, 4096, &cfg->max_interference) < 0) {
			snprintf(err, errlen, "--max-interference '%s' is not a number of CPUs "
				 "from 0 to 4096 (e.g. 0.25; 0: never flag)", a);
			rc = -EINVAL;
		}
		break;
	case OPT_WAIT_QUIET:
		rc = parse_duration("wait-quiet", a, &cfg->wait_quiet_s, err, errlen);
		break;
	}
	return rc;
}

/* One harness option of `iobench run` into @cfg (or the lists).  0 or -EINVAL. */
static int run_option(int c, const char *a, struct config *cfg, const char **wl_list,
		      const char **st_list, char *err, size_t errlen)
{
	int rc = 0;

	if (flag_option(c, cfg))
		return 0;
	switch (c) {
	case OPT_WORKLOAD: *wl_list = a; break;
	case OPT_STRATEGY: *st_list = a; break;
	case OPT_DIR: cfg->dir = a; cfg->dir_given = true; break;
	case OPT_RESULTS: cfg->results_dir = a; break;
	case OPT_PLOTS: cfg->plots_dir = a; break;
	case OPT_SIZE:
		rc = parse_choice("size", a, size_names, SIZE_NPRESETS, err, errlen);
		cfg->size = rc >= 0 ? (enum size_preset)rc : cfg->size;
		break;
	case OPT_CACHE:
		rc = parse_choice("cache mode", a, cache_names, CACHE_NMODES, err, errlen);
		cfg->cache = rc >= 0 ? (enum cache_mode)rc : cfg->cache;
		break;
	case OPT_MPI_SHARE:
		rc = parse_choice("--mpi-share", a, share_names, 2, err, errlen);
		cfg->share = rc >= 0 ? (enum mpi_share)rc : cfg->share;
		break;
	case OPT_REPEAT: rc = parse_num(&n_repeat, a, &cfg->repeat, err, errlen); break;
	case OPT_SEED: rc = parse_num(&n_seed, a, &cfg->seed, err, errlen); break;
	case OPT_WORKERS:
		rc = parse_num(&n_workers, a, &cfg->workers, err, errlen);
		cfg->workers_given = true;
		break;
	case OPT_QD:
		rc = parse_num(&n_qd, a, &cfg->qd, err, errlen);
		cfg->qd_given = true;
		break;
	case OPT_MODEL:
		/* c,python: the C run first, then the Python one (run_python.c, run_models) */
		rc = parse_choice("--model", a, model_names, 3, err, errlen);
		cfg->model_both = rc == 2;
		cfg->model = rc == 1 ? MODEL_PYTHON : MODEL_C;
		break;
	case OPT_PYTHON:
		if (!*a)
			rc = errf(err, errlen, "--python: expected an interpreter's path or none");
		cfg->python = a;
		break;
	case OPT_WARMUP: rc = parse_num(&n_warmup, a, &cfg->warmup, err, errlen); break;
	case OPT_JSON:
		/* a file of the user's naming would be a second, unguarded writer */
		if (strcmp(a, "-"))
			rc = errf(err, errlen, "--json takes '-' (stdout), not '%s': the JSON "
				  "file is always written in --results", a);
		cfg->json_stdout = true;
		break;
	default:
		rc = verdict_option(c, a, cfg, err, errlen);
		break;
	}
	return rc < 0 ? -EINVAL : 0;
}

/* getopt's table into @opts: the harness's options, then the workloads' knobs. */
static void option_table(struct option *opts, const char *const *names, const bool *flag,
			 size_t nk)
{
	size_t n = ARRAY_SIZE(run_options);

	memcpy(opts, run_options, sizeof(run_options));
	for (size_t k = 0; k < nk; k++)
		opts[n++] = (struct option){ names[k], flag[k] ? no_argument : required_argument,
					     NULL, OPT_KNOB + (int)k };
	opts[n] = (struct option){ NULL, 0, NULL, 0 };
}

int cli_parse_run(int argc, char **argv, struct config *cfg, char *err,
		  size_t errlen)
{
	const char *names[MAX_KNOB_NAMES], *given[MAX_KNOB_NAMES] = { NULL };
	const char *st_list = "all", *wl_list = "all";
	bool flag[MAX_KNOB_NAMES];
	size_t nk = knob_names(names, flag, MAX_KNOB_NAMES);
	struct option opts[ARRAY_SIZE(run_options) + MAX_KNOB_NAMES + 1];
	int c, rc;

	config_defaults(cfg);
	cfg->argc = argc;
	cfg->argv = argv;
	option_table(opts, names, flag, nk);
	optind = 0;	/* glibc: full re-initialisation, so tests can call again */
	opterr = 0;	/* our messages, not getopt's */
	while ((c = getopt_long(argc, argv, ":qh", opts, NULL)) != -1) {
		if (c == 'h')
			return CLI_HELP;
		if (c == ':' || c == '?') {
			snprintf(err, errlen, c == ':' ? "option '%s' needs a value (see iobench "
				 "run --help)" : "unknown option '%s' (see iobench run --help)",
				 bad_option(argc, argv));
			return -EINVAL;
		}
		if (c >= OPT_KNOB)	/* applied over the preset below; a flag: "" */
			given[c - OPT_KNOB] = optarg ? optarg : "";
		else if (run_option(c, optarg, cfg, &wl_list, &st_list, err, errlen) < 0)
			return -EINVAL;
	}
	if (optind < argc) {
		snprintf(err, errlen, "unexpected argument '%s' (see iobench run --help)",
			 argv[optind]);
		return -EINVAL;
	}
	if (cfg->python && cfg->model != MODEL_PYTHON && !cfg->model_both) {
		snprintf(err, errlen, "--python measures what Python's constructs cost for "
			 "--model python, which was not asked for");
		return -EINVAL;
	}
	rc = cli_parse_workloads(wl_list, cfg->wl, err, errlen);
	if (rc < 0)
		return rc;
	cfg->n_wl = (unsigned)rc;
	rc = cli_parse_strategies(st_list, cfg->st, err, errlen);
	if (rc < 0)
		return rc;
	cfg->n_st = (unsigned)rc;
	if (!strcmp(st_list, "all"))
		add_as_recorded(cfg);
	preset_apply(cfg, cfg->size);
	return knobs_apply(cfg, names, given, nk, err, errlen) < 0 ? -EINVAL : CLI_OK;
}
