/* tpcount.h - kernel tracepoints counted over a trial's process tree.
 *
 * io_uring's own tracepoints tell what the kernel did with each SQE:
 * io_uring_queue_async_work fires once per request handed to the ring's
 * io-wq kernel workers because it could not complete inline or natively
 * async.  Counted with perf_event_open (counting, not sampling), inherited
 * like the hardware counters.  Attached, it slows what it counts: md5 on
 * tmpfs under io_uring (every read through io-wq) took 2.0x as long with
 * the event and 3.3x with a second one (io_uring_submit_req), so only
 * warmup trials count (trial.h), and the SQEs are the strategy's count.
 */
#ifndef IOBENCH_TPCOUNT_H
#define IOBENCH_TPCOUNT_H

#include <stddef.h>
#include <stdint.h>

enum { TP_URING_IOWQ, TP_N };

/*
 * Opens the counters on the calling process, inherited by every thread
 * and process it creates from now on.  Returns 0, or -errno with
 * "n/a: <reason>" in @why (no tracefs, not permitted).
 */
int tp_start(int fds[TP_N], char *why, size_t len);

/* Reads the totals (the threads' are added as they exit); -1: n/a. */
void tp_read(const int fds[TP_N], int64_t out[TP_N]);

#endif
