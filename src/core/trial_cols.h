/* trial_cols.h - every per-trial figure, declared once.
 *
 * The list TRIAL_COLS in trial.h declares each figure of struct trial_rec
 * once: its member and its entry in this table, which says its CSV
 * column, where it goes in the run's JSON, how many decimals, when it is
 * "not measured", and how the ranks of an MPI job add it up.  The struct's
 * plain members, the CSV header and rows (results.c), the trial objects of
 * the JSON (runfiles.c) and the MPI aggregate (ranks.c) are all made from
 * it, so a new column is one line there, its line in the schema and in
 * docs/results.md.  The entries are in the CSV's column order.
 *
 * "Not measured" is one thing everywhere: "n/a" in the CSV, null in the
 * JSON, never a 0 that looks measured; the entry's na rule says when.
 */
#ifndef IOBENCH_TRIAL_COLS_H
#define IOBENCH_TRIAL_COLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trial.h"

enum tc_type {
	TC_U64, TC_I64, TC_UINT, TC_INT, TC_DBL,
	TC_BOOL,	/* 0 or 1 in the CSV, true or false in the JSON */
	TC_PSTR,	/* a const char * member */
	TC_ASTR,	/* a char array member (CSV-quoted when it needs it) */
	TC_SPECIAL,	/* made by the writer from the record (enum tc_special) */
};

/* When a figure is not measured (n/a / null). */
enum tc_na {
	NA_NEVER,
	NA_NEG,		/* its value is < 0 */
	NA_IO,		/* !io_ok */
	NA_MEM,		/* !mem_ok */
	NA_DELAY,	/* !delay_ok */
	NA_LAT,		/* !latency_on */
	NA_DELAY_OMIT,	/* !delay_ok: left out of the JSON object altogether */
};

/* The JSON object it goes in; TG_NONE: the CSV only. */
enum tc_group { TG_TOP, TG_BREAKDOWN, TG_IO_SHAPE, TG_INTERFERENCE, TG_NONE };

/* How ranks_aggregate adds it up over the ranks. */
enum tc_agg {
	AG_SELF,	/* ranks_aggregate sets it itself (time, validity, rank 0's) */
	AG_SUM,
	AG_MAX,
	AG_SUM_NA,	/* the sum, or -1 when a rank's is -1 (n/a) */
	AG_OR,
};

enum tc_special {
	TS_NONE, TS_RUN_ID, TS_CACHE, TS_OUTLIER, TS_RESIDENT, TS_MAIN_OP,
	TS_LAT,		/* the main op's response time: arg 0 p50, 1 p99, 2 p999, 3 max */
	TS_SVC,		/* ...its service time, likewise */
	TS_CPU,		/* user + sys */
	TS_HW,		/* hardware counter arg */
	TS_RANK, TS_RANKS,
	TS_SKEW,	/* start_skew_s, in µs */
	TS_CPUS,	/* trial_interference() */
};

struct trial_col {
	const char *csv;	/* its CSV column; NULL: not in the CSV */
	enum tc_group group;
	const char *json;	/* its name in the JSON trial (group); NULL: not there */
	enum tc_type type;
	size_t off;		/* offsetof(struct trial_rec, its member) */
	int dec;		/* TC_DBL and doubles among the specials: decimals (-1: all) */
	enum tc_na na;
	enum tc_agg agg;
	enum tc_special sp;
	int arg;
};

extern const struct trial_col trial_cols[];
extern const size_t n_trial_cols;

/* Is @c not measured in @t (its na rule)? */
bool trial_col_na(const struct trial_col *c, const struct trial_rec *t);

/* @c's member of @t as a double / an integer (the numeric types). */
double trial_col_dbl(const struct trial_col *c, const struct trial_rec *t);
int64_t trial_col_int(const struct trial_col *c, const struct trial_rec *t);

/* Adds @x's figures into @a by each column's rule (not AG_SELF's). */
void trial_cols_add(const struct trial_rec *x, struct trial_rec *a);

#endif
