#!/bin/bash
# e2e_recipes.sh - docs/HACKING.md's recipes, followed step by step in a
# scratch copy of the tree: a strategy with an option, a workload, a
# column, a subcommand, and a change of the verdict rule.  Each step is
# only what its recipe says to write; the checks are what the recipe
# promises then: the copy builds, the new things run end to end with
# their results checked, --help, the man page and the completion know
# them, and the test a recipe names fails while its step is left undone.
. "$(dirname "$0")/e2e_lib.sh"
MAKE=${MAKE:-make}
ROOT=$(cd "$HERE/.." && pwd)
S=$T/tree
B=$S/b

echo "e2e_recipes: a scratch copy of the tree"
mkdir -p "$S" "$T/data"
if git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$ROOT" && git ls-files -z | tar --null -cf - -T - 2>/dev/null) | tar -xf - -C "$S"
else
	(cd "$ROOT" && tar -cf - Makefile src strategies workloads tests schema scripts plots docs) |
		tar -xf - -C "$S"
fi
# build: the copy's binary and the named tests, -O0 and without MPI (only the shape is tested)
build() {
	$MAKE -C "$S" --no-print-directory -j2 MPI=0 OPT=-O0 SANITIZE= BUILD="$B" BIN="$B/iobench" \
		"$@" >"$T/make.log" 2>&1 || { tail -5 "$T/make.log" | sed 's/^/    /'; return 1; }
}
check "the copy builds as it is" build "$B/iobench"

# ---- Add a strategy, and give it an option ----
# "copy strategies/serial.c, fill a struct strategy, add it to the list in
# src/core/registry.c"; "one entry in the strategy's option table, listed
# in its struct strategy; run() reads the value as ctx->opt[i]"
cat >"$S/strategies/backwards.c" <<'EOF'
/* backwards.c - the jobs one after another, last first (a recipe's test). */
#include "option.h"
#include "strategy.h"

enum { BW_SKIP_FIRST };
static const struct wl_option backwards_options[] = {
	[BW_SKIP_FIRST] = { "backwards-from", "N", "start N jobs before the last", WLO_NUM, 0, 1000,
			    NULL, { 0, 0, 0, 0 } },
};

static int backwards_run(struct strat_ctx *ctx)
{
	size_t from = ctx->opt[BW_SKIP_FIRST] % (ctx->njobs ? ctx->njobs : 1);

	for (size_t i = 0; i < ctx->njobs; i++)
		job_run_blocking(ctx->jobs[(ctx->njobs - 1 - from + ctx->njobs - i) % ctx->njobs],
				 false);
	return 0;
}

const struct strategy strategy_backwards = {
	.name = "backwards",
	.desc = "one job after another, the last first",
	.run = backwards_run,
	.options = backwards_options,
	.noptions = sizeof(backwards_options) / sizeof(backwards_options[0]),
};
EOF
sed -i -e 's/strategy_io_uring, strategy_null;/strategy_io_uring, strategy_null, strategy_backwards;/' \
	-e 's/^\t&strategy_null,$/\t\&strategy_null,\n\t\&strategy_backwards,/' "$S/src/core/registry.c"

# ---- Add a workload ----
# "copy workloads/null.c ...; then the registry"
sed 's/null/tick/g' "$S/workloads/null.c" >"$S/workloads/tick.c"
sed -i -e 's/workload_replay, workload_null;/workload_replay, workload_null, workload_tick;/' \
	-e 's/^\t&workload_null,$/\t\&workload_null,\n\t\&workload_tick,/' "$S/src/core/registry.c"

# ---- Add a column ----
# "one line at the end of the CSV's columns in TRIAL_COLS; fill it in
# trial.c; describe it in the schema; add it to the frozen header"
python3 - "$S" <<'EOF'
import sys
s = sys.argv[1]
p = s + '/src/core/trial.h'
h = open(p).read()
mark = "\t/* the JSON's only */ \\\n"
assert mark in h
h = h.replace(mark, '\tCOL(ops_twice, TC_U64, "ops_twice", TG_IO_SHAPE, "ops_twice", 0, NA_NEVER, '
	      'AG_SUM) \\\n' + mark)
