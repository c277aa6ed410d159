/*
 * report_pair.c - --model c,python: the Python run's report sets the C
 * run's verdict beside its own (report.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "howto.h"
#include "report.h"
#include "summary.h"
#include "util.h"

int report_pair_load(const struct run_data *rd, struct run_data *pair, char *msg, size_t len)
{
	const char *id = jget_str(rd->root, "config.paired_run");
	const char *slash = strrchr(rd->base, '/');
	char *path;
	int rc;

	if (!id[0])
		return -ENOENT;
	/* a name next to this run's files, never a path elsewhere (the JSON may be edited) */
	if (strchr(id, '/') || !strcmp(id, ".") || !strcmp(id, "..")) {
		snprintf(msg, len, "config.paired_run '%s' is not a run id", id);
		return -EINVAL;
	}
	path = slash ? xasprintf("%.*s/%s.csv", (int)(slash - rd->base), rd->base, id) :
		xasprintf("%s.csv", id);
	rc = rundata_load(path, pair, msg, len);
	free(path);
	return rc;
}

/* "threaded (faster)", or why there is no pick */
static void pick_words(const struct run_data *rd, const char *wl, char *out, size_t len)
{
	const char *word;
	const struct strat_summary *r = howto_applied(rd, wl, &word);

	if (r)
		snprintf(out, len, "**%s**%s", r->strategy, word);
	else
		snprintf(out, len, "no strategy (no valid trials)");
}

void report_pair_section(FILE *f, const struct run_data *py, const struct run_data *c,
			 const char *wl)
{
	const char *sts[16], *word;
	size_t ns = rundata_strategies(c, sts, 16);
	const struct strat_summary *pr = howto_applied(py, wl, &word);
	const struct strat_summary *cr = howto_applied(c, wl, &word);
	char cw[160], pw[160], why[200] = "";

	fprintf(f, "### The same jobs as C code (run `%s`)\n\n", c->run_id);
	if (!ns || !rundata_dataset(c, wl)) {
		fputs("The C run has no trials of this workload.\n\n", f);
		return;
	}
	report_table(f, c, wl, sts, ns);
	report_verdict(f, c, wl);
	pick_words(c, wl, cw, sizeof(cw));
	pick_words(py, wl, pw, sizeof(pw));
	if (pr && cr && strcmp(pr->strategy, cr->strategy))
		howto_lock_reason(py, wl, cr->strategy, why, sizeof(why));
	fprintf(f, "**C and Python side by side.** As C code: %s. As a Python program: %s.", cw,
		pw);
	if (pr && cr && !strcmp(pr->strategy, cr->strategy))
		fputs(" Both pick the same strategy.", f);
	else if (why[0])
		fprintf(f, " They differ: %s.", why);
	fputs("\n\n", f);
}
