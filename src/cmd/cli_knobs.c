/*
 * cli_knobs.c - the plugins' own options on the command line.
 *
 * Each workload and each strategy declares its knobs (struct wl_option,
 * option.h, in its own file); this file turns the tables into getopt
 * entries, applies the values over the preset after the whole line is
 * read, and writes their --help lines.  A value out of a plugin's bounds
 * is an error only when that plugin runs: `--rows 5000000 --workload
 * array` is fine although csv caps rows.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli_int.h"
#include "registry.h"
#include "util.h"

/* One plugin's table, and where its values go in a config. */
struct table {
	const char *name;
	const struct wl_option *opts;
	size_t n;
	bool is_st;
	size_t slot;	/* its place in its registry */
};

static size_t tables(struct table *t, size_t max)
{
	size_t n = 0;

	for (size_t w = 0; w < n_workloads && w < MAX_WORKLOADS && n < max; w++)
		t[n++] = (struct table){ workloads[w]->name, workloads[w]->options,
					 workloads[w]->noptions, false, w };
	for (size_t s = 0; s < n_strategies && s < MAX_STRATEGIES && n < max; s++)
		t[n++] = (struct table){ strategies[s]->name, strategies[s]->options,
					 strategies[s]->noptions, true, s };
	return n;
}

static struct wl_knobs *values(struct config *cfg, const struct table *t)
{
	return t->is_st ? &cfg->st_knobs[t->slot] : &cfg->knobs[t->slot];
}

size_t knob_names(const char **out, bool *flag, size_t max)
{
	struct table t[MAX_WORKLOADS + MAX_STRATEGIES];
	size_t nt = tables(t, ARRAY_SIZE(t)), n = 0;

	for (size_t i = 0; i < nt; i++)
		for (size_t o = 0; o < t[i].n; o++) {
			const char *name = t[i].opts[o].name;
			bool seen = false;

			for (size_t k = 0; k < n; k++)
				seen |= !strcmp(out[k], name);
			if (!seen && n < max) {
				flag[n] = t[i].opts[o].kind == WLO_FLAG;
				out[n++] = name;
			}
		}
	return n;
}

/* @arg for option @opt into @k's slot @o.  0 or -EINVAL with @err. */
static int set_knob(const struct wl_option *opt, const char *arg, struct wl_knobs *k,
		    size_t o, char *err, size_t errlen)
{
	struct num_spec ns = { opt->name, opt->min, opt->max, opt->kind == WLO_SIZE };
	size_t n = 0;
	int rc;

	switch (opt->kind) {
	case WLO_FLAG:
		k->v[o] = 1;
		return 0;
	case WLO_PATH:
		k->s[o] = arg;
		return 0;
	case WLO_CHOICE:
		while (opt->choices[n])
			n++;
		rc = parse_choice(opt->name, arg, opt->choices, n, err, errlen);
		if (rc >= 0)
			k->v[o] = (uint64_t)rc;
		return rc < 0 ? rc : 0;
	case WLO_NUM:
	case WLO_SIZE:
		break;
	}
	return parse_num(&ns, arg, &k->v[o], err, errlen);
}

static bool selected(const struct config *cfg, const struct table *t)
{
	for (unsigned i = 0; !t->is_st && i < cfg->n_wl; i++)
		if (cfg->wl[i] == workloads[t->slot])
			return true;
	for (unsigned i = 0; t->is_st && i < cfg->n_st; i++)
		if (cfg->st[i] == strategies[t->slot])
			return true;
	return false;
}

int knobs_apply(struct config *cfg, const char *const *names, const char *const *given,
		size_t n, char *err, size_t errlen)
{
	struct table t[MAX_WORKLOADS + MAX_STRATEGIES];
	size_t nt = tables(t, ARRAY_SIZE(t));

	for (size_t i = 0; i < n; i++) {
		if (!given[i])
			continue;
		for (size_t p = 0; p < nt; p++) {
			struct wl_knobs *k = values(cfg, &t[p]), keep = *k;

			for (size_t o = 0; o < t[p].n; o++) {
				if (strcmp(t[p].opts[o].name, names[i]))
					continue;
				if (set_knob(&t[p].opts[o], given[i], k, o, err, errlen) < 0) {
					if (selected(cfg, &t[p]))
						return -EINVAL;
					*k = keep;	/* not running: no matter */
				}
			}
		}
	}
	for (unsigned i = 0; i < cfg->n_wl; i++)
		if (cfg->wl[i]->validate &&
		    cfg->wl[i]->validate(wl_knobs(cfg, cfg->wl[i]), err, errlen) < 0)
			return -EINVAL;
	return 0;
}

/*
 * The --help line of option @name among the tables of one kind: each
 * declaration's help once, after the plugins that share it (threaded,
 * forked and recorded share readahead_opt.h's).
 */
static void usage_line(FILE *f, const struct table *t, size_t nt, const char *name)
{
	const struct wl_option *decl[16];
	char who[16][96], left[40];
	size_t nd = 0;

	for (size_t p = 0; p < nt; p++)
		for (size_t o = 0; o < t[p].n; o++) {
			const struct wl_option *opt = &t[p].opts[o];
			size_t d = 0;

			if (strcmp(opt->name, name))
				continue;
			while (d < nd && decl[d] != opt)
				d++;
			if (d == nd && nd < ARRAY_SIZE(decl)) {
				decl[nd] = opt;
				who[nd++][0] = '\0';
			}
			if (d < nd)
				snprintf(who[d] + strlen(who[d]), sizeof(who[d]) - strlen(who[d]),
					 "%s%s", who[d][0] ? ", " : "", t[p].name);
		}
	if (!nd)
		return;
	snprintf(left, sizeof(left), "--%s%s%s", name, decl[0]->arg[0] ? " " : "", decl[0]->arg);
	fprintf(f, "  %-19s", left);
	for (size_t d = 0; d < nd; d++)
		fprintf(f, "%s%s: %s", d ? "; " : " ", who[d], decl[d]->help);
	fputc('\n', f);
}

/* The --help lines of the options the workloads (or the strategies) declare. */
static void usage_of(FILE *f, bool strategies_own)
{
	struct table all[MAX_WORKLOADS + MAX_STRATEGIES], t[MAX_WORKLOADS + MAX_STRATEGIES];
	size_t na = tables(all, ARRAY_SIZE(all)), nt = 0;
	const char *names[64];
	bool flag[64];
	size_t n = knob_names(names, flag, ARRAY_SIZE(names));

	for (size_t p = 0; p < na; p++)
		if (all[p].is_st == strategies_own)
			t[nt++] = all[p];
	for (size_t i = 0; i < n; i++)
		usage_line(f, t, nt, names[i]);
}

void knobs_usage(FILE *f)
{
	fputs("Workload knobs (override the preset; each applies to the workloads named):\n", f);
	usage_of(f, false);
	fputs("\nStrategy options (each applies to the strategies named):\n", f);
	usage_of(f, true);
}
