/* cli_int.h - what cli.c and cli_knobs.c share; not for the subcommands. */
#ifndef IOBENCH_CLI_INT_H
#define IOBENCH_CLI_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"

/* Bounds of a numeric option; sizes take K/M/G suffixes. */
struct num_spec {
	const char *name;
	uint64_t min, max;
	bool size;
};

/* @arg into *@out within @ns's bounds.  0, or -EINVAL with one line in @err. */
int parse_num(const struct num_spec *ns, const char *arg, uint64_t *out, char *err,
	      size_t errlen);
/* Index of @arg in @names, or -EINVAL with an error naming the choices. */
int parse_choice(const char *opt, const char *arg, const char *const *names, size_t n,
		 char *err, size_t errlen);

/*
 * The distinct option names the workloads and strategies declare, in
 * registry order; @flag[i]: names[i] takes no value.
 */
size_t knob_names(const char **out, bool *flag, size_t max);
/*
 * Applies the values @given (NULL: not given) of the options @names over
 * the preset already in @cfg, then runs the selected workloads' checks.
 * 0, or -EINVAL with one line in @err.
 */
int knobs_apply(struct config *cfg, const char *const *names, const char *const *given,
		size_t n, char *err, size_t errlen);
/* The "Workload knobs" and "Strategy options" sections of `iobench run --help`. */
void knobs_usage(FILE *f);

#endif