open(p, 'w').write(h)
p = s + '/src/core/trial.c'
c = open(p).read()
mark = '\trec->ops = out->ops;\n'
assert mark in c
open(p, 'w').write(c.replace(mark, mark + '\trec->ops_twice = 2 * out->ops;\n'))
p = s + '/tests/test_results.c'
c = open(p).read()
mark = '"foreign_conns,idle_cpu_s,gil_wait_s");'
assert mark in c
open(p, 'w').write(c.replace(mark, '"foreign_conns,idle_cpu_s,gil_wait_s,ops_twice");'))
EOF
schema_add() {
	"$PY" - "$S/schema/iobench-run.schema.json" <<'EOF'
import json, sys
p = sys.argv[1]
s = json.load(open(p))
shape = s['properties']['trials']['items']['properties']['io_shape']['properties']
shape['ops_twice'] = {'type': 'integer', 'minimum': 0, 'description': 'twice ops (a recipe test)'}
json.dump(s, open(p, 'w'), indent=1)
EOF
}

# ---- Add a subcommand ----
# "a src/cmd/cmd_<name>.c with its usage text and cmd_<name>(), declared
# in commands.h and listed in main.c; parse with one of cli.h's helpers"
cat >"$S/src/cmd/cmd_hello.c" <<'EOF'
/* cmd_hello.c - `iobench hello`: names its --dir (a recipe's test). */
#include <stdio.h>

#include "cli.h"
#include "commands.h"

static const char hello_usage[] =
	"Usage: iobench hello [--dir DIR]\n"
	"Says hello to DIR (default .).\n";

int cmd_hello(int argc, char **argv)
{
	const char *dir = ".";
	int rc = cli_parse_dir(argc, argv, hello_usage, &dir);

	if (rc >= 0)
		return rc;
	printf("hello %s\n", dir);
	return 0;
}
EOF
sed -i 's/^int cmd_trace(int argc, char \*\*argv);$/&\nint cmd_hello(int argc, char **argv);/' \
	"$S/src/cmd/commands.h"
sed -i -e 's/^\t{ "trace", cmd_trace, false },$/&\n\t{ "hello", cmd_hello, false },/' \
	-e 's/^\t"  clean     remove the datasets iobench made (and nothing else)\\n"$/&\n\t"  hello     say hello to a directory\\n"/' \
	"$S/src/cmd/main.c"

echo "e2e_recipes: the copy with the four recipes followed"
if ! check "it builds, with test_registry, test_results and test_summary" \
	build "$B/iobench" "$B/tests/test_registry" "$B/tests/test_results" "$B/tests/test_summary"; then
	echo "e2e_recipes: the copy did not build; nothing else can be checked"
	exit 1
fi
IB=$B/iobench
check "test_registry passes with the new strategy and workload in the tables" \
	bash -c "cd '$S' && '$B/tests/test_registry' >'$T/reg.log' 2>&1"
check "list shows the strategy and the workload" bash -c \
	"'$IB' list | grep -qE '^  backwards +available +one job after another, the last first' &&
	 '$IB' list | grep -qE '^  tick +no-op operations'"
check "run --help has the strategy's option, the workload's knobs" bash -c \
	"'$IB' run --help | grep -qE -- '--backwards-from N +backwards: start N jobs before the last' &&
	 '$IB' run --help | grep -qE -- '--tick-jobs N +tick: jobs per trial'"
"$IB" run --size tiny --workload tick,md5 --strategy serial,backwards --backwards-from 3 \
	--tick-jobs 5 --repeat 2 --warmup 0 --dir "$T/data" --results "$T/res" --no-plot -q \
	>"$T/run.out" 2>"$T/run.err"
check "a run of the new workload under the new strategy, its option given: exit 0" \
	test $? -eq 0 || sed 's/^/    /' "$T/run.err" | tail -5
