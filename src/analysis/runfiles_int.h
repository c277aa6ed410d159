/* runfiles_int.h - what runfiles.c and runfiles_trial.c share. */
#ifndef IOBENCH_RUNFILES_INT_H
#define IOBENCH_RUNFILES_INT_H

#include <stdbool.h>

#include <jansson.h>

#include "results.h"

/* Trial @t (its histograms @h, NULL: none) as a JSON object of the run's trials[]. */
json_t *trial_json(const struct trial_rec *t, const struct trial_hists *h, bool outlier);

#endif
