/* hwcount.h - hardware counters for a trial's whole process tree. */
#ifndef IOBENCH_HWCOUNT_H
#define IOBENCH_HWCOUNT_H

#include <stddef.h>
#include <stdint.h>

enum { HW_CYCLES, HW_INSTRUCTIONS, HW_CACHE_MISSES, HW_N };
extern const char *const hw_names[HW_N];

/*
 * Opens the counters on the calling process, inherited by every thread
 * and process it creates from now on (perf_event_open, inherit=1).
 * Returns 0, or -errno with "n/a: <reason>" in @why (many VMs have none).
 */
int hw_start(int fds[HW_N], char *why, size_t len);

/* Reads the totals (the children's are added as they exit); -1: n/a. */
void hw_read(const int fds[HW_N], int64_t out[HW_N]);

#endif
