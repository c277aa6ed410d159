/*
 * recorder.h - which recorder `iobench record` runs a program under.
 *
 * preload: libiobench-rec.so (src/record/preload/iorec.c) in the program,
 * measuring each thread's CPU between its file calls, about 11 us a call;
 * strace: every process and call the kernel sees, compute as wall-clock
 * gaps (time blocked in untraced calls included), at 30-150 us a call.
 * The preload recorder sees nothing in static binaries and Go programs:
 * auto chooses strace for those.
 */
#ifndef IOBENCH_RECORDER_H
#define IOBENCH_RECORDER_H

#include <stdbool.h>
#include <stddef.h>

enum recorder { REC_AUTO, REC_PRELOAD, REC_STRACE, REC_N };
extern const char *const recorder_names[REC_N];

/*
 * The preload library: $IOBENCH_RECLIB, else lib/iobench/ next to the
 * installed binary, else the build tree's; NULL when none is readable.
 */
const char *recorder_lib(void);

/*
 * The recorder for running @prog when @asked: REC_PRELOAD or REC_STRACE,
 * with the reason auto did not take preload in @why ("" when it did); or
 * REC_N when preload was asked for and there is no library (@why says).
 */
enum recorder recorder_choose(enum recorder asked, const char *prog, char *why, size_t len);

/*
 * Does running @prog start a CPython interpreter: python3 itself (by its
 * name), or a script whose #! line names python?
 */
bool recorder_runs_python(const char *prog);

#endif
