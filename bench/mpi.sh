#!/bin/bash
# bench/mpi.sh - what running under mpirun costs (issue 15), measured side
# by side in one run on this machine:
#
#   1. `mpirun -np 1 iobench run` against the plain binary on the same job:
#      the median trial wall per (workload, strategy), ratio MPI / plain
#      (target: within 2%), alternating the two RUNS times;
#   2. the barrier's spread at trial start with 2 and 4 ranks
#      (start_skew_us of the aggregate rows; target: under 1 ms).
#
#   bench/mpi.sh [RUNS]     (needs a build with MPI: make MPI=1)
set -u
cd "$(dirname "$0")/.." || exit 1
RUNS=${1:-3}
OUT=bench/out/mpi
IOB=$PWD/iobench
PY=python3
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
$IOB version | grep -q ", MPI (" || { echo "bench/mpi.sh: ./iobench has no MPI (make MPI=1)" >&2; exit 1; }
rm -rf "$OUT"
mkdir -p "$OUT/data"
# trials of 50-150 ms: long enough that a fork's page tables are not the story
JOB=(run --size tiny --dir "$OUT/data" --repeat 10 --warmup 1 --no-plot -q
     --workload md5,array --strategy serial,threaded,io_uring --files 4 --file-size 32M
     --rows 65536 --cols 1024 --reads 4096)

for i in $(seq "$RUNS"); do
	$IOB "${JOB[@]}" --results "$OUT/plain" >/dev/null 2>&1
	mpirun -np 1 $IOB "${JOB[@]}" --results "$OUT/np1" >/dev/null 2>&1
done
for np in 2 4; do
	mpirun --oversubscribe -np $np $IOB "${JOB[@]}" --results "$OUT/np$np" >/dev/null 2>&1
done

$PY - "$OUT" <<'EOF' | tee "$OUT/mpi.md"
import csv, glob, statistics, sys
out = sys.argv[1]
def rows(d):
    r = []
    for p in glob.glob(f"{out}/{d}/*[0-9].csv"):
        r += [x for x in csv.DictReader(open(p)) if x["valid"] == "1" and x["warmup"] == "0"]
    return r
def med_wall(rs, wl, st):
    return statistics.median(float(r["wall_s"]) for r in rs if r["workload"] == wl and r["strategy"] == st)
plain, np1 = rows("plain"), rows("np1")
print("| workload | strategy | plain wall (ms) | mpirun -np 1 (ms) | ratio | target 0.98-1.02 |")
print("|---|---|---|---|---|---|")
for wl in ("md5", "array"):
    for st in ("serial", "threaded", "io_uring"):
        a, b = med_wall(plain, wl, st), med_wall(np1, wl, st)
        print(f"| {wl} | {st} | {a*1e3:.3f} | {b*1e3:.3f} | {b/a:.3f} | {'ok' if 0.98 <= b/a <= 1.02 else 'OUT'} |")
print()
print("| ranks | trials | start skew median (us) | p90 (us) | max (us) | target < 1000 |")
print("|---|---|---|---|---|---|")
for np in (2, 4):
    s = sorted(float(r["start_skew_us"]) for r in rows(f"np{np}") if r["rank"] == "all")
    p90 = s[int(0.9 * (len(s) - 1))]
    print(f"| {np} | {len(s)} | {statistics.median(s):.0f} | {p90:.0f} | {s[-1]:.0f} | {'ok' if p90 < 1000 else 'OUT'} |")
EOF
