/* trial_cols.c - the per-trial figures' table (trial_cols.h). */
#include <math.h>
#include <string.h>

#include "trial_cols.h"

#define M(f) offsetof(struct trial_rec, f)

/* { csv, group, json, type, member, decimals, na, agg[, special, arg] } */
const struct trial_col trial_cols[] = {
	{ "run_id", TG_NONE, NULL, TC_SPECIAL, 0, 0, NA_NEVER, AG_SELF, TS_RUN_ID, 0 },
	{ "workload", TG_TOP, "workload", TC_PSTR, M(workload), 0, NA_NEVER, AG_SELF, 0, 0 },
	{ "strategy", TG_TOP, "strategy", TC_PSTR, M(strategy), 0, NA_NEVER, AG_SELF, 0, 0 },
	{ "trial", TG_TOP, "trial", TC_UINT, M(trial), 0, NA_NEVER, AG_SELF, 0, 0 },
	{ "workers", TG_TOP, "workers", TC_UINT, M(workers), 0, NA_NEVER, AG_SELF, 0, 0 },
	{ "queue_depth", TG_TOP, "queue_depth", TC_UINT, M(qd), 0, NA_NEVER, AG_SELF, 0, 0 },
	{ "cache", TG_TOP, "cache", TC_SPECIAL, 0, 0, NA_NEVER, AG_SELF, TS_CACHE, 0 },
	{ "wall_s", TG_TOP, "wall_s", TC_DBL, M(wall_s), 6, NA_NEVER, AG_SELF, 0, 0 },
	{ "user_s", TG_TOP, "user_s", TC_DBL, M(user_s), 6, NA_NEVER, AG_SUM, 0, 0 },
	{ "sys_s", TG_TOP, "sys_s", TC_DBL, M(sys_s), 6, NA_NEVER, AG_SUM, 0, 0 },
	{ "peak_rss_kib", TG_TOP, "peak_rss_kib", TC_U64, M(peak_rss_kib), 0, NA_NEVER, AG_MAX, 0, 0 },
	{ "peak_rss_sum_kib", TG_TOP, "peak_rss_sum_kib", TC_U64, M(peak_rss_sum_kib), 0, NA_NEVER,
	  AG_SUM, 0, 0 },
	{ "minor_faults", TG_TOP, "minor_faults", TC_U64, M(minor_faults), 0, NA_NEVER, AG_SUM, 0, 0 },
	{ "major_faults", TG_TOP, "major_faults", TC_U64, M(major_faults), 0, NA_NEVER, AG_SUM, 0, 0 },
	{ "vol_ctx", TG_TOP, "vol_ctx", TC_U64, M(vol_ctx), 0, NA_NEVER, AG_SUM, 0, 0 },
	{ "invol_ctx", TG_TOP, "invol_ctx", TC_U64, M(invol_ctx), 0, NA_NEVER, AG_SUM, 0, 0 },
	{ "read_bytes", TG_TOP, "read_bytes", TC_U64, M(read_bytes), 0, NA_IO, AG_SUM, 0, 0 },
	{ "write_bytes", TG_TOP, "write_bytes", TC_U64, M(write_bytes), 0, NA_IO, AG_SUM, 0, 0 },
	{ "bytes", TG_TOP, "bytes", TC_U64, M(bytes), 0, NA_NEVER, AG_SUM, 0, 0 },
	{ "ops", TG_TOP, "ops", TC_U64, M(ops), 0, NA_NEVER, AG_SUM, 0, 0 },
	{ "mib_per_s", TG_TOP, "mib_per_s", TC_DBL, M(mib_per_s), 3, NA_NEVER, AG_SELF, 0, 0 },
	{ "ops_per_s", TG_TOP, "ops_per_s", TC_DBL, M(ops_per_s), 1, NA_NEVER, AG_SELF, 0, 0 },
	{ "digest", TG_TOP, "digest", TC_ASTR, M(digest), 0, NA_NEVER, AG_SELF, 0, 0 },
	{ "valid", TG_TOP, "valid", TC_BOOL, M(valid), 0, NA_NEVER, AG_SELF, 0, 0 },
	{ "error", TG_TOP, "error", TC_ASTR, M(error), 0, NA_NEVER, AG_SELF, 0, 0 },
	{ "warmup", TG_TOP, "warmup", TC_BOOL, M(warmup), 0, NA_NEVER, AG_SELF, 0, 0 },
	{ "outlier", TG_TOP, "outlier", TC_SPECIAL, 0, 0, NA_NEVER, AG_SELF, TS_OUTLIER, 0 },
	{ "resident_pct", TG_TOP, "resident_pct", TC_SPECIAL, M(resident_pct), 1, NA_NEG, AG_SELF,
	  TS_RESIDENT, 0 },
	{ "cache_flag", TG_TOP, "cache_flag", TC_BOOL, M(cache_flag), 0, NA_NEVER, AG_OR, 0, 0 },
	{ "main_op", TG_TOP, "main_op", TC_SPECIAL, 0, 0, NA_NEVER, AG_SELF, TS_MAIN_OP, 0 },
	{ "lat_p50_us", TG_NONE, NULL, TC_SPECIAL, 0, 1, NA_LAT, AG_SELF, TS_LAT, 0 },
	{ "lat_p99_us", TG_NONE, NULL, TC_SPECIAL, 0, 1, NA_LAT, AG_SELF, TS_LAT, 1 },
	{ "lat_p999_us", TG_NONE, NULL, TC_SPECIAL, 0, 1, NA_LAT, AG_SELF, TS_LAT, 2 },
	{ "lat_max_us", TG_NONE, NULL, TC_SPECIAL, 0, 1, NA_LAT, AG_SELF, TS_LAT, 3 },
	{ "block", TG_TOP, "block", TC_U64, M(block), 0, NA_NEVER, AG_SELF, 0, 0 },
	{ "cpu_s", TG_BREAKDOWN, "cpu_s", TC_SPECIAL, 0, 6, NA_NEVER, AG_SELF, TS_CPU, 0 },
	{ "runq_wait_s", TG_BREAKDOWN, "runq_wait_s", TC_DBL, M(runq_wait_s), 6, NA_DELAY, AG_SUM,
	  0, 0 },
	{ "blkio_wait_s", TG_BREAKDOWN, "blkio_wait_s", TC_DBL, M(blkio_wait_s), 6, NA_DELAY, AG_SUM,
	  0, 0 },
	{ "other_s", TG_BREAKDOWN, "other_s", TC_DBL, M(other_s), 6, NA_DELAY, AG_SUM, 0, 0 },
	{ "threads_max", TG_BREAKDOWN, "threads_max", TC_UINT, M(threads_max), 0, NA_NEVER, AG_SUM,
	  0, 0 },
	{ "procs", TG_BREAKDOWN, "procs", TC_UINT, M(procs), 0, NA_NEVER, AG_SUM, 0, 0 },
	/* an upper bound over ranks: their peaks may differ in time */
	{ "inflight_avg", TG_IO_SHAPE, "inflight_avg", TC_DBL, M(inflight_avg), 2, NA_LAT, AG_SUM,
	  0, 0 },
	{ "inflight_max", TG_IO_SHAPE, "inflight_max", TC_I64, M(inflight_max), 0, NA_LAT, AG_SUM,
	  0, 0 },
	{ "io_uring_enters", TG_IO_SHAPE, "io_uring_enters", TC_U64, M(enter_calls), 0, NA_NEVER,
	  AG_SUM, 0, 0 },
	{ "cycles", TG_NONE, NULL, TC_SPECIAL, 0, 0, NA_NEVER, AG_SELF, TS_HW, HW_CYCLES },
	{ "instructions", TG_NONE, NULL, TC_SPECIAL, 0, 0, NA_NEVER, AG_SELF, TS_HW,
	  HW_INSTRUCTIONS },
	{ "cache_misses", TG_NONE, NULL, TC_SPECIAL, 0, 0, NA_NEVER, AG_SELF, TS_HW, HW_CACHE_MISSES },
	{ "delay_glitches", TG_NONE, NULL, TC_UINT, M(delay_glitches), 0, NA_NEVER, AG_SUM, 0, 0 },
	/* machine-wide: once per node (ranks.c) */
	{ "steal_s", TG_BREAKDOWN, "steal_s", TC_DBL, M(steal_s), 2, NA_NEG, AG_SELF, 0, 0 },
	{ "mem_base_kib", TG_TOP, "mem_base_kib", TC_U64, M(mem_base_kib), 0, NA_MEM, AG_SUM, 0, 0 },
	{ "mem_net_kib", TG_TOP, "mem_net_kib", TC_U64, M(mem_net_kib), 0, NA_MEM, AG_SUM, 0, 0 },
	{ "io_workers", TG_BREAKDOWN, "io_workers", TC_INT, M(io_workers), 0, NA_NEG, AG_SUM_NA,
	  0, 0 },
	{ "ring_wait_s", TG_BREAKDOWN, "ring_wait_s", TC_DBL, M(ring_wait_s), 6, NA_NEVER, AG_SUM,
	  0, 0 },
	{ "svc_p50_us", TG_NONE, NULL, TC_SPECIAL, 0, 1, NA_LAT, AG_SELF, TS_SVC, 0 },
	{ "svc_p99_us", TG_NONE, NULL, TC_SPECIAL, 0, 1, NA_LAT, AG_SELF, TS_SVC, 1 },
	{ "svc_p999_us", TG_NONE, NULL, TC_SPECIAL, 0, 1, NA_LAT, AG_SELF, TS_SVC, 2 },
	{ "svc_max_us", TG_NONE, NULL, TC_SPECIAL, 0, 1, NA_LAT, AG_SELF, TS_SVC, 3 },
	{ "rank", TG_TOP, "rank", TC_SPECIAL, 0, 0, NA_NEVER, AG_SELF, TS_RANK, 0 },
	{ "ranks", TG_TOP, "ranks", TC_SPECIAL, 0, 0, NA_NEVER, AG_SELF, TS_RANKS, 0 },
	{ "node", TG_TOP, "node", TC_ASTR, M(node), 0, NA_NEVER, AG_SELF, 0, 0 },
	{ "straggler", TG_TOP, "straggler", TC_DBL, M(straggler), 3, NA_NEG, AG_SELF, 0, 0 },
	{ "start_skew_us", TG_TOP, "start_skew_us", TC_SPECIAL, M(start_skew_s), 1, NA_NEG, AG_SELF,
	  TS_SKEW, 0 },
	{ "failed_requests", TG_IO_SHAPE, "failed_requests", TC_U64, M(failed_requests), 0, NA_NEVER,
	  AG_SUM, 0, 0 },
	/* each rank has its own server: the worst of them (n/a unless a rank has one) */
	{ "server_late_us", TG_IO_SHAPE, "server_late_us", TC_DBL, M(server_late_us), 1, NA_NEG,
	  AG_MAX, 0, 0 },
	{ "server_late_max_us", TG_IO_SHAPE, "server_late_max_us", TC_DBL, M(server_late_max_us), 1,
	  NA_NEG, AG_MAX, 0, 0 },
	/* each rank counts the others as other processes: n/a over ranks (ranks.c) */
	{ "other_cpu_s", TG_INTERFERENCE, "other_cpu_s", TC_DBL, M(other_cpu_s), 3, NA_NEG, AG_SELF,
	  0, 0 },
	{ "psi_cpu_s", TG_INTERFERENCE, "psi_cpu_s", TC_DBL, M(psi_cpu_s), 3, NA_NEG, AG_SELF, 0, 0 },
	{ "psi_io_s", TG_INTERFERENCE, "psi_io_s", TC_DBL, M(psi_io_s), 3, NA_NEG, AG_SELF, 0, 0 },
	{ "disturbed", TG_TOP, "disturbed", TC_BOOL, M(disturbed), 0, NA_NEVER, AG_OR, 0, 0 },
	{ "foreign_conns", TG_IO_SHAPE, "foreign_conns", TC_U64, M(foreign_conns), 0, NA_NEVER,
	  AG_SUM, 0, 0 },
	{ "idle_cpu_s", TG_INTERFERENCE, "idle_cpu_s", TC_DBL, M(idle_cpu_s), 3, NA_NEG, AG_SELF,
	  0, 0 },
	{ "gil_wait_s", TG_BREAKDOWN, "gil_wait_s", TC_DBL, M(gil_wait_s), 6, NA_NEG, AG_SUM_NA,
	  0, 0 },
	/* the JSON's only */
	{ NULL, TG_TOP, "sum", TC_DBL, M(sum), -1, NA_NEVER, AG_SUM, 0, 0 },
	{ NULL, TG_TOP, "pins", TC_ASTR, M(pins), 0, NA_NEVER, AG_SELF, 0, 0 },
	{ NULL, TG_BREAKDOWN, "sqpoll_cpu_s", TC_DBL, M(sqpoll_cpu_s), 6, NA_NEG, AG_SELF, 0, 0 },
	{ NULL, TG_BREAKDOWN, "task_s", TC_DBL, M(task_s), 6, NA_DELAY_OMIT, AG_SUM, 0, 0 },
	{ NULL, TG_BREAKDOWN, "delay_glitches", TC_UINT, M(delay_glitches), 0, NA_DELAY_OMIT,
	  AG_SELF, 0, 0 },
	{ NULL, TG_IO_SHAPE, "bytes_read", TC_U64, M(bytes_read), 0, NA_NEVER, AG_SUM, 0, 0 },
	{ NULL, TG_IO_SHAPE, "bytes_written", TC_U64, M(bytes_written), 0, NA_NEVER, AG_SUM, 0, 0 },
	{ NULL, TG_IO_SHAPE, "io_uring_sqes", TC_I64, M(uring_sqes), 0, NA_NEG, AG_SUM_NA, 0, 0 },
	{ NULL, TG_IO_SHAPE, "io_uring_iowq", TC_I64, M(uring_iowq), 0, NA_NEG, AG_SUM_NA, 0, 0 },
	{ NULL, TG_INTERFERENCE, "cpus", TC_SPECIAL, 0, 3, NA_NEVER, AG_SELF, TS_CPUS, 0 },
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
