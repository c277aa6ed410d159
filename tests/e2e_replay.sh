#!/bin/bash
# e2e_replay.sh - iobench record, trace show and the replay workload: real
# Python jobs recorded under strace, replayed under every strategy with the
# recorded ops and bytes and one digest, and the error paths of each step.
. "$(dirname "$0")/e2e_lib.sh"
JOBS="$HERE/replay"
mkdir -p "$T/data" "$T/dd" "$T/in"
$PY -c "
import numpy as np, os
np.save('$T/in/a.npy', np.random.default_rng(0).standard_normal((2000, 64)))
for i in range(2):
    open(f'$T/in/f{i}.bin', 'wb').write(np.random.default_rng(i + 1).bytes((1 << 20) + 12345))
"
cd "$T" || exit 1
insum=$(md5sum in/*.bin)
rec() { local out=$1; shift; $IOBENCH record -o "$out" --root in -- $PY "$@" >/dev/null 2>"$out.err"; }
# replay TRACE RESULTS [ARGS]: every strategy once, no tuning
replay() {
	local tr=$1 res=$2; shift 2
	$IOBENCH run --workload replay --trace "$tr" --strategy all --repeat 1 --warmup 0 \
		--no-tune --dir "$T/dd" --results "$res" --no-plot -q "$@" >"$res.out" 2>"$res.err"
}
# matches TRACE RESULTS: every strategy valid (the 5 and the program as
# recorded), one digest among the 5 (recorded cuts its jobs by thread: its
# own), and each trial's ops by type and bytes moved are the trace's own
matches() {
	$PY - "$1" "$2" <<'PYEOF'
import glob, json, sys
ops, moved = {}, 0
for line in open(sys.argv[1]):
    f = line.split()
    if f and f[0] in ("open", "read", "write", "fsync", "close"):
        ops[f[0]] = ops.get(f[0], 0) + 1
        moved += int(f[6]) if f[0] == "read" else int(f[5]) if f[0] == "write" else 0
d = json.load(open([p for p in glob.glob(sys.argv[2] + "/*.json")][0]))
tr = d["trials"]
ok = len({t["strategy"] for t in tr}) == 6 and all(t["valid"] for t in tr)
ok = ok and len({t["digest"] for t in tr if t["strategy"] != "recorded"}) == 1
for t in tr:
    got = {k: v for k, v in t["io_shape"]["ops"].items() if v}
    if got != ops or t["bytes"] != moved:
        print(f"    {t['strategy']}: ops {got} bytes {t['bytes']}, the trace {ops} {moved}")
        ok = False
sys.exit(0 if ok else 1)
PYEOF
}

echo "e2e_replay: record real Python jobs"
rec md5.iotrace "$JOBS/md5_job.py" in/f0.bin in/f1.bin
check "record md5_job.py: exit 0" test $? -eq 0
check "record says the program is a Python interpreter, and how to replay it as one" \
	grep -q "the program is a Python interpreter.*--model python" md5.iotrace.err
$IOBENCH record -o cat.iotrace --root in -- cat in/f0.bin >/dev/null 2>cat.iotrace.err
check "...and does not say it of cat" bash -c "! grep -q 'Python interpreter' cat.iotrace.err" 
rec csv.iotrace "$JOBS/csv_job.py" in 50
check "record csv_job.py (50 files): exit 0" test $? -eq 0
rec mmap.iotrace "$JOBS/npy_rows.py" in/a.npy mmap 200
check "record numpy.load(mmap_mode='r'): exit 0, and a warning that mapped reads are not in the trace" \
	grep -q "mapped 1 file region" mmap.iotrace.err
rec seek.iotrace "$JOBS/npy_rows.py" in/a.npy seek 200
check "record f.seek/f.read rows: exit 0" test $? -eq 0
rec threads.iotrace "$JOBS/threads_job.py" in/f0.bin in/f1.bin
check "record a ThreadPoolExecutor job: two threads" grep -q "^threads 2$" threads.iotrace

$IOBENCH trace show md5.iotrace >show.out 2>&1
check "trace show: the files, bytes and ops of md5_job.py" bash -c "
	grep -q '^files: *2 (2 read, 2.0 MiB; 0 written)' show.out &&
	grep -qE '^ops: .*open 2, read [0-9]+, write 0, fsync 0, close 2' show.out &&
	grep -q '^compute:' show.out && grep -qE 'read +64 KiB' show.out"
$IOBENCH trace show csv.iotrace >show2.out 2>&1
check "trace show: csv's 50 outputs, its mkdir counted as not replayed" bash -c "
	grep -q '0 read, 0 B; 50 written' show2.out && grep -qE 'mkdir [1-9]' show2.out"
$IOBENCH trace show mmap.iotrace >show3.out 2>&1
check "trace show: the mapping is said" grep -q "warning: *the program mapped 1 file region" show3.out
check "the trace keeps no path outside the root (python's imports, /usr, /proc)" \
	bash -c "! grep -E '^file .* (/|\.\./)' md5.iotrace mmap.iotrace"

echo "e2e_replay: replay under every strategy"
for t in md5 csv mmap seek threads; do
	replay $t.iotrace "$T/r-$t"
	check "replay $t: exit 0; every strategy valid, one digest, the trace's ops and bytes" matches $t.iotrace "$T/r-$t"
done
replay threads.iotrace "$T/r-thr" --replay-jobs thread
check "--replay-jobs thread: a job per recorded thread, the same ops and bytes" matches threads.iotrace "$T/r-thr"
check "--replay-jobs thread: 2 jobs" bash -c "grep -q 'jobs=thread' '$T'/r-thr/*[0-9].json"
replay md5.iotrace "$T/r-copy" --replay-data in
check "--replay-data: the user's own files, read only, the same ops and bytes" matches md5.iotrace "$T/r-copy"
check "--replay-data leaves the user's files as they were" bash -c "[ \"\$(md5sum in/*.bin)\" = '$insum' ]"
check "no output directory left in --dir after the runs" bash -c "! ls '$T/dd' | grep -q replay-out"
check "nothing written into the traced root by the replays (csv wrote into in/out itself, before)" \
	bash -c "[ \$(ls in | wc -l) -eq 4 ] && [ \$(ls in/out | wc -l) -eq 50 ]"
$IOBENCH report "$(ls "$T"/r-md5/*[0-9].json)" >/dev/null 2>&1
check "the report sets the serial replay against the recorded program" bash -c "
	grep -q '### Against the original' '$T'/r-md5/*.md && grep -qE '^\| ops \| ([0-9]+) \| \1 \|' '$T'/r-md5/*.md"
check "report: a C replay of a Python program says the interpreter lock is missing and how to add it" \
	grep -q 'The recorded program is a Python interpreter.*--model python' "$T"/r-md5/*.md

# the recorded compute is real CPU work on the job's thread: 10 gaps of 30 ms
{ printf 'iobench-trace 1\nfile 0 in 4096 a\nopen 0 0 0 r\n'
  for i in $(seq 10); do printf 'read 0 0 30000000 0 4096 4096\n'; done
  printf 'close 0 0 0\n'; } >compute.iotrace
replay compute.iotrace "$T/r-cpu"
check "300 ms of recorded compute: every strategy's trial spent at least 0.29 s of wall and 0.25 s of user CPU (the compute is user time)" \
	$PY - "$T/r-cpu" <<'PYEOF'
import csv, glob, sys
rows = list(csv.DictReader(open([f for f in glob.glob(sys.argv[1] + "/*.csv") if "summary" not in f][0])))
for r in rows:
    print(f"    {r['strategy']}: wall {float(r['wall_s']):.3f} s, user {float(r['user_s']):.3f} s")
sys.exit(0 if len(rows) == 6 and all(r["valid"] == "1" and float(r["user_s"]) >= 0.25
                                     and float(r["wall_s"]) >= 0.29 for r in rows) else 1)
PYEOF

echo "e2e_replay: the program as recorded is the baseline"
# two threads of 200 ms of compute each: one after the other, then overlapping
{ printf 'iobench-trace 2\nthreads 2\nfile 0 in 4096 a\nfile 1 in 4096 b\n'
  printf 'open 0 0 0 r\nread 0 0 200000000 0 4096 4096\nclose 0 0 0\n'
  printf 'open 1 1 0 r\nread 1 1 200000000 0 4096 4096\nclose 1 1 0\n'; } >seq.iotrace
{ printf 'iobench-trace 2\nthreads 2\nfile 0 in 4096 a\nfile 1 in 4096 b\nopen 0 0 0 r\n'
  printf 'open 1 1 0 r\nread 0 0 200000000 0 4096 4096\nread 1 1 200000000 0 4096 4096\n'
  printf 'close 0 0 0\nclose 1 1 0\n'; } >par.iotrace
replay seq.iotrace "$T/r-seq" --repeat 3
replay par.iotrace "$T/r-par" --strategy serial,threaded
check "a thread that started after another ended waits for it as recorded: 2 x 200 ms take >= 0.38 s, on 2 threads" \
	$PY - "$T/r-seq" <<'PYEOF'
import glob, json, sys
d = json.load(open(glob.glob(sys.argv[1] + "/*[0-9].json")[0]))
t = [t for t in d["trials"] if t["strategy"] == "recorded"]
print(f"    recorded: walls {[x['wall_s'] for x in t]} s, threads {t[0]['breakdown']['threads_max']}")
sys.exit(0 if len(t) == 3 and all(x["valid"] and x["wall_s"] >= 0.38 and
                                  x["breakdown"]["threads_max"] >= 2 for x in t) else 1)
PYEOF
# BASELINE RESULTS: the summary's baseline rows and the verdict's baseline are BASELINE
baseline_is() {
	$PY - "$1" "$2" <<'PYEOF'
import glob, json, sys
d = json.load(open(glob.glob(sys.argv[2] + "/*[0-9].json")[0]))
b = [r["strategy"] for r in d["summary"] if r["baseline"]]
print(f"    baseline rows {b}, verdict's {d['recommendations'][0]['baseline']}")
sys.exit(0 if b == [sys.argv[1]] and d["recommendations"][0]["baseline"] == sys.argv[1] else 1)
PYEOF
}
seq_base() { baseline_is recorded "$T/r-seq" && grep -q ',recorded,' "$T"/r-seq/*-summary.csv; }
par_base() { baseline_is serial "$T/r-par" && ! grep -q ',recorded,' "$T"/r-par/*[0-9].csv; }
check "replay's baseline is recorded: the JSON's rows and verdict name it, the summary CSV too" seq_base
check "--strategy serial,threaded: recorded does not run unasked, and serial is the baseline" par_base
$IOBENCH report "$(ls "$T"/r-seq/*[0-9].json)" >/dev/null 2>&1
check "the report sets the fastest against the replay as recorded, with its interval" bash -c "
	grep -q '| replay as recorded |' '$T'/r-seq/*.md &&
	grep -qE 'The fastest, .* (is [0-9.]+x faster than that \(90% interval|is not shown faster than that \(.*90% interval)' '$T'/r-seq/*.md"
replay threads.iotrace "$T/r-thr-rec" --strategy recorded
check "a real ThreadPoolExecutor job as recorded: valid, on its 2 recorded threads" \
	$PY - "$T/r-thr-rec" <<'PYEOF'
import glob, json, sys
d = json.load(open(glob.glob(sys.argv[1] + "/*[0-9].json")[0]))
t = d["trials"]
sys.exit(0 if len(t) == 1 and t[0]["valid"] and t[0]["breakdown"]["threads_max"] >= 2 else 1)
PYEOF
# two threads write one output while both run: as recorded, in their recorded order
printf 'iobench-trace 2\nthreads 2\nfile 0 out 0 o\nfile 1 in 10 a\nopen 1 1 0 r\nopen 0 0 0 wc\nwrite 0 0 0 0 10\nclose 0 0 0\nopen 1 0 0 w\nwrite 1 0 0 10 10\nclose 1 0 0\nclose 1 1 0\n' >shared.iotrace
replay shared.iotrace "$T/r-shared"
# ...one after the other (cp a o && gzip o): the output passes from one to the next
printf 'iobench-trace 2\nthreads 2\nfile 0 out 0 o\nfile 1 in 10 a\nfile 2 out 0 o.gz\nopen 0 1 0 r\nread 0 1 0 0 10 10\nclose 0 1 0\nopen 0 0 0 wc\nwrite 0 0 0 0 10\nclose 0 0 0\nopen 1 0 0 r\nread 1 0 0 0 10 10\nclose 1 0 0\nopen 1 2 0 wc\nwrite 1 2 0 0 5\nclose 1 2 0\n' >handoff.iotrace
replay handoff.iotrace "$T/r-handoff"
check "an output one process writes and the next reads (cp && gzip): valid as recorded, under every strategy" \
	matches handoff.iotrace "$T/r-handoff"
# zstd -T0: the main thread opens the output, a worker writes it, the main thread closes it
printf 'iobench-trace 2\nthreads 2\nfile 0 out 0 o.zst\nopen 0 0 0 wct\nwrite 1 0 1000 0 100\nwrite 1 0 1000 100 100\nclose 0 0 0\n' >fdpass.iotrace
replay fdpass.iotrace "$T/r-fdpass"
check "a descriptor one thread opens and another writes (zstd -T0's writer): valid as recorded, under every strategy" \
	matches fdpass.iotrace "$T/r-fdpass"
check "an output two threads write while both run: valid as recorded (its ops in their recorded order), under every strategy" \
	matches shared.iotrace "$T/r-shared"

# --model python: a thread waiting for another, or for its turn on a shared file, lets the lock go
replay fdpass.iotrace "$T/r-pyrec" --strategy recorded,threaded --model python --python none
check "--model python as recorded: threads that wait on each other do not hold the interpreter lock (valid, no hang)" \
	$PY - "$T/r-pyrec" <<'PYEOF'
import glob, json, sys
t = json.load(open(glob.glob(sys.argv[1] + "/*[0-9].json")[0]))["trials"]
sys.exit(0 if len(t) == 2 and all(x["valid"] and x["breakdown"]["gil_wait_s"] is not None for x in t) else 1)
PYEOF

# two threads' overlapping 200 ms each: Python code under one lock, unless
# --lock-free says it ran in C extensions.  Waits, not speeds: with the
# lock, at every moment one thread waits for the other (>= 0.15 s of the
# 0.2 s overlap, however loaded the machine); lock-free, neither does.
replay par.iotrace "$T/r-lk0" --strategy recorded --model python --python none
replay par.iotrace "$T/r-lk100" --strategy recorded --model python --python none --lock-free 100
check "--model python: recorded compute holds the interpreter lock; --lock-free 100 lets it go" \
	$PY - "$T/r-lk0" "$T/r-lk100" <<'PYEOF'
import glob, json, sys
def trial(d):
    t = json.load(open(glob.glob(d + "/*[0-9].json")[0]))["trials"][0]
    return t["valid"], t["wall_s"], t["breakdown"]["gil_wait_s"]
held, free = trial(sys.argv[1]), trial(sys.argv[2])
print(f"    held: valid, wall, waited {held}; --lock-free 100: {free}")
sys.exit(0 if held[0] and free[0] and held[1] >= 0.38 and held[2] >= 0.15 and free[2] < 0.05 else 1)
PYEOF
expect 2 "lock-free" $IOBENCH run --workload replay --trace par.iotrace --lock-free 101

echo "e2e_replay: the digest bites"
sf=$(find "$T"/dd/replay-*/ -name f-000000.bin -size 1060921c | head -1)
cp "$sf" "$T/keep.bin"
printf 'XXXX' | dd of="$sf" bs=1 seek=70000 conv=notrunc status=none
replay md5.iotrace "$T/r-bad"
check "a stand-in changed behind iobench's back (same size): every trial invalid, exit 1" bash -c "
	[ \$(grep -c . '$T/r-bad.err') -ge 1 ] && grep -q 'replay digest' '$T'/r-bad/*[0-9].csv"
cp "$T/keep.bin" "$sf"

echo "e2e_replay: error paths"
expect 2 "--workload replay needs --trace FILE" $IOBENCH run --workload replay --dir "$T/dd" --results "$T/e1"
expect 1 "trace $T/none.iotrace: No such file or directory" $IOBENCH run --workload replay --trace "$T/none.iotrace" --dir "$T/dd" --results "$T/e2" -q --no-plot
printf 'iobench-trace 1\nfile 0 out 0 ../../etc/passwd\nopen 0 0 0 wc\nwrite 0 0 0 0 5\nclose 0 0 0\n' >evil.iotrace
sum=$(md5sum /etc/passwd)
expect 1 "path '../../etc/passwd' leaves the trace's root" $IOBENCH run --workload replay --trace evil.iotrace --dir "$T/dd" --results "$T/e3" -q --no-plot
printf 'iobench-trace 1\nfile 0 out 0 etc/passwd\nopen 0 0 0 wc\nwrite 0 0 0 0 5\nclose 0 0 0\n' >named.iotrace
replay named.iotrace "$T/r-named"
check "a trace naming ../../etc/passwd is refused, one naming etc/passwd writes only into iobench's own output directory" \
	bash -c "[ \"\$(md5sum /etc/passwd)\" = '$sum' ] && [ ! -e '$T/dd/etc' ] && [ ! -e '$T/etc' ] && grep -q '\"valid\": true' '$T'/r-named/*[0-9].json"
head -c -9 md5.iotrace >cut.iotrace
expect 1 "cut.iotrace:" $IOBENCH run --workload replay --trace cut.iotrace --dir "$T/dd" --results "$T/e4" -q --no-plot
check "...a truncated trace names its last line" bash -c "$IOBENCH run --workload replay --trace cut.iotrace --dir '$T/dd' --results '$T/e4' -q --no-plot 2>&1 | grep -qE 'truncated|cut short|GOT missing|LEN missing|no end'"
printf 'iobench-trace 1\nfile 0 in 10 a\nopen 0 0 0 r\nstatfs 0 0 0\nclose 0 0 0\n' >unknown.iotrace
expect 1 "unknown.iotrace:4: unknown line 'statfs'" $IOBENCH trace show unknown.iotrace
expect 1 "--replay-data $T/nodata: No such file or directory" $IOBENCH run --workload replay --trace md5.iotrace --replay-data "$T/nodata" --dir "$T/dd" --results "$T/e5" -q --no-plot
mkdir -p "$T/nodata" && cp in/f0.bin "$T/nodata/"
expect 1 "--replay-data: $T/nodata/f1.bin: No such file or directory" $IOBENCH run --workload replay --trace md5.iotrace --replay-data "$T/nodata" --dir "$T/dd" --results "$T/e5" -q --no-plot
head -c 100 in/f1.bin >"$T/nodata/f1.bin"
expect 1 "is 100 bytes, the trace recorded 1060921: not the recorded data" $IOBENCH run --workload replay --trace md5.iotrace --replay-data "$T/nodata" --dir "$T/dd" --results "$T/e6" -q --no-plot
check "...and none of the failed runs wrote a result file" bash -c "! ls '$T'/e[1-6]/*.csv 2>/dev/null | grep -q ."

# record's own errors
printf '100 1.0 openat(AT_FDCWD</x>, "/etc/hosts", O_RDONLY) = 3</etc/hosts> <0.1>\n' >outside.log
expect 1 "nothing below the root" $IOBENCH record -o o1.iotrace --root in --from-strace outside.log
printf '100 1.0 openat(AT_FDCWD</x>, "%s/in/f0.bin", O_RDONLY) = 3</%s/in/f0.bin> <0.1>\n100 1.1 read(3</%s/in/f0.bin>, ""..., 10\n' "$T" "$T" "$T" >cut.log
expect 1 "cut.log:2: read: the line is cut short" $IOBENCH record -o o2.iotrace --root in --from-strace cut.log
printf '100 openat(AT_FDCWD, "x", O_RDONLY) = 3\n' >nots.log
expect 1 "no timestamp: record with strace -f -ttt -T" $IOBENCH record -o o3.iotrace --root in --from-strace nots.log
expect 1 "record needs strace, which is not in PATH" env PATH=/nonexistent $IOBENCH record \
	--recorder strace -o o4.iotrace --root in -- /bin/true
mkdir -p fakebin && printf '#!/bin/sh\necho "strace: ptrace(PTRACE_TRACEME, ...): Operation not permitted" >&2\nexit 1\n' >fakebin/strace && chmod +x fakebin/strace
expect 1 "strace cannot trace here" env PATH="$T/fakebin:$PATH" $IOBENCH record --recorder strace \
	-o o8.iotrace --root in -- /bin/true
expect 1 "exited with status 3: no trace written" $IOBENCH record -o o5.iotrace --root in -- /bin/sh -c 'exit 3'
expect 1 "--root $T/nope: No such file or directory" $IOBENCH record -o o6.iotrace --root "$T/nope" -- /bin/true
expect 2 "no command to run" $IOBENCH record -o o7.iotrace --root in
expect 2 "-o FILE is required" $IOBENCH record --root in -- /bin/true
check "...none of them left a trace file or a strace log behind" bash -c "
	! ls o*.iotrace 2>/dev/null | grep -q . && ! ls \"\${TMPDIR:-/tmp}\" | grep -q \"^iobench-record-\" "
ln -s /etc/passwd planted.iotrace
rec planted.iotrace "$JOBS/md5_job.py" in/f0.bin in/f1.bin
check "record -o onto a planted symlink replaces the link, never follows it" bash -c "
	[ \"\$(md5sum /etc/passwd)\" = '$sum' ] && [ ! -L planted.iotrace ] && head -1 planted.iotrace | grep -q '^iobench-trace 2'"

echo "e2e_replay: the preload recorder on real programs (issue 29)"
mkdir -p "$T/pr/src/a/b"
for i in 1 2 3 4 5 6; do head -c $((i * 70000)) /dev/urandom >"$T/pr/src/a/f$i"; done
head -c 5000 /dev/urandom >"$T/pr/src/a/b/g"
treesize=$(cat "$T"/pr/src/a/f* "$T/pr/src/a/b/g" | wc -c)
# a job that reads, sleeps 1 s, writes: the sleep is waiting, not compute
(cd "$T/pr" && $IOBENCH record -o "$T/sleep.iotrace" --root . -- $PY -c "
import time
d = open('src/a/f1', 'rb').read()
time.sleep(1)
open('out', 'wb').write(d)" >/dev/null 2>"$T/sleep.err")
check "a job sleeping 1 s: recorder preload, compute under 0.3 s, the sleep a wait, CPU measured" \
	$PY - "$T/sleep.iotrace" <<'PYEOF'
import sys
h = {}
comp = 0
for l in open(sys.argv[1]):
    f = l.split()
    if f and f[0] in ("open", "read", "write", "fsync", "close"):
        comp += int(f[3])
    elif len(f) >= 2 and f[0] in ("recorder", "cpu_ns", "wall_ns"):
        h[f[0]] = f[1]
waits = sum(int(w[5:]) for l in open(sys.argv[1]) for w in l.split() if w.startswith("wait="))
print("    compute %.3f s, waits %.3f s, program wall %.3f s, CPU %.3f s" % (comp / 1e9, waits / 1e9, int(h.get("wall_ns", 0)) / 1e9, int(h.get("cpu_ns", 0)) / 1e9))
sys.exit(0 if h.get("recorder") == "preload" and comp < 0.3e9 and waits >= 0.95e9 and int(h.get("wall_ns", 0)) >= 1e9 and int(h.get("cpu_ns", 0)) > 0 else 1)
PYEOF
$IOBENCH run --workload replay --trace "$T/sleep.iotrace" --strategy serial --repeat 1 --warmup 0 \
	--no-tune --dir "$T/dd" --results "$T/r-sleep" --plots "$T/p-sleep" -q >/dev/null 2>&1
check "...and its replay sleeps as long: at least 0.95 s of wall, under 0.3 s of CPU" $PY -c '
import glob, json, sys
t = [t for t in json.load(open(glob.glob(sys.argv[1] + "/*[0-9].json")[0]))["trials"] if t["valid"]]
print("    serial replay: wall %.3f s, cpu %.3f s" % (t[0]["wall_s"], t[0]["user_s"] + t[0]["sys_s"]))
sys.exit(0 if t and t[0]["wall_s"] >= 0.95 and t[0]["user_s"] + t[0]["sys_s"] < 0.3 else 1)' "$T/r-sleep"
check "...and the report sets the replay against what the program does now" grep -q \
	"Against what the program does now.*: it took 1\.[0-9]* s for the recorded part" "$T"/r-sleep/*.md
if [ -n "$(command -v strace)" ]; then
	(cd "$T/pr" && $IOBENCH record --recorder strace -o "$T/sleep2.iotrace" --root . -- $PY -c "
import time
d = open('src/a/f1', 'rb').read()
for i in range(4):
    time.sleep(0.25)
    open('o%d' % i, 'wb').write(d[:100])" >/dev/null 2>&1)
	check "under strace too, 4 sleeps of 0.25 s are waits, not compute" bash -c "
		grep -q '^recorder strace$' '$T/sleep2.iotrace' &&
		[ \$(awk '\$1 ~ /^(open|read|write|close)$/ {s += \$4} END {print s}' '$T/sleep2.iotrace') -lt 300000000 ]"
fi
# cp moves its bytes with copy_file_range; tar opens directories without O_DIRECTORY
(cd "$T/pr" && $IOBENCH record -o "$T/cp.iotrace" --root . -- cp -r src dst >/dev/null 2>&1)
$IOBENCH trace show "$T/cp.iotrace" >"$T/cp.show" 2>&1
check "cp -r: 7 files copied, every byte read and written ($treesize)" bash -c "
	grep -q '^files: *14 (7 read, .*; 7 written)' '$T/cp.show' &&
	[ \$(awk '\$1 == \"read\" {s += \$7} END {print s}' '$T/cp.iotrace') -eq $treesize ] &&
	[ \$(awk '\$1 == \"write\" {s += \$6} END {print s}' '$T/cp.iotrace') -eq $treesize ]"
(cd "$T/pr" && $IOBENCH record -o "$T/tar.iotrace" --root . -- tar cf out.tar src >/dev/null 2>&1)
check "tar c: its 7 files are the inputs, no directory among them" bash -c "
	[ \$(grep -c '^file [0-9]* in ' '$T/tar.iotrace') -eq 7 ] &&
	! grep -E '^file [0-9]* in [0-9]+ src(/a|/a/b)?$' '$T/tar.iotrace'"
replay "$T/cp.iotrace" "$T/r-cp"
check "replay the cp trace: every strategy valid, the trace's ops and bytes" matches "$T/cp.iotrace" "$T/r-cp"
# two processes reading one file: one input of its own size, read twice
(cd "$T/pr" && $IOBENCH record -o "$T/two.iotrace" --root . -- $PY -c "
import multiprocessing as mp
def rd(_):
    with open('src/a/f6', 'rb') as f:
        return len(f.read())
if __name__ == '__main__':
    mp.set_start_method('fork')
    with mp.Pool(2) as p:
        print(sum(p.map(rd, range(2))))" >/dev/null 2>&1)
check "two processes reading one file: one input of 420000 bytes, 840000 read" bash -c "
	grep -q '^file 0 in 420000 src/a/f6$' '$T/two.iotrace' &&
	[ \$(awk '\$1 == \"read\" {s += \$7} END {print s}' '$T/two.iotrace') -eq 840000 ]"
# a job that truncates, renames and fails: recorded with --keep-failed, and what the replay leaves out said
(cd "$T/pr" && $IOBENCH record --keep-failed -o "$T/life.iotrace" --root . -- $PY -c "
import os, sys
with open('cfg.lock', 'wb') as f:
    f.write(b'x' * 5000)
    f.truncate(100)
os.rename('cfg.lock', 'cfg')
open('cfg', 'rb').read()
sys.exit(3)" >/dev/null 2>"$T/life.err")
check "a job that truncates, renames and exits 3: --keep-failed keeps it, and says so and what is not replayed" bash -c "
	grep -q \"exited with status 3: the trace holds its partial run (--keep-failed)\" '$T/life.err' &&
	grep -q 'the program renamed 1 file(s), truncated 1 time(s), which the replay does not do' '$T/life.err' &&
	grep -q '^unreplayed rename 1$' '$T/life.iotrace' && grep -q '^unreplayed truncate 1$' '$T/life.iotrace'"
$IOBENCH run --workload replay --trace "$T/life.iotrace" --strategy serial --repeat 1 --warmup 0 \
	--no-tune --dir "$T/dd" --results "$T/r-life" -q >/dev/null 2>"$T/r-life.err"
check "its replay warns before the trials and the report says what it leaves out" bash -c "
	grep -q 'warning: replay: the program renamed 1 file(s), truncated 1 time(s), which the replay does not do' '$T/r-life.err' &&
	grep -q 'The replay leaves out 2 call(s) that change a file' '$T'/r-life/*.md"
# a trace of 30 s of compute: the run says what it will take before its first trial
printf 'iobench-trace 2\nfile 0 in 100 a\nopen 0 0 0 r\nread 0 0 30000000000 0 100 100\nclose 0 0 0\n' >"$T/long.iotrace"
timeout 3 $IOBENCH run --workload replay --trace "$T/long.iotrace" --strategy serial,threaded \
	--dir "$T/dd" --results "$T/r-long" --no-plot -q >/dev/null 2>"$T/long.err"
check "a long replay: its duration estimated before the first trial" grep -q \
	"each trial replays 30.0 s of recorded compute and waits and 3 ops: at least 30.0 s; 2 strategies x (1 warmup + 5 trials) = 12 trials, at least 6 min" "$T/long.err"
# all compute, one file: the verdict says the job is compute-bound
printf 'iobench-trace 2\nfile 0 in 100 a\nopen 0 0 0 r\nread 0 0 300000000 0 100 100\nclose 0 0 0\n' >"$T/cpu.iotrace"
$IOBENCH run --workload replay --trace "$T/cpu.iotrace" --strategy serial,threaded --repeat 3 \
	--warmup 0 --no-tune --dir "$T/dd" --results "$T/r-cpu" --no-plot >"$T/cpu.out" 2>&1
check "a trace that is all compute: the verdict says the job is compute-bound" bash -c "
	grep -q 'the job is compute-bound' '$T/cpu.out' && grep -q '\"compute_bound\": true' '$T'/r-cpu/*[0-9].json"

# a journal written, removed and made again shorter, then read (sqlite's pattern)
(cd "$T/pr" && $IOBENCH record -o "$T/jrnl.iotrace" --root . -- $PY -c "
import os
for n in (9000, 3000):
    fd = os.open('j', os.O_RDWR | os.O_CREAT)
    os.pwrite(fd, b'x' * n, 0)
    assert len(os.pread(fd, 8192, 0)) == min(n, 8192)
    os.close(fd)
    if n == 9000:
        os.unlink('j')" >/dev/null 2>"$T/jrnl.err")
replay "$T/jrnl.iotrace" "$T/r-jrnl"
check "a file removed and made again: its re-creation is a truncating open" \
	grep -qE '^open 0 0 [0-9]+ rwct$' "$T/jrnl.iotrace"
check "...and its replay is valid under every strategy" matches "$T/jrnl.iotrace" "$T/r-jrnl"
if command -v sqlite3 >/dev/null; then
	(cd "$T/pr" && $IOBENCH record -o "$T/sq.iotrace" --root . -- sqlite3 db.sqlite "create table t(a, b);
		begin; with recursive c(x) as (select 1 union all select x + 1 from c where x < 20000)
		insert into t select x, hex(randomblob(16)) from c; commit; create index i on t(b);" \
		>/dev/null 2>&1)
	replay "$T/sq.iotrace" "$T/r-sq"
	check "sqlite3 (a journal unlinked and made again per transaction): recorded, replayed valid" \
		matches "$T/sq.iotrace" "$T/r-sq"
fi
# a static binary: nothing to preload into, so strace, said
$IOBENCH record -o "$T/st.iotrace" --root "$T/pr" -- /sbin/ldconfig -p >/dev/null 2>"$T/st.err"
check "a static binary: auto takes strace and says why" \
	grep -q "record: using strace: /sbin/ldconfig is statically linked" "$T/st.err"

[ "$fails" -eq 0 ] || { echo "e2e_replay: $fails check(s) failed"; exit 1; }
