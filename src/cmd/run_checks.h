/* run_checks.h - run_checks.c's warnings and adjustments, for cmd_run.c. */
#ifndef IOBENCH_RUN_CHECKS_H
#define IOBENCH_RUN_CHECKS_H

#include "config.h"
#include "results.h"
#include "sysinfo.h"

/* ext4 without a journal under a workload that creates files: said, with the remedy. */
void warn_no_journal(const struct config *cfg, const struct wl_ctx *ctxs,
		     const struct sysinfo *si);
/* tmpfs, ramfs: cold (or direct) becomes warm, said once and recorded in @meta. */
void memory_fs(struct config *cfg, struct run_meta *meta);
/* Open-file and process limits too low for many ops in flight: said. */
void warn_limits(void);
/*
 * Which strategies work here (their probe, --model python); the others
 * are said and recorded as such in @res, their reason in @why.  Returns
 * how many work.
 */
unsigned probe_strategies(const struct config *cfg, struct run_meta *meta,
			  struct results *res, char (*why)[256]);

#endif
