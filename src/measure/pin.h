/*
 * pin.h - binding threads and processes to cores (--pin): with hwloc
 * (pin.c), or with sched_setaffinity in a build without it (src/without/pin.c).
 */
#ifndef IOBENCH_PIN_H
#define IOBENCH_PIN_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Loads the topology and the cores' cpusets once, in the parent, so trial
 * processes and workers inherit them.  0 or -errno.
 */
int pin_init(void);

/*
 * Binds the calling thread, the @k-th busy thread of its strategy (named
 * @who, "loop", "worker", "pool"), to core @k; from the (cores+1)-th on,
 * to every allowed CPU, so that no two busy threads share a core while
 * another could be free.  Notes the choice in @m (NULL: nowhere).  Does
 * nothing when pin_init() was not called.  0 or -errno.
 */
struct pin_map;
int pin_self(struct pin_map *m, const char *who, unsigned k);

/* Where each thread of a trial was bound: lives in the trial's shared memory. */
#define PIN_MAP_MAX 32
struct pin_map {
	int n;
	struct {
		char who[16];
		int core;	/* the PU's OS index, -1: any */
	} e[PIN_MAP_MAX];
};
/* Records in @m (NULL: nowhere) that @who@k was bound to PU @core (-1: any). */
void pin_note(struct pin_map *m, const char *who, unsigned k, int core);

/* "loop0=cpu0 pool1=cpu1 pool2=any" */
void pin_describe(const struct pin_map *m, char *out, size_t len);

/* Binds the calling process to the highest-numbered CPU it may run on (the net server, --pin). */
void pin_last_cpu(void);

#endif
