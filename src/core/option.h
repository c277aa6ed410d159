/* option.h - a knob a plugin declares: a workload or a strategy.
 *
 * As an fio engine declares its options: the CLI (`--NAME ARG`), `iobench
 * run --help`, the man page, the presets and the run's JSON are made from
 * these tables, so a new knob is one entry in its plugin's own file.  Two
 * plugins may declare the same name (--files: md5 and csv;
 * --no-sync-readahead: threaded, forked and recorded); the option then
 * sets both, each within its own bounds.
 */
#ifndef IOBENCH_OPTION_H
#define IOBENCH_OPTION_H

#include <stdint.h>

#include "config.h"

/* WLO_FLAG takes no value: given, it is 1; its arg is "" */
enum wl_opt_kind { WLO_NUM, WLO_SIZE, WLO_CHOICE, WLO_PATH, WLO_FLAG };
struct wl_option {
	const char *name;	/* the option without "--" */
	const char *arg;	/* its value in --help: N, SIZE, P, FILE.npy ("" for a flag) */
	const char *help;
	enum wl_opt_kind kind;
	uint64_t min, max;		/* WLO_NUM, WLO_SIZE */
	const char *const *choices;	/* WLO_CHOICE: NULL-terminated */
	uint64_t preset[SIZE_NPRESETS];	/* the default per --size (a choice: its index) */
};

#endif
