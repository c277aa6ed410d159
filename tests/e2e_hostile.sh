#!/bin/bash
# e2e_hostile.sh - the surfaces added since e2e_safety.sh (issue 28): result
# files, traces and arguments a careless or hostile user hands iobench, and
# what iobench removes.  Each check failed on the code before that issue.
. "$(dirname "$0")/e2e_lib.sh"
mkdir -p "$T/data"
tiny() { $IOBENCH run --size tiny --dir "$T/data" --repeat 2 --warmup 0 --no-plot -q "$@"; }
tiny --results "$T/r" --workload md5 --strategy serial,threaded >/dev/null 2>&1
json=$(ls "$T"/r/*[0-9].json | head -1)
# edit JSON FILE PYTHON: a copy of the run's JSON as FILE, changed by PYTHON (d is the document)
edit() {
	$PY - "$json" "$1" "$2" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
exec(sys.argv[3])
json.dump(d, open(sys.argv[2], "w"))
PYEOF
}

echo "e2e_hostile: result files that iobench did not write as they are"
for v in '"1"' '1.0' 'None'; do
	edit "$T/sv.json" "d['schema_version'] = $v"
	expect 1 "schema_version is not a whole number" $IOBENCH report "$T/sv.json"
done
edit "$T/sv0.json" "d['schema_version'] = 0"
expect 1 "result schema_version 0 is not one this iobench reads (1 to" $IOBENCH report "$T/sv0.json"
edit "$T/slash.json" "d['summary'][0]['workload'] = '../md5'"
expect 1 "is not a workload and strategy name iobench writes" $IOBENCH report "$T/slash.json"
edit "$T/neg.json" "d['summary'][0]['wall_s_counted'][0] = -1.0"
expect 1 "counted wall time -1 is not one a run measures" $IOBENCH compare "$json" "$T/neg.json" \
	--fail-if-slower 5%
edit "$T/huge.json" "d['summary'][0]['wall_s_counted'][0] = 1e308"
expect 1 "counted wall time 1e+308 is not one a run measures" $IOBENCH compare "$json" \
	"$T/huge.json" --fail-if-slower 5%
# 30,000 counted walls a row: the gate's bound once listed every pair (900
# million, 7 GB); in 1.5 GB of address space it must still answer
edit "$T/big.json" "
import random
random.seed(1)
for r in d['summary']:
    r['wall_s_counted'] = [r['wall_s']['median'] * random.lognormvariate(0, 0.05) for _ in range(30000)]
    r['recommended'] = r['strategy'] == 'serial'"
# (a sanitizer build reserves terabytes of address space for its shadow: no limit there)
lim="ulimit -v 1500000;"
[[ "$IOBENCH" == */san-* ]] && lim=""
check "compare --fail-if-slower on 30,000 trials a row: answers in bounded memory" bash -c \
	"$lim timeout 120 $IOBENCH compare '$T/big.json' '$T/big.json' --plots '$T/p' \
	 --fail-if-slower 5% >'$T/big.out' 2>&1 && grep -q 'fail-if-slower: 0 of 1 slower' '$T/big.out'"
rm -f "$T"/{sv,sv0,slash,neg,huge,big}.json	# not files iobench wrote: not for the schema check

echo "e2e_hostile: terminal escapes in what files hold are printed escaped"
printf '\223NUMPY\001\000v\000{'"'"'descr'"'"': '"'"'\033[2J\033]0;owned\007'"'"', '"'"'fortran_order'"'"': False, '"'"'shape'"'"': (4,), }' \
	>"$T/esc.npy"
printf '%*s\n' $((128 - $(stat -c %s "$T/esc.npy") - 1)) '' >>"$T/esc.npy"
$IOBENCH run --size tiny --dir "$T/data" --results "$T/re" --workload array --input "$T/esc.npy" \
	--strategy serial -q --no-plot >/dev/null 2>"$T/esc.err"
check "a .npy whose dtype holds ESC: the error names it escaped, with no raw control byte" bash -c \
	"grep -q 'x1b' '$T/esc.err' && ! grep -qP '[\x00-\x08\x0b-\x1f\x7f]' '$T/esc.err'"
