#!/bin/bash
# bench/verdict_twice.sh - runs the default job (what `make run` runs) twice
# and prints, per workload, whether the verdict held: the decision (the same
# outcome, faster, equivalent or undecided, and the same pick) and the
# headline (its words, numbers set aside: the runner-up it names may differ
# when two strategies are close behind).  A verdict that flips between two identical
# runs was decided by noise.  Then, with --hog, a third run beside a CPU hog
# (one busy loop per CPU but one, for the whole run): its verdicts must name
# the interference they measured, not the storage.
#
#   bench/verdict_twice.sh [--hog] [run options]   (default: make run's
#                                    --budget 2m; about 2 x 4 minutes, +4 with --hog)
set -u
cd "$(dirname "$0")/.." || exit 1
OUT=bench/out/twice
DATA=${IOBENCH_DATA:-iobench-data}
HOG=0
[ "${1:-}" = "--hog" ] && { HOG=1; shift; }
mkdir -p "$OUT" "$DATA"
ROOT_ARGS=()
[ "$(id -u)" -eq 0 ] && ROOT_ARGS=(--drop-caches)
ARGS=("$@")
[ $# -eq 0 ] && ARGS=(--budget 2m)

# run N: the default job into $OUT; prints the JSON's path
run() {
	./iobench run --dir "$DATA" --results "$OUT" --no-plot -q "${ROOT_ARGS[@]}" "${ARGS[@]}" \
		>"$OUT/run$1.log" 2>&1 || { echo "run $1 failed: see $OUT/run$1.log" >&2; exit 1; }
	ls -t "$OUT"/*[0-9].json | head -1
}

a=$(run 1) || exit 1
b=$(run 2) || exit 1
python3 - "$a" "$b" <<'PYEOF'
import json, re, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
ra = {r["workload"]: r for r in a["recommendations"]}
words = lambda r: re.sub(r"[0-9][0-9.]*", "N", r["reason"])
held = words_held = 0
print("| workload | run 1 | run 2 | decision held | headline held |\n|---|---|---|---|---|")
for r in b["recommendations"]:
    x = ra.get(r["workload"])
    same = x is not None and all(x.get(k) == r.get(k) for k in ("outcome", "strategy"))
    same_words = same and words(x) == words(r)
    held += same
    words_held += same_words
    fmt = lambda v: "%s (%s): %s" % (v.get("outcome", "?"), v["strategy"] or "none", v["reason"])
    print("| %s | %s | %s | %s | %s |" % (r["workload"], fmt(x) if x else "-", fmt(r),
                                         "yes" if same else "NO", "yes" if same_words else "NO"))
print("\n%d of %d decisions held, %d of them word for word (runs %s and %s)" % (
    held, len(b["recommendations"]), words_held, a["run_id"], b["run_id"]))
PYEOF

[ "$HOG" -eq 1 ] || exit 0
n=$(($(nproc) - 1))
[ "$n" -ge 1 ] || n=1
pids=()
for _ in $(seq "$n"); do
	sh -c 'while :; do :; done' &
	pids+=($!)
done
c=$(run 3)
kill "${pids[@]}" 2>/dev/null
wait 2>/dev/null
[ -n "$c" ] || exit 1
python3 - "$c" "$n" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
named = 0
print("\nbeside %s busy loop(s), run %s:" % (sys.argv[2], d["run_id"]))
for r in d["recommendations"]:
    says = "other processes used" in r["reason"] + " " + r.get("interference", "")
    named += says
    print("  %s: %s (%s); %s of %s trials disturbed; %s" % (
        r["workload"], r["outcome"], r["strategy"] or "none", r.get("disturbed"),
        r.get("trials"), r["reason"]))
    if r.get("interference") and r["outcome"] != "undecided":
        print("    note: %s" % r["interference"])
print("%d of %d verdicts name the interference" % (named, len(d["recommendations"])))
sys.exit(0 if named == len(d["recommendations"]) else 1)
PYEOF
