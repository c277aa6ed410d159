/* io_uring_opts.h - the io_uring strategy's options and traits.
 *
 * In a file of their own so that a build without liburing, which links
 * src/without/io_uring.c instead of io_uring.c, declares the very same
 * strategy: the same options on the command line, the same traits.
 */
#ifndef IOBENCH_IO_URING_OPTS_H
#define IOBENCH_IO_URING_OPTS_H

#include "option.h"

/* indexes into uring_options[], and so into strat_ctx.opt */
enum { URO_IOWQ, URO_SQPOLL, URO_FIXED_FILES, URO_FIXED_BUFS, URO_N };
extern const struct wl_option uring_options[URO_N];

#define IO_URING_TRAITS				\
	.name = "io_uring",			\
	.options = uring_options,		\
	.noptions = URO_N,			\
	.uses_workers = true,			\
	.uses_qd = true,			\
	.no_python = true

#endif
