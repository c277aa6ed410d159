/*
 * cli_knobs.c - the workloads' own options on the command line.
 *
 * Each workload declares its knobs (struct wl_option, in its own file);
 * this file turns the tables into getopt entries, applies the values over
 * the preset after the whole line is read, and writes their --help lines.
 * A value out of a workload's bounds is an error only when that workload
 * runs: `--rows 5000000 --workload array` is fine although csv caps rows.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli_int.h"
#include "registry.h"
#include "util.h"

size_t knob_names(const char **out, size_t max)
{
	size_t n = 0;

	for (size_t w = 0; w < n_workloads; w++)
		for (size_t o = 0; o < workloads[w]->noptions; o++) {
			const char *name = workloads[w]->options[o].name;
			bool seen = false;

			for (size_t k = 0; k < n; k++)
				seen |= !strcmp(out[k], name);
			if (!seen && n < max)
				out[n++] = name;
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

static bool selected(const struct config *cfg, const struct workload *wl)
{
	for (unsigned i = 0; i < cfg->n_wl; i++)
		if (cfg->wl[i] == wl)
			return true;
	return false;
}

int knobs_apply(struct config *cfg, const char *const *names, const char *const *given,
		size_t n, char *err, size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		if (!given[i])
			continue;
		for (size_t w = 0; w < n_workloads && w < MAX_WORKLOADS; w++) {
			const struct workload *wl = workloads[w];
			struct wl_knobs keep = cfg->knobs[w];

			for (size_t o = 0; o < wl->noptions; o++) {
				if (strcmp(wl->options[o].name, names[i]))
					continue;
				if (set_knob(&wl->options[o], given[i], &cfg->knobs[w], o, err,
					     errlen) < 0) {
					if (selected(cfg, wl))
						return -EINVAL;
					cfg->knobs[w] = keep;	/* not running: no matter */
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

void knobs_usage(FILE *f)
{
	const char *names[64];
	size_t n = knob_names(names, ARRAY_SIZE(names));

	fputs("Workload knobs (override the preset; each applies to the workloads named):\n", f);
	for (size_t i = 0; i < n; i++) {
		const char *arg = NULL;
		char left[40], right[256] = "";
		size_t off = 0;

		for (size_t w = 0; w < n_workloads; w++)
			for (size_t o = 0; o < workloads[w]->noptions; o++) {
				const struct wl_option *opt = &workloads[w]->options[o];

				if (strcmp(opt->name, names[i]))
					continue;
				arg = opt->arg;
				off += (size_t)snprintf(right + off, sizeof(right) - off, "%s%s: %s",
							off ? "; " : "", workloads[w]->name,
							opt->help);
			}
		snprintf(left, sizeof(left), "--%s %s", names[i], arg);
		fprintf(f, "  %-18s %s\n", left, right);
	}
}