if [ -n "$(command -v strace)" ]; then
	mkdir -p "$T/in"
	echo "some bytes" >"$T/in/x"
	(cd "$T" && $IOBENCH record -o "$T/t.iotrace" --root in -- cat in/x >/dev/null 2>&1)
	$PY - "$T/t.iotrace" <<'PYEOF'
import sys
p = sys.argv[1]
lines = open(p, "rb").read().split(b"\n")
for i, l in enumerate(lines):
    if l.startswith(b"command "):
        lines[i] = b"command \x1b]0;owned\x07\x1b[2J"
open(p, "wb").write(b"\n".join(lines))
PYEOF
	$IOBENCH trace show "$T/t.iotrace" >"$T/show.out" 2>&1
	check "trace show: a command line with ESC in it is printed escaped" bash -c \
		"grep -q '^command:  .x1b' '$T/show.out' && ! grep -qP '[\x00-\x08\x0b-\x1f\x7f]' '$T/show.out'"
fi

echo "e2e_hostile: traces that are not files, or ask for years of compute"
mkfifo "$T/fifo"
mkdir -p "$T/adir"
expect 1 "not a regular file: a FIFO" timeout 10 $IOBENCH trace show "$T/fifo"
expect 1 "not a regular file: a directory" $IOBENCH trace show "$T/adir"
expect 1 "not a regular file: a FIFO" timeout 10 $IOBENCH record -o "$T/x.iotrace" --root "$T" \
	--from-strace "$T/fifo"
expect 1 "not a regular file: a FIFO" timeout 10 $IOBENCH run --size tiny --dir "$T/data" \
	--workload replay --trace "$T/fifo" --no-plot