J=$(ls "$T"/res/*[0-9].json 2>/dev/null | head -1)
C=${J%.json}.csv
check "every trial valid (digests checked), tick with its 5 jobs, backwards beside serial" \
	"$PY" -c "
import json, sys
d = json.load(open('$J'))
t = [x for x in d['trials'] if not x['warmup']]
assert t and all(x['valid'] for x in t), 'an invalid trial'
assert {(x['workload'], x['strategy']) for x in t} == \
	{(w, s) for w in ('tick', 'md5') for s in ('serial', 'backwards')}
assert any(x['jobs'] == 5 for x in d['datasets'] if x['workload'] == 'tick'), d['datasets']
"
check "the option in the JSON: config.strategy_options.backwards.backwards-from = 3" \
	"$PY" -c "
import json
assert json.load(open('$J'))['config']['strategy_options']['backwards'] == {'backwards-from': 3}"
expect 2 "backwards-from" "$IB" run --size tiny --workload tick --strategy backwards \
	--backwards-from 1001 --dir "$T/data" --results "$T/res2" -q
check "...naming the bound the table gave, and nothing written" bash -c \
	"'$IB' run --workload tick --strategy backwards --backwards-from 1001 2>&1 | grep -q 1000 &&
	 [ ! -e '$T/res2' ]"
check "the column: last in the CSV header, twice the ops in every row" \
	"$PY" -c "
import csv
rows = list(csv.DictReader(open('$C')))
assert open('$C').readline().rstrip().endswith(',gil_wait_s,ops_twice')
assert rows and all(int(r['ops_twice']) == 2 * int(r['ops']) for r in rows)"
check "the column: in each JSON trial's io_shape" "$PY" -c "
import json
t = json.load(open('$J'))['trials']
assert all(x['io_shape']['ops_twice'] == 2 * x['ops'] for x in t)"
check "test_results fails while the schema lacks the column, naming it" bash -c \
	"cd '$S' && ! '$B/tests/test_results' >'$T/tr.log' 2>&1 &&
	 grep -q 'column ops_twice: no \"ops_twice\" in the schema' '$T/tr.log'"
schema_add
check "with the schema's line, test_results passes (the frozen header has the column)" \
	bash -c "cd '$S' && '$B/tests/test_results' >'$T/tr.log' 2>&1"
check "the run's JSON is valid against the copy's schema" \
	"$PY" "$S/tests/schema_check.py" "$S/schema/iobench-run.schema.json" "$J"
rm -rf "$T/res"	# checked against the copy's schema; the main tree's has no ops_twice
check "hello --dir: the subcommand runs" bash -c "[ \"\$('$IB' hello --dir /x)\" = 'hello /x' ]"
check "hello --help: its usage" bash -c \
	"'$IB' hello --help | grep -qx 'Usage: iobench hello \[--dir DIR\]'"
expect 2 "bogus" "$IB" hello --bogus
check "the man page and the completion know hello and its option" bash -c \
	"cd '$S' && scripts/mkman.sh '$IB' | grep -qx 'Usage: iobench hello \[--dir DIR\]' &&
	 scripts/mkcompletion.sh '$IB' | grep -qE \"^[[:space:]]*hello\\) opts='--dir' ;;\""

# ---- Change the verdict rule ----
# "summary_outcome() in src/analysis/verdict.c ...; tests/test_summary.c
# holds known answers": a rule changed without its answers fails them.
check "test_summary passes as the rule is" bash -c "cd '$S' && '$B/tests/test_summary' >'$T/ts.log' 2>&1"
sed -i 's/ && e->ratio >= 1 + margin)$/)/' "$S/src/analysis/verdict.c"
if grep -q 'e->ratio >= 1 + margin' "$S/src/analysis/verdict.c"; then
	fail "the rule to change is no longer in verdict.c: this test must follow it"
elif check "the rule changed (a gap below the margin may be 'faster'): it builds" \
	build "$B/tests/test_summary"; then
	check "...and test_summary's known answers fail" \
		bash -c "cd '$S' && ! '$B/tests/test_summary' >'$T/ts.log' 2>&1"
fi

# the copy's fixtures and results are not this tree's to check against its schema
[ -n "${E2E_KEEP:-}" ] || rm -rf "$S"
[ "$fails" -eq 0 ] && echo "e2e_recipes: all checks passed" || echo "e2e_recipes: $fails check(s) failed"
exit $((fails > 0))
