/* pin.h - binding threads and processes to cores (--pin), with hwloc. */
#ifndef IOBENCH_PIN_H
#define IOBENCH_PIN_H

#include <stdbool.h>

/*
 * Loads the topology and the cores' cpusets once, in the parent, so trial
 * processes and workers inherit them.  0 or -errno.
 */
int pin_init(void);

/*
 * Binds the calling thread to core @k modulo the number of cores.  Does
 * nothing when pin_init() was not called.  0 or -errno.
 */
int pin_self(unsigned k);

#endif
