/* trial_int.h - what trial.c (the parent's side) and trial_child.c (the trial process) share. */
#ifndef IOBENCH_TRIAL_INT_H
#define IOBENCH_TRIAL_INT_H

#include "trial.h"
#include "workload.h"

/*
 * The trial process after the fork: sets up its counters, makes the jobs,
 * runs @st on them, folds the results into @out and @res (memory the
 * parent reads after), and exits.
 */
_Noreturn void trial_child(const struct workload *wl, struct wl_ctx *wctx,
			   const struct strategy *st, const struct trial_opts *o,
			   struct trial_out *out, struct job_result *res);

#endif
