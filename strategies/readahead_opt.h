/* readahead_opt.h - the blocking pools' --no-sync-readahead, declared once.
 *
 * threaded, forked and recorded each list it among their options (the
 * option then sets all three), at index 0.
 */
#ifndef IOBENCH_READAHEAD_OPT_H
#define IOBENCH_READAHEAD_OPT_H

#include "option.h"

enum { RA_OPT_OFF, RA_OPT_N };
extern const struct wl_option readahead_options[RA_OPT_N];

#endif
