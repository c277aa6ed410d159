#!/bin/bash
# bench/verdict_twice.sh - runs the default job (what `make run` runs) twice
# and prints, per workload, whether the recommendation and its reason held.
# A verdict that flips between two identical runs was decided by noise.
#
#   bench/verdict_twice.sh [run options]   (default: make run's --budget 2m;
#                                           about 2 x 3.5 minutes)
set -u
cd "$(dirname "$0")/.." || exit 1
OUT=bench/out/twice
DATA=${IOBENCH_DATA:-iobench-data}
mkdir -p "$OUT" "$DATA"
ROOT_ARGS=()
[ "$(id -u)" -eq 0 ] && ROOT_ARGS=(--drop-caches)
jsons=()
ARGS=("$@")
[ $# -eq 0 ] && ARGS=(--budget 2m)
for i in 1 2; do
	./iobench run --dir "$DATA" --results "$OUT" --no-plot -q "${ROOT_ARGS[@]}" "${ARGS[@]}" \
		>"$OUT/run$i.log" 2>&1 || { echo "run $i failed: see $OUT/run$i.log"; exit 1; }
	jsons+=("$(ls -t "$OUT"/*.json | head -1)")
done
python3 - "${jsons[@]}" <<'PYEOF'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
ra = {r["workload"]: r for r in a["recommendations"]}
held = 0
print("| workload | run 1 | run 2 | held |\n|---|---|---|---|")
for r in b["recommendations"]:
    x = ra.get(r["workload"])
    same = x is not None and x["strategy"] == r["strategy"] and x["reason"] == r["reason"]
    held += same
    fmt = lambda v: "%s: %s" % (v["strategy"] or "none", v["reason"])
    print("| %s | %s | %s | %s |" % (r["workload"], fmt(x) if x else "-", fmt(r), "yes" if same else "NO"))
print("\n%d of %d verdicts held (runs %s and %s)" % (held, len(b["recommendations"]), a["run_id"], b["run_id"]))
PYEOF
