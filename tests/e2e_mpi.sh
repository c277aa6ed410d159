#!/bin/bash
# e2e_mpi.sh - iobench under mpirun on this one machine (issue 15): ranks in
# lockstep, the work split or repeated, one result set, faults that name
# the rank and never hang.  Skipped (said) without mpirun; a build without
# MPI is checked for its refusal instead.
. "$(dirname "$0")/e2e_lib.sh"

if ! command -v mpirun >/dev/null; then
	echo "e2e_mpi: skipped: no mpirun (scripts/deps.sh test installs Open MPI)"
	exit 0
fi
# Open MPI refuses root unless told; tests run as root in CI
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# -k: mpirun once sat on a futex for 18 minutes after timeout's TERM, its ranks gone
MPIRUN=(timeout -k 15 120 mpirun --oversubscribe)
mkdir -p "$T/data"

if ! $IOBENCH version | grep -q ", MPI ("; then
	echo "e2e_mpi: a build without MPI started by mpirun"
	"${MPIRUN[@]}" -np 2 $IOBENCH run --size tiny --dir "$T/data" --results "$T/nompi" >"$T/nompi.out" 2>&1
	st=$?
	check "refused, said once, nothing run" bash -c "[ $st -ne 0 ] &&
		[ \$(grep -c 'built without MPI' '$T/nompi.out') -eq 1 ] && [ ! -e '$T/nompi' ]"
	[ "$fails" -eq 0 ] && echo "e2e_mpi: all checks passed" || echo "e2e_mpi: $fails check(s) failed"
	exit $((fails > 0))
fi

