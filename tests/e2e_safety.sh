#!/bin/bash
# e2e_safety.sh - safe as root in shared directories, under faults and
# careless input (issue 13).  The attacker is `nobody`, acting through
# setpriv in a directory everyone can write, as a user on a shared machine.
. "$(dirname "$0")/e2e_lib.sh"

ROOT=0
[ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null && ROOT=1
as_nobody() { setpriv --reuid 65534 --regid 65534 --clear-groups "$@"; }
# alive and not a zombie (a dead process whose parent has not reaped it yet)
running() { local st; st=$(ps -o stat= -p "$1" 2>/dev/null) && [ -n "$st" ] && [[ "$st" != Z* ]]; }
chmod 755 "$T"
S=$T/shared
mkdir -p "$S" && chmod 0777 "$S"	# world-writable, no sticky bit: the worst case
mkdir -p "$T/data"
tiny() { $IOBENCH run --size tiny --dir "$T/data" --repeat 1 --warmup 0 "$@"; }

echo "e2e_safety: planted symlinks are never followed"
if [ $ROOT -eq 1 ]; then
	tiny --results "$T/r0" --workload csv --strategy serial -q --no-plot >/dev/null 2>&1
	csv=$(ls "$T"/r0/*[0-9].csv | head -1); id=$(basename "$csv" .csv)
	echo "root's secret" >"$T/victim" && chmod 600 "$T/victim"
	mkdir -p "$T/victimdir"
	# the plots directory of the run, and its -2, prepared by the attacker
	as_nobody mkdir "$S/plots"
	as_nobody mkdir "$S/plots/$id"
	as_nobody ln -s "$T/victim" "$S/plots/$id/wall.dat"
	as_nobody ln -s "$T/victim" "$S/plots/$id/wall.png"
	as_nobody ln -s "$T/victimdir" "$S/plots/$id-2"
	out=$($IOBENCH plot "$csv" --plots "$S/plots" 2>&1)
	check "plot: the victim file is untouched" grep -qx "root's secret" "$T/victim"
	check "plot: nothing written through a symlinked directory" test -z "$(ls -A "$T/victimdir")"
	check "plot: drawn into a fresh directory of its own" bash -c "test -s '$S/plots/$id-3/wall.png' && grep -q 'plots: $S/plots/$id-3/' <<<'$out'"
	# a plots directory that is someone else's symlink is refused
	as_nobody ln -s "$T/victimdir" "$S/p2"
	expect 1 "symbolic link owned by uid 65534" $IOBENCH plot "$csv" --plots "$S/p2"
	check "plot: no file in the symlink's target" test -z "$(ls -A "$T/victimdir")"
	# the marker of a data directory
	as_nobody mkdir "$S/d"
	as_nobody ln -s "$T/created-by-root" "$S/d/.iobench-data"
	expect 1 "the marker is a symbolic link" $IOBENCH run --size tiny --dir "$S/d" --no-plot
	check "marker: root created nothing through it" test ! -e "$T/created-by-root"
else
	echo "  skip  planted symlinks (needs root and setpriv)"
fi

echo "e2e_safety: removal goes through fds and only removes what iobench made"
mkdir -p "$T/dd"
tiny --dir "$T/dd" --results "$T/r1" --workload md5,array --strategy serial -q --no-plot >/dev/null 2>&1
# a user's things with iobench-like names, in the data directory
mkdir -p "$T/dd/old-project" "$T/dd/thesis.tmp-backup" "$T/dd/csv-out-4242"
echo "spec md5" >"$T/dd/old-project/MANIFEST"
echo "chapter 1" >"$T/dd/thesis.tmp-backup/ch1.tex"
echo "mine" >"$T/dd/csv-out-4242/keep.csv"
out=$($IOBENCH clean --dir "$T/dd" 2>&1)
check "clean removes iobench's datasets" bash -c "! ls '$T/dd' | grep -qE '^(md5|array)-'"
check "clean keeps a user's MANIFEST directory" test -s "$T/dd/old-project/MANIFEST"
check "clean keeps a user's .tmp- directory" test -s "$T/dd/thesis.tmp-backup/ch1.tex"
check "clean keeps a user's csv-out- directory" test -s "$T/dd/csv-out-4242/keep.csv"
check "clean lists them as not ours" bash -c "[ \$(grep -c '^not ours, kept' <<<'$out') -eq 3 ]"
check "clean keeps the marker while anything of the user's is there" test -f "$T/dd/.iobench-data"
if [ $ROOT -eq 1 ]; then
	# our dataset moved aside, a symlink to the victim put in its place
	as_nobody mkdir -p "$S/d2"
	chmod 0777 "$S/d2"
	mkdir -p "$T/victimdir2" && for i in $(seq 20); do echo $i >"$T/victimdir2/f$i"; done
	tiny --dir "$S/d2" --results "$T/r2" --workload md5 --strategy serial -q --no-plot >/dev/null 2>&1
	ds=$(ls "$S/d2" | grep '^md5-' | head -1)
	as_nobody mv "$S/d2/$ds" "$S/d2/moved"
	as_nobody ln -s "$T/victimdir2" "$S/d2/$ds"
	$IOBENCH clean --dir "$S/d2" >"$T/clean2.out" 2>&1
	check "clean: the victim's 20 files survive a swapped path" test "$(ls "$T/victimdir2" | wc -l)" -eq 20
	check "clean: our moved dataset (its record travels with it) is removed" test ! -e "$S/d2/moved"
	check "clean: the planted symlink is kept and said" grep -q "not ours, kept: $S/d2/$ds" "$T/clean2.out"
	# a stale dataset that is not provably ours is not replaced
	tiny --dir "$S/d2" --results "$T/r3" --workload md5 --strategy serial -q --no-plot >/dev/null 2>&1
	ds=$(ls "$S/d2" | grep '^md5-' | grep -v moved | head -1)
	[ -L "$S/d2/$ds" ] && as_nobody rm "$S/d2/$ds"
	as_nobody mkdir "$S/d2/$ds" 2>/dev/null
	as_nobody sh -c "echo user >'$S/d2/$ds/notes'"
	expect 1 "carries no ownership record" tiny --dir "$S/d2" --results "$T/r4" --workload md5 --strategy serial --no-plot
	check "the user's directory in its place is untouched" test -s "$S/d2/$ds/notes"
fi

echo "e2e_safety: one --dir, many runs"
mkdir -p "$T/cc"
for i in 1 2 3; do
	$IOBENCH run --size tiny --dir "$T/cc" --results "$T/cc-r$i" --workload md5,array \
		--strategy serial --repeat 1 --warmup 0 -q --no-plot >"$T/cc$i.out" 2>&1 &
done
wait
check "three runs generating one dataset at once all succeed" bash -c "
	for i in 1 2 3; do [ \$(ls '$T'/cc-r\$i/*[0-9].csv | wc -l) -eq 1 ] || exit 1; done
	! grep -q FAILED '$T'/cc?.out && ! grep -qi 'no such file\|not empty' '$T'/cc?.out"
check "...and left one dataset of each, no temporary directory" bash -c "[ \$(ls '$T/cc' | grep -c -- '-s1$') -eq 2 ] && ! ls '$T/cc' | grep -q tmp-"
# a run that lasts: a replayed trace writing one output after a 1.5 s wait
# (asleep, no CPU), two trials; its output directory is in use meanwhile
printf 'iobench-trace 2\nthreads 1\nfile 0 out 0 o\nopen 0 0 0 wc\nwrite 0 0 0 0 10 wait=1500000000\nclose 0 0 0\n' >"$T/slow-out.iotrace"
$IOBENCH run --size tiny --dir "$T/cc" --results "$T/cc-long" --workload replay \
	--trace "$T/slow-out.iotrace" --strategy serial --repeat 2 --warmup 0 -q --no-plot >"$T/long.out" 2>&1 &
lp=$!
for i in $(seq 100); do ls "$T/cc" | grep -q '^replay-out-' && break; sleep 0.1; done
sleep 0.5
$IOBENCH clean --dir "$T/cc" >"$T/cc-clean.out" 2>&1
wait $lp
st=$?
check "clean during a run skips what the run uses" grep -q "in use by a running iobench, kept" "$T/cc-clean.out"
check "...and the run finishes with every trial valid" bash -c "[ $st -eq 0 ] && ! grep -q FAILED '$T/long.out'"

echo "e2e_safety: results are never lost"
# a run that lasts: a replayed trace whose one read waits 1.5 s first (asleep,
# no CPU), two trials; the results disk fills or goes away meanwhile
printf 'iobench-trace 2\nthreads 1\nfile 0 in 4096 a\nopen 0 0 0 r\nread 0 0 0 0 4096 4096 wait=1500000000\nclose 0 0 0\n' >"$T/slow.iotrace"
slow=(--workload replay --trace "$T/slow.iotrace" --strategy serial --repeat 2 --warmup 0 -q --no-plot)
if small_fs "$T/rfull" 256k; then
	mkdir -p "$T/cwd"
	( cd "$T/cwd" && $IOBENCH run --size tiny --dir "$T/data" --results "$T/rfull" "${slow[@]}" \
		>"$T/rfull.out" 2>&1 ) &
	rp=$!
	for i in $(seq 100); do ls "$T/rfull" | grep -q journal && break; sleep 0.1; done
	dd if=/dev/zero of="$T/rfull/filler" bs=4k 2>/dev/null	# the results disk fills up
	wait $rp
	st=$?
	check "full results disk: the files go to the current directory, and it says so" bash -c "
		[ $st -eq 0 ] && grep -q 'the results were written to . instead' '$T/rfull.out' &&
		ls '$T'/cwd/*[0-9].csv >/dev/null && ls '$T'/cwd/*[0-9].json >/dev/null"
	check "full results disk: no .csv without its .json left there" bash -c "
		for c in \$(ls '$T'/rfull/*[0-9].csv 2>/dev/null); do [ -f \"\${c%.csv}.json\" ] || exit 1; done"
else
	echo "  skip  full results disk (needs root and mount)"
fi
mkdir -p "$T/rgone" "$T/cwd2"
( cd "$T/cwd2" && $IOBENCH run --size tiny --dir "$T/data" --results "$T/rgone" "${slow[@]}" \
	>"$T/rgone.out" 2>&1 ) &
rp=$!
for i in $(seq 100); do ls "$T/rgone" 2>/dev/null | grep -q journal && break; sleep 0.1; done
rm -rf "$T/rgone"
wait $rp
check "results directory deleted mid-run: results in the current directory" bash -c "
	grep -q 'written to . instead' '$T/rgone.out' && ls '$T'/cwd2/*[0-9].json >/dev/null"

echo "e2e_safety: a trial's processes die with it"
# two jobs (a file each) that wait 1.5 s: both forked workers alive meanwhile
{ printf 'iobench-trace 2\nthreads 1\nfile 0 in 4096 a\nfile 1 in 4096 b\n'
  printf 'open 0 0 0 r\nread 0 0 0 0 4096 4096 wait=1500000000\nclose 0 0 0\n'
  printf 'open 0 1 0 r\nread 0 1 0 0 4096 4096 wait=1500000000\nclose 0 1 0\n'; } >"$T/slow2.iotrace"
slow2=(--workload replay --trace "$T/slow2.iotrace" --strategy forked --workers 2 --repeat 2 --warmup 0
       -q --no-plot)
$IOBENCH run --size tiny --dir "$T/data" --results "$T/orph" "${slow2[@]}" >"$T/orph.out" 2>&1 &
main=$!
trial=""
for i in $(seq 100); do
	trial=$(pgrep -P $main | head -1)
	[ -n "$trial" ] && [ "$(pgrep -P "$trial" | wc -l)" -ge 2 ] && break
	sleep 0.1
done
workers=$(pgrep -P "$trial" | tr '\n' ' ')
kill -9 "$trial"
sleep 1
alive=0
for w in $workers; do running "$w" && alive=1; done
check "kill -9 of a forked trial: its workers ($workers) die with it" test $alive -eq 0
wait $main
check "...the trial fails by name and the run goes on to finish" grep -q "killed by signal 9" "$T/orph.out"
$IOBENCH run --size tiny --dir "$T/data" --results "$T/orph2" "${slow2[@]}" >/dev/null 2>&1 &
main=$!
for i in $(seq 100); do
	trial=$(pgrep -P $main | head -1)
	[ -n "$trial" ] && [ "$(pgrep -P "$trial" | wc -l)" -ge 2 ] && break
	sleep 0.1
done
tree="$trial $(pgrep -P "$trial" | tr '\n' ' ')"
if [ $ROOT -eq 1 ]; then echo 0 >/proc/sys/kernel/task_delayacct; fi
sleep 0.2
kill -9 $main
wait $main 2>/dev/null
sleep 1
alive=0
for p in $tree; do running "$p" && alive=1; done
check "kill -9 of iobench: the trial and its workers die too" test $alive -eq 0
if [ $ROOT -eq 1 ]; then
	$IOBENCH clean --dir "$T/data" >"$T/restore.out" 2>&1
	check "a killed run's delay-accounting change is undone by the next clean" bash -c "
		[ \$(cat /proc/sys/kernel/task_delayacct) = 0 ] && grep -q 'restored /proc/sys/kernel/task_delayacct to 0' '$T/restore.out'"
	mkdir -p "$T/data"
fi

echo "e2e_safety: a stopped harness invalidates the trial it stopped"
$IOBENCH run --size tiny --dir "$T/data" --results "$T/stop" "${slow[@]}" >"$T/stop.out" 2>&1 &
main=$!
for i in $(seq 100); do [ -n "$(pgrep -P $main)" ] && break; sleep 0.1; done
kill -STOP $main; sleep 2; kill -CONT $main
wait $main
check "SIGSTOP for 2 s: that trial is invalid, with the reason" grep -q "stopped and resumed" "$T/stop.out"

echo "e2e_safety: limits and sizes"
expect 1 "needs" tiny --results "$T/big" --workload md5 --file-size 1T --files 4 --no-plot
check "--file-size 1T: no dataset was started" bash -c "! ls '$T/data' | grep -q tmp-"
expect 2 "--file-size '1X' is not a size (a whole number, optionally with K, M, G or T)" \
	$IOBENCH run --file-size 1X
expect 2 "--files '10000000' is too large (at most 1000000)" $IOBENCH run --files 10000000
( ulimit -f 1024; $IOBENCH run --size tiny --dir "$T/data2-fsize" --results "$T/fs" --workload md5 \
	--no-plot -q >/dev/null 2>"$T/fsize.err"; echo $? >"$T/fsize.st" ) 2>/dev/null
mkdir -p "$T/data2-fsize"
( ulimit -f 512; $IOBENCH run --size tiny --dir "$T/data2-fsize" --results "$T/fs" --workload md5 \
	--no-plot -q >/dev/null 2>"$T/fsize.err"; echo $? >"$T/fsize.st" )
check "ulimit -f below the file size: a clear error, not a silent death" bash -c "
	[ \$(cat '$T/fsize.st') -eq 1 ] && grep -q 'above the file size limit (ulimit -f)' '$T/fsize.err'"
$PY -c 'import numpy as np, sys; np.lib.format.open_memmap(sys.argv[1], mode="w+", dtype="<f8", shape=(2, 16 << 20))' "$T/wide.npy"
expect 1 "more than the 67108864 bytes one read" tiny --results "$T/w" --workload array --input "$T/wide.npy" --no-plot
truncate -s 600000000 "$T/huge.json"
expect 1 "too large to be an iobench result file" $IOBENCH report "$T/huge.csv"
rm -f "$T/huge.json"
mkfifo "$T/fifo.json"
expect 1 "fifo.json: not a regular file" timeout 10 $IOBENCH report "$T/fifo.json"
rm -f "$T/fifo.json"

echo "e2e_safety: whatever a user names as a file"
mkfifo "$T/fifo"
expect 1 "not a regular file (a FIFO)" timeout 10 $IOBENCH run --size tiny --dir "$T/data" \
	--results "$T/x" --workload array --input "$T/fifo" --no-plot
expect 1 "not a regular file (a device)" $IOBENCH run --size tiny --dir "$T/data" --results "$T/x" \
	--workload array --input /dev/zero --no-plot
expect 1 "not a regular file (a directory)" $IOBENCH run --size tiny --dir "$T/data" --results "$T/x" \
	--workload array --input "$T/data" --no-plot
odd=$(printf '%s/odd dir "q" \xff\xfe\nline' "$T")
mkdir -p "$odd/data"
$IOBENCH run --size tiny --dir "$odd/data" --results "$odd/res" --plots "$odd/plots" --workload csv \
	--strategy serial --repeat 1 --warmup 0 -q >/dev/null 2>"$T/odd.err"
st=$?
check "a --dir with spaces, quotes, a newline and bytes that are not UTF-8: the run succeeds" test $st -eq 0
check "...its JSON is valid" $PY -c 'import glob, json, sys; [json.load(open(p, encoding="utf-8")) for p in glob.glob(sys.argv[1] + "/res/*.json")]' "$odd"
check "...and the report links images that exist" $PY -c '
import glob, os, re, sys, urllib.parse
md = glob.glob(sys.argv[1] + "/res/*.md")[0]
links = re.findall(r"!\[[^]]*\]\(<([^>]*)>\)", open(md, encoding="utf-8", errors="surrogateescape").read())
ok = links and all(os.path.exists(os.path.join(os.path.dirname(md), urllib.parse.unquote(l, errors="surrogateescape"))) for l in links)
sys.exit(0 if ok else 1)' "$odd"

echo "e2e_safety: exit codes"
touch "$T/plotsfile"
tiny --results "$T/ex" --workload csv --strategy serial --plots "$T/plotsfile" >/dev/null 2>"$T/ex.err"
st=$?
check "--plots unusable: exit 3 (results written, no plots), said" bash -c "[ $st -eq 3 ] && grep -q 'plotsfile' '$T/ex.err' && ls '$T'/ex/*[0-9].json >/dev/null"
mkdir -p "$T/fakebin"
printf '#!/bin/sh\nkill -9 $$\n' >"$T/fakebin/gnuplot" && chmod +x "$T/fakebin/gnuplot"
PATH="$T/fakebin:$PATH" $IOBENCH run --size tiny --dir "$T/data" --results "$T/ex2" --plots "$T/p-ex2" \
	--workload csv --strategy serial --repeat 1 --warmup 0 >/dev/null 2>"$T/ex2.err"
st=$?
check "gnuplot killed: exit 3, and not called 'not installed'" bash -c "[ $st -eq 3 ] && grep -q 'gnuplot failed or was killed' '$T/ex2.err' && ! grep -q 'not installed' '$T/ex2.err'"

if [ "$fails" -ne 0 ]; then
	echo "e2e_safety: $fails check(s) failed"
	exit 1
fi
echo "e2e_safety: all checks passed"
