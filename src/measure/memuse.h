/* memuse.h - what a trial's processes add to memory, net of the harness.
 *
 * A trial process is a fork of the harness: at its start it already holds
 * the harness's pages (prepared workloads, the result array, libraries),
 * and how many depends on the rest of the run.  So each process of a trial
 * measures its own resident set just before the strategy runs (its base),
 * resets its high-water mark to that, and at the end takes the new high
 * water: the difference is what the strategy's execution added in that
 * process.  A forked worker does the same from its own start, so pages it
 * inherits (shared copy-on-write with the trial process) are never counted
 * once per worker.  Only anonymous memory counts (heap, stacks, buffers):
 * file pages (library code a worker touches for the first time, already in
 * the page cache and shared with the harness) and shared memory (the
 * trial's result and latency pages) are resident in every process that
 * touches them, so their growth is taken out of the peak.  Pages a worker
 * copies on write are not counted either: the kernel's resident count
 * does not move when a shared page becomes a private one.
 *
 * Resolution: the kernel keeps resident counts per CPU and folds them into
 * the figure /proc shows in batches of 32 pages, so any one reading may
 * be off by up to 32 pages (128 KiB) per CPU.  Differences below about
 * 1 MiB are never used to decide anything (summary.h).
 */
#ifndef IOBENCH_MEMUSE_H
#define IOBENCH_MEMUSE_H

#include <stdint.h>

struct mem_mark {
	uint64_t base_kib;	/* resident when marked */
	uint64_t file_kib, shmem_kib;	/* of which file pages, shared memory */
};

/*
 * Marks the start of the measured part of this process: resets the peak
 * resident set to the current one (/proc/self/clear_refs "5", Linux 4.0)
 * and records it.  Returns 0, or -errno when the resident set cannot be
 * read (then nothing can be measured).
 */
int mem_mark(struct mem_mark *m);

/*
 * Peak resident set since mem_mark() above its base, less the growth of
 * file pages and shared memory since then, in KiB.  Returns 0
 * or -errno.  Without a reset high-water mark the peak since the fork is
 * used, which is the base unless the process shrank before the mark.
 */
int mem_net_since(const struct mem_mark *m, uint64_t *net_kib);

#endif