# a trace whose one op asks 2^64 - 1 ns of compute, and two of 2^63 (a wrapping sum)
good=$(ls "$T"/*.iotrace 2>/dev/null | head -1)
if [ -n "$good" ]; then
	$PY - "$good" "$T/spin.iotrace" "$T/wrap.iotrace" <<'PYEOF'
import sys
lines = open(sys.argv[1]).read().split("\n")
ops = [i for i, l in enumerate(lines) if l.split(" ")[0] in ("open", "read", "write", "close")]
def with_compute(path, values):
    out = list(lines)
    for i, v in zip(ops, values):
        f = out[i].split(" ")
        f[3] = str(v)
        out[i] = " ".join(f)
    open(path, "w").write("\n".join(out))
with_compute(sys.argv[2], [2**64 - 1])
with_compute(sys.argv[3], [2**62, 2**62, 2**62, 2**62])
PYEOF
	expect 1 "before one op is out of range (at most 3600 s)" $IOBENCH trace show "$T/spin.iotrace"
	expect 1 "before one op is out of range" $IOBENCH trace show "$T/wrap.iotrace"
fi
# a trace writing one byte at 2^45: a sparse output of 32 TiB, read back for the proof
(cd "$T" && $IOBENCH record -o "$T/w.iotrace" --root in -- $PY -c \
	"open('in/y', 'w').write(open('in/x').read())" >/dev/null 2>&1)
if [ -s "$T/w.iotrace" ]; then
	$PY - "$T/w.iotrace" <<'PYEOF'
import sys
p = sys.argv[1]
lines = open(p).read().split("\n")
for i, l in enumerate(lines):
    f = l.split(" ")
    if f[0] == "write":
        f[4] = str(2**45)
        lines[i] = " ".join(f)
open(p, "w").write("\n".join(lines))
PYEOF
	expect 1 "replay: the trace's outputs need 32.0 TiB in" timeout 60 $IOBENCH run --size tiny \
		--dir "$T/data" --workload replay --trace "$T/w.iotrace" --no-plot
fi
printf '100 1.000000 openat(AT_FDCWD, "%s/in/x", O_RDONLY) = 3 <0.000010>\n100 1.000100 read(3, "ab", 2) = 2 <0.000010>\n100 100000001.000200 read(3, "", 2) = 0 <0.000010>\n' \
	"$T" >"$T/jump.log"
expect 1 "more than the 3600 s between two ops a trace may hold" $IOBENCH record \
	-o "$T/j.iotrace" --root "$T/in" --from-strace "$T/jump.log"

if [ -n "$(command -v strace)" ]; then
	# SIGTERM to record: strace and the traced program go too, and strace's log
	mkdir -p "$T/rt/in" "$T/rtmp"
	echo x >"$T/rt/in/f"
	(cd "$T/rt" && TMPDIR="$T/rtmp" exec $IOBENCH record -o "$T/rt/t.iotrace" --root in -- $PY -c '
import time
while True:
    open("in/f").read(); time.sleep(0.01)' >/dev/null 2>"$T/rt.err") &
	rec=$!
	sleep 2
	kill -TERM $rec
	t0=$(date +%s%N)
	wait $rec
	st=$?
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	sleep 0.3
	check "SIGTERM to record: exit 143 in $ms ms, strace and the program gone, no log left" bash -c \
		"[ $st -eq 143 ] && [ $ms -lt 3000 ] && ! pgrep -f 'open\(\"in/f\"\)' >/dev/null &&
		 [ -z \"\$(ls -A '$T/rtmp')\" ] && [ ! -e '$T/rt/t.iotrace' ]"
fi

echo "e2e_hostile: arguments"
expect 2 "-o '' names no file" $IOBENCH record -o '' -- /bin/true
check "run --help: no doubled %" bash -c "! $IOBENCH run --help | grep -q '%%'"

echo "e2e_hostile: clean removes what iobench made, never the directory a user made"
mkdir -p "$T/mine"
tiny --dir "$T/mine" --results "$T/rm" --workload md5 --strategy serial >/dev/null 2>&1
$IOBENCH clean --dir "$T/mine" >"$T/clean.out" 2>&1
check "clean --dir DIR: the datasets go, DIR stays, and it says why" bash -c \
	"[ -d '$T/mine' ] && [ -z \"\$(ls -A '$T/mine')\" ] && grep -q 'kept $T/mine: you made it' '$T/clean.out'"

echo "e2e_hostile: markers and locks another user plants in a shared --dir"
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null && command -v flock >/dev/null; then
	as_nobody() { setpriv --reuid 65534 --regid 65534 --clear-groups "$@"; }
	chmod 755 "$T"
	S=$T/shared
	mkdir -p "$S" && chmod 0777 "$S"
	# a marker with a valid-looking token, held locked by its owner
	as_nobody mkdir "$S/m"
	as_nobody sh -c "printf 0123456789abcdef0123456789abcdef >'$S/m/.iobench-data'"
	as_nobody flock "$S/m/.iobench-data" sleep 60 &
	holder=$!
	sleep 0.3
	check "another user's marker: refused at once, naming the file and its owner" bash -c \
		"timeout 20 $IOBENCH run --size tiny --dir '$S/m' --results '$T/rm1' -q --no-plot 2>'$T/m.err';
		 [ \$? -eq 1 ] && grep -q '$S/m/.iobench-data is owned by uid 65534, not by us' '$T/m.err' &&
		 [ \$(wc -l <'$T/m.err') -eq 1 ]"
	kill $holder 2>/dev/null
	# root's own data directory, opened to everyone; the attacker plants the
	# dataset's lock and the per-pid output directories' locks of the pids to come
	mkdir -p "$S/d" && chmod 0777 "$S/d"
	tiny --dir "$S/d" --results "$T/rd0" --workload md5 --strategy serial >/dev/null 2>&1
	ds=$(cd "$S/d" && ls -d md5-* | head -1)
	rm -f "$S/d/.lock-$ds"
	as_nobody touch "$S/d/.lock-$ds"
	check "another user's dataset lock: refused at once, in one line naming it and its owner" bash -c \
		"timeout 20 $IOBENCH run --size tiny --dir '$S/d' --results '$T/rd1' --workload md5 \
		 --strategy serial --repeat 1 --warmup 0 -q --no-plot 2>'$T/d.err';
		 [ \$? -eq 1 ] && grep -q '.lock-$ds is owned by uid 65534' '$T/d.err' &&
		 [ \$(wc -l <'$T/d.err') -eq 1 ]"
	rm -f "$S/d/.lock-$ds"
	next=$(($(cat /proc/sys/kernel/ns_last_pid) + 1))
	as_nobody $PY -c '
import fcntl, os, sys, time
d, first = sys.argv[1], int(sys.argv[2])
held = []
for p in range(first, first + 400):
    f = open("%s/.lock-csv-out-%d" % (d, p), "w")
    fcntl.flock(f, fcntl.LOCK_EX)
    held.append(f)
time.sleep(60)' "$S/d" "$next" &
	holder=$!
	sleep 1
	check "the next pids' output locks, held by another user: refused at once, said" bash -c \
		"timeout 20 $IOBENCH run --size tiny --dir '$S/d' --results '$T/rd2' --workload csv \
		 --strategy serial --repeat 1 --warmup 0 -q --no-plot 2>'$T/o.err';
		 [ \$? -eq 1 ] && grep -q 'another user.s file: refusing it' '$T/o.err'"
	kill $holder 2>/dev/null
	wait 2>/dev/null
	rm -f "$S"/d/.lock-csv-out-*
	# a wait on a lock root's own other process holds: said, and SIGTERM ends it
	flock "$S/d/.lock-$ds" sleep 30 &
	holder=$!
	sleep 0.3
	$IOBENCH run --size tiny --dir "$S/d" --results "$T/rd3" --workload md5 --strategy serial \
		--repeat 1 --warmup 0 -q --no-plot 2>"$T/w.err" &
	run=$!
	sleep 1.5
	kill -TERM $run
	t0=$(date +%s)
	wait $run
	st=$?
	check "a held dataset lock: the wait says what it waits for, and SIGTERM ends it" bash -c \
		"[ $st -ne 0 ] && [ \$(( \$(date +%s) - $t0 )) -le 5 ] &&
		 grep -q 'waiting for another iobench using $S/d/$ds (up to 600 s; Ctrl-C stops)' '$T/w.err'"
	kill $holder 2>/dev/null
	wait 2>/dev/null
else
	echo "  skip  another user's markers and locks (needs root, setpriv and flock)"
fi

echo "e2e_hostile: another run puts delay accounting back off mid-run"
DA=/proc/sys/kernel/task_delayacct
if [ "$(id -u)" -eq 0 ] && [ -w "$DA" ] && [ "$(cat $DA)" = 0 ]; then
	$IOBENCH run --size tiny --dir "$T/data" --results "$T/da" --workload md5 --strategy serial \
		--repeat 40 --warmup 0 -q --no-plot >/dev/null 2>&1 &
	job=$!
	for _ in $(seq 100); do [ "$(cat $DA)" = 1 ] && break; sleep 0.05; done
	sleep 0.5
	echo 0 >$DA	# what the run that had switched it on does as it ends
	wait $job
	check "delay figures: n/a for the trial it changed under, back after, and the setting restored" \
		$PY - "$T/da" "$(cat $DA)" <<'PYEOF'
import glob, json, sys
d = json.load(open(glob.glob(sys.argv[1] + "/*[0-9].json")[0]))
na = [t["trial"] for t in d["trials"] if t["breakdown"]["blkio_wait_s"] is None]
after = [t for t in d["trials"] if na and t["trial"] > max(na)]
print("    trials without delay figures: %s of %d; the sysctl now %s" % (na, len(d["trials"]), sys.argv[2]))
sys.exit(0 if na and len(na) <= 3 and after and all(t["breakdown"]["blkio_wait_s"] is not None
                                                     for t in after) and sys.argv[2] == "0" else 1)
PYEOF
else
	echo "  skip  delay accounting switched off mid-run (needs root and task_delayacct at 0)"
fi

echo "e2e_hostile: strace logs record must not turn into traces its reader refuses"
mkdir -p "$T/lg"
echo "abcdef" >"$T/lg/x"
# log LINE: a strace log opening $T/lg/x, then LINE, then its close
log() { printf '100 1.000000 openat(AT_FDCWD, "%s/lg/x", O_RDONLY) = 3 <0.000010>\n100 1.000100 %s <0.000010>\n100 1.000200 close(3) = 0 <0.000010>\n' "$T" "$1"; }
log 'pread64(3, "ab", 2, -5) = 2' >"$T/neg.log"
log 'read(3, "ab", 2) = 5' >"$T/over.log"
log 'pread64(3, "ab", 2, 18446744073709551615) = 2' >"$T/far.log"
expect 1 "neg.log:2: pread64: offset -5 is out of range" $IOBENCH record -o "$T/neg.iotrace" \
	--root "$T/lg" --from-strace "$T/neg.log"
expect 1 "over.log:2: read: 5 bytes for a count of 2" $IOBENCH record -o "$T/over.iotrace" \
	--root "$T/lg" --from-strace "$T/over.log"
expect 1 "far.log:2: pread64: offset 18446744073709551615 is out of range" $IOBENCH record \
	-o "$T/far.iotrace" --root "$T/lg" --from-strace "$T/far.log"
$PY - "$T" >"$T/many.log" <<'PYEOF'
import sys
for p in range(1, 70002):
    print('%d 1.0 openat(AT_FDCWD, "%s/lg/x", O_RDONLY) = 3 <0.000001>' % (p, sys.argv[1]))
    print('%d 1.0 read(3, "a", 1) = 1 <0.000001>' % p)
    print('%d 1.0 close(3) = 0 <0.000001>' % p)
PYEOF
expect 1 "threads 70001 is out of range (at most 65536)" \
	$IOBENCH record -o "$T/many.iotrace" --root "$T/lg" --from-strace "$T/many.log"
check "no trace file left by any refused log" bash -c "! ls '$T'/{neg,over,far,many}.iotrace 2>/dev/null"
log 'read(3, "ab", 2) = 2' >"$T/ok.log"
check "record --root /: the paths are below it" bash -c "$IOBENCH record -o '$T/slash.iotrace' \
	--root / --from-strace '$T/ok.log' 2>/dev/null && grep -q '^file 0 in 2 ${T#/}/lg/x$' '$T/slash.iotrace'"
if [ -n "$(command -v strace)" ]; then
	nl="$T/a"$'\n'"b"
	mkdir -p "$nl" && echo data >"$nl/f"
	(cd "$nl" && $IOBENCH record -o "$T/nl.iotrace" -- $PY -c "open('f').read()" >/dev/null 2>&1)
	check "a root with a newline: recorded escaped, and read back" bash -c \
		"grep -q '^root $T/a\\\\x0ab$' '$T/nl.iotrace' && $IOBENCH trace show '$T/nl.iotrace' |
		 grep -q '^files:    1 (1 read'"
fi

echo "e2e_hostile: a trace's name is shown, never read for figures"
printf 'iobench-trace 2\nspan_ns 5000\nfile 0 in 100 a\nopen 0 0 0 r\nread 0 0 0 0 100 100\nclose 0 0 0\n' \
	>"$T/x span_ns=999999999999 data=copy.iotrace"
$IOBENCH run --size tiny --dir "$T/data" --repeat 2 --warmup 0 -q --results "$T/nm" --workload replay \
	--trace "$T/x span_ns=999999999999 data=copy.iotrace" --strategy serial >/dev/null 2>&1
check "the report's recorded span and inputs come from the trace's content" bash -c "
	grep -q 'trace=x_span_ns_999999999999_data_copy.iotrace ' '$T'/nm/*[0-9].json &&
	grep -q '| time | 0.0000 s from its first recorded op' '$T'/nm/*.md &&
	grep -q 'its inputs are generated stand-ins' '$T'/nm/*.md"

echo "e2e_hostile: replay work that grew too fast, or would not stop"
# 400,000 one-byte writes at odd offsets: 46 s to plan as a list scanned per write
$PY - "$T/odd.iotrace" <<'PYEOF'
import sys
with open(sys.argv[1], "w") as f:
    f.write("iobench-trace 2\nfile 0 out 0 o\nopen 0 0 0 wc\n")
    f.write("".join("write 0 0 0 %d 1\n" % (2 * i + 1) for i in range(400000)))
    f.write("close 0 0 0\n")
PYEOF
if [[ "$IOBENCH" != */san-* ]]; then
	check "400,000 one-byte writes at odd offsets: planned and replayed within 30 s" \
		timeout 30 $IOBENCH run --size tiny --dir "$T/data" --results "$T/odd" --workload replay \
		--trace "$T/odd.iotrace" --strategy serial --repeat 1 --warmup 0 --no-tune -q --no-plot