# tiny run with ARGS into results dir $1 under mpirun -np $2; prints the CSV
mrun() {
	local out=$1 np=$2; shift 2
	"${MPIRUN[@]}" -np "$np" $IOBENCH run --size tiny --dir "$T/data" --results "$out" \
		--repeat 1 --warmup 0 --no-plot -q "$@" >"$out.log" 2>&1
	echo $? >"$out.status"
	ls "$out"/*.csv 2>/dev/null | grep -v -- -summary.csv | head -1
}

echo "e2e_mpi: --mpi-share split, 2 ranks, against a single process"
plain=$(mkdir -p "$T/plain" && $IOBENCH run --size tiny --dir "$T/data" --results "$T/plain" \
	--repeat 1 --warmup 0 --no-plot -q >/dev/null 2>&1; ls "$T"/plain/*[0-9].csv)
split=$(mrun "$T/split" 2)
check "split: exit 0" test "$(cat "$T/split.status")" -eq 0
check "split: exactly one result set, rank 0's" test "$(ls "$T/split" | grep -c '\.json$')" -eq 1
check "split: every rank's row and every aggregate valid; the aggregate digest is a single process's" \
	$PY - "$split" "$plain" <<'PYEOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
plain = {(r["workload"], r["strategy"]): r["digest"] for r in csv.DictReader(open(sys.argv[2]))}
agg = [r for r in rows if r["rank"] == "all"]
ranks = [r for r in rows if r["rank"] != "all"]
ok = len(agg) == len(plain) and len(ranks) == 2 * len(agg)
ok = ok and all(r["valid"] == "1" and r["ranks"] == "2" for r in rows)
ok = ok and all(r["digest"] == plain[(r["workload"], r["strategy"])] for r in agg)
# the ranks divided the work: their digests are their shares', not the whole's
ok = ok and all(r["digest"] != plain[(r["workload"], r["strategy"])] for r in ranks)
sys.exit(0 if ok else 1)
PYEOF
check "split: aggregate bytes and ops are the ranks' sums, wall spans theirs" $PY - "$split" <<'PYEOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
ok = True
for a in (r for r in rows if r["rank"] == "all"):
    mine = [r for r in rows if r["rank"] != "all" and r["workload"] == a["workload"]
            and r["strategy"] == a["strategy"] and r["trial"] == a["trial"]]
    ok = ok and len(mine) == 2
    ok = ok and int(a["bytes"]) == sum(int(r["bytes"]) for r in mine)
    ok = ok and int(a["ops"]) == sum(int(r["ops"]) for r in mine)
    ok = ok and float(a["wall_s"]) >= max(float(r["wall_s"]) for r in mine) - 0.001
    ok = ok and float(a["straggler"]) >= 1
sys.exit(0 if ok else 1)
PYEOF
check "split: the JSON names the ranks' nodes and clock offsets" $PY -c '
import json, sys
m = json.load(open(sys.argv[1][:-4] + ".json"))["mpi"]
sys.exit(0 if m["ranks"] == 2 and m["share"] == "split" and len(m["nodes"]) == 2 and len(m["clock_offset_ns"]) == 2 else 1)' "$split"
check "split: the summary counts the aggregate rows only" $PY -c '
import csv, sys
s = list(csv.DictReader(open(sys.argv[1][:-4] + "-summary.csv")))
sys.exit(0 if s and all(r["n"] == "1" for r in s if r["total"] != "0") else 1)' "$split"

$IOBENCH report "$split" --plots "$T/none" >/dev/null 2>&1
check "split: the report says the ranks and how they kept pace" bash -c "
	grep -q 'under mpirun: 2 ranks, --mpi-share split' '${split%.csv}.md' &&
	grep -q '^Ranks (each rank' '${split%.csv}.md'"
scal=$($IOBENCH scaling "$plain" "$split" --plots "$T/sp" 2>&1)
check "scaling: one and two ranks per strategy, the efficiency, a plot" bash -c "
	[ \$(grep -cE '^  md5 +serial +[12] ' <<<'$scal') -eq 2 ] && grep -qE '^  md5 +serial +1 .* 1.00' <<<'$scal' &&
	ls '$T'/sp/scaling-*/scaling-md5.png >/dev/null"
expect 2 "scaling takes two or more result files" $IOBENCH scaling "$split"

echo "e2e_mpi: --mpi-share each, 4 ranks"
each=$(mrun "$T/each" 4 --mpi-share each --workload md5,array)
check "each: exit 0, all valid" $PY -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
sys.exit(0 if open(sys.argv[2]).read().strip() == "0" and rows and all(r["valid"] == "1" for r in rows) else 1)' "$each" "$T/each.status"
check "each: every rank's datasets under its own --dir/rank-K" bash -c "
	for k in 0 1 2 3; do ls -d '$T'/data/rank-\$k/md5-* '$T'/data/rank-\$k/array-* >/dev/null || exit 1; done"
check "each: the aggregate moved 4 times one rank's bytes" $PY - "$each" <<'PYEOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
ok = bool(rows)
for a in (r for r in rows if r["rank"] == "all"):
    r0 = [r for r in rows if r["rank"] == "0" and r["workload"] == a["workload"] and r["strategy"] == a["strategy"]]
    ok = ok and int(a["bytes"]) == 4 * int(r0[0]["bytes"]) and a["digest"] == r0[0]["digest"]
sys.exit(0 if ok else 1)
PYEOF

echo "e2e_mpi: a --dir the other ranks can't see"
# rank 1 gets its own empty tmpfs over --dir: as on a node without the shared filesystem
cat >"$T/hide.sh" <<EOF
#!/bin/sh
[ "\$OMPI_COMM_WORLD_RANK" = 0 ] && exec "\$@"
exec unshare -m sh -c 'mount -t tmpfs none "$T/data" && exec "\$0" "\$@"' "\$@"
EOF
chmod +x "$T/hide.sh"
if [ "$(id -u)" -eq 0 ]; then
	"${MPIRUN[@]}" -np 2 "$T/hide.sh" $IOBENCH run --size tiny --dir "$T/data" --results "$T/hid" \
		--workload md5 --repeat 1 --warmup 0 --no-plot -q >"$T/hid.out" 2>&1
	st=$?
	check "unshared --dir: exit non-zero, no results, said by the rank that can't see it" \
		bash -c "[ $st -ne 0 ] && ! ls '$T'/hid/*.json 2>/dev/null &&
			grep -q 'rank 1.*not one directory shared by every rank' '$T/hid.out'"
fi

echo "e2e_mpi: faults"
# a trial process killed on rank 1: that trial fails, naming the rank; the run goes on.
# Trials of 256 MiB (about 0.4 s each here): with 64 MiB ones (0.1 s) a busy
# machine's polling missed all three once in about ten runs.
"${MPIRUN[@]}" -np 2 $IOBENCH run --size tiny --dir "$T/data" --results "$T/kt" --workload md5 \
	--strategy serial --file-size 256M --files 2 --repeat 3 --warmup 0 --no-plot -q >"$T/kt.out" 2>&1 &
job=$!
killed=""
for _ in $(seq 600); do
	for p in $(pgrep -f "iobench run --size tiny --dir $T/data --results $T/kt"); do
		grep -qz '^OMPI_COMM_WORLD_RANK=1$' /proc/$p/environ 2>/dev/null || continue
		# a trial process, not another child (it leads a process group of its own)
		child=$(ps -o pid=,pgid= --ppid "$p" 2>/dev/null | awk '$1 == $2 { print $1; exit }')
		[ -n "$child" ] && kill -9 "$child" 2>/dev/null && killed=$child && break 2
	done
	sleep 0.05
done
wait $job
st=$?
kt_ok() {
	[ -n "$killed" ] && [ "$st" -eq 1 ] && ls "$T"/kt/*[0-9].json >/dev/null &&
		grep -q 'failed: rank 1 (' "$T/kt.out"
}
kt_ok || { echo "    killed '$killed', exit $st; the run said:"; tail -5 "$T/kt.out"; }
check "a rank's trial killed: exit 1, results written, the failure names rank 1" kt_ok
# rank 1 itself killed: mpirun ends the job and names it; nothing is left running
"${MPIRUN[@]}" -np 2 $IOBENCH run --size tiny --dir "$T/data" --results "$T/kr" --workload md5 \
	--strategy serial --file-size 64M --files 2 --repeat 20 --warmup 0 --no-plot -q >"$T/kr.out" 2>&1 &
job=$!
for _ in $(seq 200); do
	for p in $(pgrep -f "iobench run --size tiny --dir $T/data --results $T/kr"); do
		grep -qz '^OMPI_COMM_WORLD_RANK=1$' /proc/$p/environ 2>/dev/null && kill -9 "$p" && break 2
	done
	sleep 0.05
done
wait $job
st=$?
sleep 1
check "a rank killed: the job ends (no hang), non-zero, naming rank 1; no process left" bash -c "
	[ $st -ne 0 ] && [ $st -ne 124 ] && grep -q 'rank 1 .*exited on signal 9' '$T/kr.out' &&
	! pgrep -f 'iobench run --size tiny --dir [^ ]* --results $T/kr' >/dev/null"
# SIGINT to mpirun: rank 0 writes what finished, marked partial
"${MPIRUN[@]}" -np 2 $IOBENCH run --size tiny --dir "$T/data" --results "$T/ki" --workload md5 \
	--strategy serial --repeat 500 --warmup 0 --no-plot -q >"$T/ki.out" 2>&1 &
job=$!
sleep 3
pkill -INT -f "^mpirun --oversubscribe -np 2 $IOBENCH run --size tiny --dir $T/data --results $T/ki"
wait $job
sleep 1
check "SIGINT to mpirun: partial results from rank 0, none stopped mid-trial, nothing left" \
	$PY - "$T/ki" <<'PYEOF'
import csv, glob, json, subprocess, sys
j = glob.glob(sys.argv[1] + "/*[0-9].json")
ok = len(j) == 1 and json.load(open(j[0]))["partial"] is True
rows = list(csv.DictReader(open(j[0][:-5] + ".csv"))) if ok else []
ok = ok and rows and all(r["valid"] == "1" for r in rows)
ok = ok and subprocess.run(["pgrep", "-f", "results " + sys.argv[1]], capture_output=True).returncode == 1
sys.exit(0 if ok else 1)
PYEOF

echo "e2e_mpi: a replayed trace, its jobs split between 2 ranks"
# two threads, each reading an input and writing an output of its own
printf 'iobench-trace 1\nfile 0 in 70000 a\nfile 1 out 0 b\nfile 2 in 5000 c\nfile 3 out 0 d\n%s' \
	'open 0 0 0 r
read 0 0 0 0 65536 65536
open 1 2 0 r
open 0 1 0 wc
write 0 1 0 0 4096
read 1 2 0 0 8192 5000
open 1 3 0 wc
write 1 3 0 100 50
close 0 1 0
close 0 0 0
close 1 3 0
close 1 2 0
' >"$T/two.iotrace"
for jobs in file thread; do
	csv=$(mrun "$T/replay-$jobs" 2 --workload replay --trace "$T/two.iotrace" --replay-jobs $jobs)
	check "replay --replay-jobs $jobs under 2 ranks: exit 0, every row valid (each rank's outputs read back)" \
		$PY - "$csv" "$T/replay-$jobs.status" <<'PYEOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1]))) if sys.argv[1] else []
sys.exit(0 if int(open(sys.argv[2]).read()) == 0 and rows and all(r["valid"] == "1" for r in rows) else 1)
PYEOF
done

[ "$fails" -eq 0 ] && echo "e2e_mpi: all checks passed" || echo "e2e_mpi: $fails check(s) failed"
exit $((fails > 0))
