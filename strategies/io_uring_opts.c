/* io_uring_opts.c - the io_uring strategy's options (io_uring_opts.h). */
#include <stddef.h>

#include "io_uring_opts.h"

const struct wl_option uring_options[URO_N] = {
	[URO_IOWQ] = { "iowq-workers", "N", "at most N kernel workers per ring for the ops that "
		       "can't complete inline (buffered reads on FUSE or NFS...); default: the "
		       "kernel's (0), min(qd, 4 x CPUs)", WLO_NUM, 0, 4096, NULL, { 0, 0, 0, 0 } },
	[URO_SQPOLL] = { "sqpoll", "", "a kernel thread per ring polls for submissions "
			 "(IORING_SETUP_SQPOLL); its CPU time is the trial's too", WLO_FLAG, 0, 1,
			 NULL, { 0 } },
	[URO_FIXED_FILES] = { "uring-fixed-files", "", "files opened into the ring's registered "
			      "table (openat_direct, IOSQE_FIXED_FILE), not descriptors",
			      WLO_FLAG, 0, 1, NULL, { 0 } },
	[URO_FIXED_BUFS] = { "uring-fixed-bufs", "", "reads and writes on registered buffers "
			     "(READ_FIXED, WRITE_FIXED): each job's buffers pinned once",
			     WLO_FLAG, 0, 1, NULL, { 0 } },
};