fi
# an output that existed before the program ran, of 8 GiB: written before each
# trial; a signal meanwhile ends the run there, not after the trial
printf 'iobench-trace 2\nfile 0 out 8589934592 big\nopen 0 0 0 w\nwrite 0 0 0 0 10\nclose 0 0 0\n' >"$T/pre.iotrace"
$IOBENCH run --size tiny --dir "$T/data" --results "$T/pre" --workload replay --trace "$T/pre.iotrace" \
	--strategy serial --repeat 1 --warmup 0 --no-tune -q --no-plot >/dev/null 2>"$T/pre.err" &
job=$!
# (prepare hashes the 8 GiB it must hold first: seconds under the sanitizers)
for _ in $(seq 1200); do [ -e "$T/data/replay-out-$job/o-000000" ] && break; sleep 0.05; done
sleep 0.5
kill -INT $job
t0=$(date +%s%N)
wait $job
st=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check "SIGINT while an 8 GiB output is written before a trial: exit 130 in $ms ms, no trial" bash -c \
	"[ $st -eq 130 ] && [ $ms -lt 5000 ] && grep -q 'keeping the 0 trials' '$T/pre.err'"

echo "e2e_hostile: scaling, sweep and report on inputs they cannot use"
expect 1 "both ran 1 rank: scaling takes one run per number of ranks" $IOBENCH scaling "$json" "$json"
sweep_many() {
	ulimit -n 1024
	$IOBENCH sweep --size tiny --dir "$T/data" --results "$T/sw" --workload net --conns 10,5000 \
		--repeat 1 --no-plot
}
expect 2 "sweep --conns: 5000 connections need about 5064 open files, but ulimit -n is 1024" sweep_many
check "sweep --conns beyond ulimit -n: no run, no table" test ! -e "$T/sw"
$IOBENCH run --size tiny --dir "$T/data" --results "$T/lat" --workload net --strategy serial \
	--conns 2 --requests 2 --latency-us 300000 --timeout-ms 100 --repeat 1 --warmup 0 --no-tune \
	-q --no-plot >/dev/null 2>"$T/lat.err"
