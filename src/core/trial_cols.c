/* trial_cols.c - the per-trial figures' table (trial_cols.h). */
#include <math.h>
#include <string.h>

#include "trial_cols.h"

#define M(f) offsetof(struct trial_rec, f)

/* The entries, from TRIAL_COLS (trial.h) */
#define COL_ENTRY(m, type, csv, group, json, dec, na, agg) \
	{ csv, group, json, type, M(m), dec, na, agg, TS_NONE, 0 },
#define OWN_ENTRY(m, type, csv, group, json, dec, na, agg, sp, arg) \
	{ csv, group, json, type, M(m), dec, na, agg, sp, arg },
#define GEN_ENTRY(csv, group, json, dec, na, agg, sp, arg) \
	{ csv, group, json, TC_SPECIAL, 0, dec, na, agg, sp, arg },

const struct trial_col trial_cols[] = {
	TRIAL_COLS(COL_ENTRY, OWN_ENTRY, GEN_ENTRY)
};
const size_t n_trial_cols = sizeof(trial_cols) / sizeof(trial_cols[0]);

double trial_col_dbl(const struct trial_col *c, const struct trial_rec *t)
{
	const char *p = (const char *)t + c->off;

	switch (c->type) {
	case TC_U64: return (double)*(const uint64_t *)p;
	case TC_I64: return (double)*(const int64_t *)p;
	case TC_UINT: return *(const unsigned *)p;
	case TC_INT: return *(const int *)p;
	case TC_BOOL: return *(const bool *)p;
	case TC_DBL:
	case TC_SPECIAL: return *(const double *)p;	/* the specials na reads are over a double */
	case TC_PSTR:
	case TC_ASTR: break;
	}
	return 0;
}

int64_t trial_col_int(const struct trial_col *c, const struct trial_rec *t)
{
	const char *p = (const char *)t + c->off;

	switch (c->type) {
	case TC_U64: return (int64_t)*(const uint64_t *)p;
	case TC_I64: return *(const int64_t *)p;
	case TC_UINT: return *(const unsigned *)p;
	case TC_INT: return *(const int *)p;
	case TC_BOOL: return *(const bool *)p;
	case TC_DBL: return (int64_t)*(const double *)p;
	case TC_SPECIAL:
	case TC_PSTR:
	case TC_ASTR: break;
	}
	return 0;
}

bool trial_col_na(const struct trial_col *c, const struct trial_rec *t)
{
	switch (c->na) {
	case NA_NEVER: return false;
	case NA_NEG: return trial_col_dbl(c, t) < 0;
	case NA_IO: return !t->io_ok;
	case NA_MEM: return !t->mem_ok;
	case NA_DELAY:
	case NA_DELAY_OMIT: return !t->delay_ok;
	case NA_LAT: return !t->latency_on;
	}
	return false;
}

/* @a's member of @c gets @v, in its type. */
static void put(const struct trial_col *c, struct trial_rec *a, double v, int64_t n)
{
	char *p = (char *)a + c->off;

	switch (c->type) {
	case TC_U64: *(uint64_t *)p = (uint64_t)n; break;
	case TC_I64: *(int64_t *)p = n; break;
	case TC_UINT: *(unsigned *)p = (unsigned)n; break;
	case TC_INT: *(int *)p = (int)n; break;
	case TC_BOOL: *(bool *)p = n != 0; break;
	case TC_DBL: *(double *)p = v; break;
	default: break;
	}
}

void trial_cols_add(const struct trial_rec *x, struct trial_rec *a)
{
	for (size_t i = 0; i < n_trial_cols; i++) {
		const struct trial_col *c = &trial_cols[i];
		double av, xv;
		int64_t an, xn;

		if (c->agg == AG_SELF)
			continue;	/* and only the numeric types have a rule */
		av = trial_col_dbl(c, a);
		xv = trial_col_dbl(c, x);
		an = trial_col_int(c, a);
		xn = trial_col_int(c, x);
		switch (c->agg) {
		case AG_SELF:
			break;
		case AG_SUM:
			put(c, a, av + xv, an + xn);
			break;
		case AG_MAX:
			put(c, a, fmax(av, xv), an > xn ? an : xn);
			break;
		case AG_SUM_NA:
			put(c, a, av < 0 || xv < 0 ? -1 : av + xv, an < 0 || xn < 0 ? -1 : an + xn);
			break;
		case AG_OR:
			put(c, a, 0, an || xn);
			break;
		}
	}
}
