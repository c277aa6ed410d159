/* readahead_opt.c - see readahead_opt.h. */
#include <stddef.h>

#include "readahead_opt.h"

const struct wl_option readahead_options[RA_OPT_N] = {
	[RA_OPT_OFF] = { "no-sync-readahead", "", "one op of a job at a time.  By default a "
			 "worker takes every read its job can issue at once (the event loops' "
			 "read-ahead window) and has the kernel start the later ones "
			 "(readahead(2))", WLO_FLAG, 0, 1, NULL, { 0 } },
};