check "--latency-us beyond --timeout-ms: warned before the trials time out" \
	grep -q 'latency-us 300000 is not shorter than --timeout-ms 100: every request will time out' "$T/lat.err"
if [[ "$IOBENCH" != */san-* ]]; then
	# a valid result file of small numbers: its tree is ~40x the text
	edit "$T/fat.json" "d['trials'][0]['pad'] = [1] * 30000000"
	fat() { ulimit -v 1000000; $IOBENCH report "$T/fat.json" --plots "$T/fp"; }
	expect 1 "reading it would take more than 488 MiB of memory" fat
	rm -f "$T/fat.json"
fi

if [ "$(id -u)" -eq 0 ]; then
	echo "e2e_hostile: --replay-data inputs another user could swap"
	mkdir -p "$T/rdt/sub" && chmod 755 "$T" "$T/rdt"
	head -c 100 /dev/zero >"$T/rdt/sub/a"
	printf 'iobench-trace 2\nfile 0 in 100 sub/a\nopen 0 0 0 r\nread 0 0 0 0 100 100\nclose 0 0 0\n' >"$T/rdt.iotrace"
	chmod 777 "$T/rdt/sub"
	expect 1 "the directory holding 'sub/a' is writable by other users" tiny --results "$T/rdr" \
		--workload replay --trace "$T/rdt.iotrace" --replay-data "$T/rdt" --strategy serial
	chmod 755 "$T/rdt/sub" && chown 65534 "$T/rdt/sub"
	expect 1 "the directory holding 'sub/a' is owned by uid 65534" tiny --results "$T/rdr" \
		--workload replay --trace "$T/rdt.iotrace" --replay-data "$T/rdt" --strategy serial
	chown 0 "$T/rdt/sub" && chmod 1777 "$T/rdt/sub"
	check "a sticky shared directory holding root's own input: accepted" tiny --results "$T/rdr" \
		--workload replay --trace "$T/rdt.iotrace" --replay-data "$T/rdt" --strategy serial
fi

[ "$fails" -eq 0 ] && echo "e2e_hostile: all checks passed" || echo "e2e_hostile: $fails check(s) failed"
exit $((fails > 0))
