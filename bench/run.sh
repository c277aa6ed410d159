#!/bin/bash
# bench/run.sh - iobench against the tools users would otherwise reach for
# and against the machine's limits, on the same files, cold cache.
#
#   make bench                  (or: bench/run.sh [ROUNDS] [md5|array|csv|harness|net|replay])
#
# Every row is measured in ROUNDS rounds (default 7) that alternate the two
# sides (A B, A B, ...), so drift on this shared VM hits both alike.  Each
# round gives one paired ratio; the row shows their median and a 90%
# confidence interval from order statistics (bench/pairs.py).  A target is
# "met" only when the interval's lower bound clears it, "SHORT" when its
# upper bound does not, "undecided" otherwise.  Prints the table and writes
# it to bench/out/bench.md.  Needs fio, openssl and python3 (make bench
# installs them); run as root for the drop-cache parts.
set -u
cd "$(dirname "$0")/.." || exit 1
RUNS=${1:-7}
ONLY=${2:-all}
want() { [ "$ONLY" = all ] || [ "$ONLY" = "$1" ]; }
OUT=bench/out
DATA=$OUT/data
IOB=./iobench
PY=python3
CORES=$(nproc)
mkdir -p "$OUT" "$DATA"
LOG=$OUT/log.txt
: >"$LOG"
ROWS=()

say() { printf '%s\n' "$*" | tee -a "$LOG" >&2; }
py() { $PY -c "print($*)"; }
# median of a column over the counted, valid trials of a result CSV
col_med() { # CSV WORKLOAD STRATEGY COLUMN
	$PY - "$@" <<'EOF'
import csv, statistics, sys
path, wl, st, col = sys.argv[1:5]
v = [float(r[col]) for r in csv.DictReader(open(path))
     if r["workload"] == wl and r["strategy"] == st and r["valid"] == "1" and r["warmup"] == "0"]
print(statistics.median(v) if v else "nan")
EOF
}
newest_csv() { ls -t "$OUT"/res/*[0-9].csv | head -1; }
# settings fixed (--no-tune: workers = cores, qd 64 unless given)
iob() { $IOB run --dir "$DATA" --results "$OUT/res" --no-plot -q --no-tune --repeat "$RUNS" "$@" >>"$LOG" 2>&1; }
# one cold trial of one strategy, for a round; prints COLUMN of it (nan if it
# failed).  After its warmup trial, as iobench runs by default: the first
# trial after fio's direct reads took 1.03-1.30 s where the next took
# 0.73-0.76 s (md5, io_uring, 10 of 10 times here), whatever the strategy.
iob1() { # WORKLOAD STRATEGY COLUMN [run options]
	local wl=$1 st=$2 col=$3
	shift 3
	if $IOB run --dir "$DATA" --results "$OUT/res" --no-plot -q --no-tune --repeat 1 --warmup 1 \
		--workload "$wl" --strategy "$st" "$@" >>"$LOG" 2>&1; then
		col_med "$(newest_csv)" "$wl" "$st" "$col"
	else
		echo nan
	fi
}
# the best strategy of LIST by median COLUMN in CSV (highest, or lowest with "low")
best_of() { # CSV WORKLOAD COLUMN high|low STRATEGY...
	local csv=$1 wl=$2 col=$3 dir=$4 best= bv= v
	shift 4
	for st in "$@"; do
		v=$(col_med "$csv" "$wl" "$st" "$col")
		say "  $wl $st: median $col $v"
		if [ -z "$best" ] || $PY -c "import sys; a, b = float('$v'), float('$bv'); sys.exit(0 if (a > b if '$dir' == 'high' else a < b) else 1)"; then
			best=$st bv=$v
		fi
	done
	echo "$best"
}
# a row from pairs.py: MEASURE TARGET-TEXT BEHIND pairs.py-arguments...
row() {
	local m=$1 target=$2 behind=$3 r
	shift 3
	if ! r=$($PY bench/pairs.py "$@" 2>>"$LOG"); then
		ROWS+=("| $m | - | $target | FAILED | no round succeeded: see $LOG |")
		return
	fi
	set -- $r
	# $1 median $2 low $3 high $4 coverage $5 verdict $6 rounds used
	ROWS+=("$(printf '| %s | %.3f [%.3f, %.3f] (%.0f%%) | %s | %s | %s%s |' "$m" "$1" "$2" "$3" \
		"$(py "100 * $4")" "$target" "$5" \
		"$behind" "$([ "$6" -ge "$RUNS" ] || echo "; only $6 of $RUNS rounds succeeded")")")
}
rowv() { ROWS+=("| $1 | $2 | $3 | $4 | $5 |"); }
# A/B's median ratio and interval as text, for the "behind it" column
ci() { $PY bench/pairs.py effect "$1" "$2" | awk '{ printf "%.3f [%.3f, %.3f]", $1, $2, $3 }'; }
# drops each file of the md5 dataset, as --cache cold does
drop() { $PY bench/drop.py "$@"; }
# one figure of fio's JSON on stdin (fio's first job's read side), nan if fio failed
fio_read() { # KEY: bw_bytes or iops
	$PY -c 'import json, sys
try: print(json.load(sys.stdin)["jobs"][0]["read"][sys.argv[1]])
except Exception: print("nan")' "$1"
}
now() { date +%s.%N; }

say "bench: $(date -u +%FT%TZ), $(uname -sr), $CORES cores, $RUNS rounds, data in $DATA ($(df -T "$DATA" | awk 'NR==2 {print $2" on "$1}'))"
$IOB run --dir "$DATA" --results "$OUT/res" --size small --repeat 1 --warmup 0 --workload md5,array --strategy serial -q --no-plot >>"$LOG" 2>&1 || { say "cannot prepare the small dataset"; exit 1; }
MD5_FILES=$(ls "$DATA"/md5-4x268435456-s1/file-*.bin)
NPY=$(ls "$DATA"/array-131072x1024-s1/array.npy)
MD5_MIB=1024

# ---- 1. md5: the machine's limits, md5sum, and io_uring against the pools ---
if want md5; then
say "md5: openssl speed, fio sequential read, md5sum, iobench"
OSSL=$(openssl speed -evp md5 -bytes 1048576 -seconds 3 2>/dev/null | awk '/^md5/ {sub("k","",$2); print $2 * 1000 / 1048576}')
iob --workload md5 --size small
CSV=$(newest_csv)
BEST=$(best_of "$CSV" md5 mib_per_s high serial threaded forked epoll io_uring)
POOL=$(best_of "$CSV" md5 wall_s low threaded forked)
rate=() lim=() limall=() best_t=() par_t=() ms_t=() ser_t=() pool_t=() ur_t=()
for i in $(seq "$RUNS"); do
	say "  md5 round $i of $RUNS"
	drop $MD5_FILES
	disk=$(fio --name=seq --rw=read --bs=1M --direct=1 --ioengine=psync --numjobs=1 \
		--filename="$(echo $MD5_FILES | tr ' ' ':')" --size=${MD5_MIB}M --output-format=json 2>>"$LOG" |
		fio_read bw_bytes)
	disk=$(py "float('$disk') / 2**20")
	t=$(iob1 md5 "$BEST" wall_s --size small)
	steal=$(col_med "$(newest_csv)" md5 "$BEST" steal_s)
	best_t+=("$t")
	rate+=("$(py "$MD5_MIB / float('$t')")")
	# the host emulates the disk on our vCPUs and takes CPU time from them
	# while we read (steal, measured per trial): usable = cores - steal / wall
	# (a failed side stays nan: min() would pick the other)
	lim+=("$(py "sum([min(($CORES - float('$steal') / float('$t')) * $OSSL, float('$disk')), 0 * float('$disk') * float('$t')])")")
	limall+=("$(py "min($CORES * $OSSL, float('$disk')) + 0 * float('$disk')")")
	say "    $BEST: $t s, ${rate[-1]} MiB/s; limit ${lim[-1]} MiB/s (fio $disk, steal $steal s)"
	drop $MD5_FILES
	t0=$(now); printf '%s\n' $MD5_FILES | xargs -P "$CORES" -n $(( (4 + CORES - 1) / CORES )) md5sum >/dev/null; t1=$(now)
	par_t+=("$(py "$t1 - $t0")")
	drop $MD5_FILES
	t0=$(now); md5sum $MD5_FILES >/dev/null; t1=$(now)
	ms_t+=("$(py "$t1 - $t0")")
	ser_t+=("$(iob1 md5 serial wall_s --size small)")
	if [ "$POOL" = "$BEST" ]; then pool_t+=("$t"); else pool_t+=("$(iob1 md5 "$POOL" wall_s --size small)"); fi
	ur_t+=("$(iob1 md5 io_uring wall_s --size small)")
done
row "md5: best strategy ($BEST) / min(CPU limit of the usable cores, disk limit)" ">= 0.90" \
	"MiB/s per round against min((cores - steal/wall) x openssl speed $(printf %.0f "$OSSL") MiB/s, fio seq 1M direct of the same files)" \
	ratio 0.90 "${rate[*]}" "${lim[*]}"
row "md5: best strategy ($BEST) / min(CPU limit of all cores, disk limit)" "(context)" \
	"counts the CPU time the host took as ours" effect "${rate[*]}" "${limall[*]}"
row "md5: xargs -P $CORES md5sum time / iobench $BEST time" ">= 0.97" \
	"the obvious parallel tool on the same 4 files of 256 MiB, cold" ratio 0.97 "${par_t[*]}" "${best_t[*]}"
row "md5: md5sum time / iobench serial time" ">= 0.97" \
	"md5sum of the 4 files against iobench's one-thread baseline, cold" ratio 0.97 "${ms_t[*]}" "${ser_t[*]}"
row "md5: best pool ($POOL) time / io_uring time (--workers $CORES rings)" ">= 0.95" \
	"io_uring with a ring per core within 5% of the best of threaded and forked" ratio 0.95 "${pool_t[*]}" "${ur_t[*]}"
fi

# ---- 2. array: io_uring and serial, O_DIRECT, against fio -----------------
if want array; then
say "array: iobench --cache direct vs fio, 8 KiB random rows, alternating"
NPY_SIZE=$(stat -c %s "$NPY")
# One fio run: IOPS.  An 8 KiB .npy row starts 128 bytes into an 8 KiB
# block (the header), so O_DIRECT reads it as the 512-aligned 8704 bytes
# around it; "same" asks fio for exactly those reads, "8k" for fio's own.
fio1() { # ENGINE DEPTH same|8k
	local bs="--bs=8k"
	[ "$3" = same ] && bs="--bs=8704 --blockalign=8192"
	drop "$NPY"
	fio --name=rr --filename="$NPY" --ioengine="$1" --direct=1 --rw=randread $bs \
		--iodepth="$2" --size="$NPY_SIZE" --number_ios=20000 --norandommap --randrepeat=0 \
		--output-format=json 2>>"$LOG" | fio_read iops
}
# iobench's IOPS for the array's 20000 reads, one trial
iops() { # STRATEGY [run options]
	local st=$1 t
	shift
	t=$(iob1 array "$st" wall_s --size small --cache direct "$@")
	py "20000 / float('$t')"
}
array_vs_fio() { # LABEL STRATEGY ENGINE DEPTH TARGET
	local io=() fs=() f8=()
	for i in $(seq "$RUNS"); do
		# one ring (io_uring --workers 1) against fio's one job of the same depth
		io+=("$(iops "$2" --qd "$4" --workers 1)")
		fs+=("$(fio1 "$3" "$4" same)")
		f8+=("$(fio1 "$3" "$4" 8k)")
	done
	row "array: $1 / fio, same reads (IOPS)" ">= $5" \
		"fio --ioengine=$3 --direct=1 --rw=randread --bs=8704 --blockalign=8192 --iodepth=$4; against fio --bs=8k: $(ci "${io[*]}" "${f8[*]}")" \
		ratio "$5" "${io[*]}" "${fs[*]}"
}
array_vs_fio "serial direct" serial psync 1 0.95
for qd in 1 16 64; do
	array_vs_fio "io_uring direct qd $qd" io_uring io_uring "$qd" 1.0
done
# each io_uring switch against the plain ring, in the same rounds
say "array: io_uring's switches at qd 16, one ring"
plain=() ff=() fb=() both=() sq=()
for i in $(seq "$RUNS"); do
	plain+=("$(iops io_uring --qd 16 --workers 1)")
	ff+=("$(iops io_uring --qd 16 --workers 1 --uring-fixed-files)")
	fb+=("$(iops io_uring --qd 16 --workers 1 --uring-fixed-bufs)")
	both+=("$(iops io_uring --qd 16 --workers 1 --uring-fixed-files --uring-fixed-bufs)")
	sq+=("$(iops io_uring --qd 16 --workers 1 --sqpoll)")
done
row "array direct qd 16: --uring-fixed-files / plain ring (IOPS)" "(effect)" "registered files" effect "${ff[*]}" "${plain[*]}"
row "array direct qd 16: --uring-fixed-bufs / plain ring (IOPS)" "(effect)" "registered buffers (READ_FIXED)" effect "${fb[*]}" "${plain[*]}"
row "array direct qd 16: both / plain ring (IOPS)" "(effect)" "registered files and buffers" effect "${both[*]}" "${plain[*]}"
row "array direct qd 16: --sqpoll / plain ring (IOPS)" "(effect)" "SQPOLL's poller takes one of the $CORES vCPUs" effect "${sq[*]}" "${plain[*]}"
fi

# ---- 3. csv: files per second against a plain Python script ---------------
if want csv; then
say "csv: iobench vs Python, with and without fsync"
for sync in none fsync; do
	flag=; [ $sync = fsync ] && flag=--fsync
	# --drop-caches (root): sync and drop before each trial, so no trial pays
	# for the inodes the one before it deleted (see README, Performance)
	iob --workload csv --size small --sync $sync --drop-caches
	BEST=$(best_of "$(newest_csv)" csv wall_s low serial threaded forked epoll io_uring)
	best_t=() pool_t=() one_t=() thr_t=() ur_t=()
	for i in $(seq "$RUNS"); do
		say "  csv sync=$sync round $i of $RUNS"
		best_t+=("$(iob1 csv "$BEST" wall_s --size small --sync $sync --drop-caches)")
		for mode in pool one; do
			d=$OUT/pycsv; rm -rf "$d"; mkdir -p "$d"
			sync; echo 3 >/proc/sys/vm/drop_caches 2>/dev/null	# as iobench does
			if [ $mode = pool ]; then
				pool_t+=("$($PY bench/csv_seed.py "$d" 2000 500 --pool "$CORES" $flag)")
			else
				one_t+=("$($PY bench/csv_seed.py "$d" 2000 500 $flag)")
			fi
		done
		thr_t+=("$(iob1 csv threaded wall_s --size small --sync $sync --drop-caches)")
		ur_t+=("$(iob1 csv io_uring wall_s --size small --sync $sync --drop-caches)")
	done
	row "csv sync=$sync: best strategy ($BEST) / Python multiprocessing pool (files/s)" ">= 3" \
		"2000 files; bench/csv_seed.py --pool $CORES; one Python process: $(ci "${one_t[*]}" "${best_t[*]}") of iobench's time" \
		ratio 3 "${pool_t[*]}" "${best_t[*]}"
	row "csv sync=$sync: threaded time / io_uring time (--workers $CORES rings)" ">= 1.0" \
		"io_uring with a ring per core at least as fast as the thread pool" ratio 1.0 "${thr_t[*]}" "${ur_t[*]}"
done
rm -rf "$OUT/pycsv"
fi

# ---- 4. the harness itself ---------------------------------------------------
if want harness; then
say "harness: null workload per-trial overhead, memory"
iob --workload null --strategy serial --size tiny --repeat 21
NULL_MS=$($PY - "$(newest_csv)" <<'EOF'
import csv, sys
print(" ".join(str(1000 * float(r["wall_s"])) for r in csv.DictReader(open(sys.argv[1]))
               if r["valid"] == "1" and r["warmup"] == "0"))
EOF
)
row "harness: null trial (fork, 1024 no-ops, measure, record), ms" "< 5" \
	"iobench run --workload null --strategy serial --size tiny (21 trials: the interval is of the median trial)" below 5 "$NULL_MS"
# io_uring's memory follows rings x depth x block, not the number of files
mem=()
for files in 8 32; do
	iob --workload md5 --strategy io_uring --files $files --file-size 16M --qd 8 --workers "$CORES"
	mem+=("$(col_med "$(newest_csv)" md5 io_uring mem_net_kib)")
done
rowv "harness: io_uring md5 net memory, 32 files / 8 files (medians)" "$(py "'%.2f' % (${mem[1]} / ${mem[0]})")" "<= 1.25 (+256 KiB)" \
	"$(py "'met' if ${mem[1]} <= 1.25 * ${mem[0]} + 256 else 'SHORT'")" "${mem[0]} KiB with 8 files of 16 MiB, ${mem[1]} KiB with 32 ($CORES rings of qd 8)"
iob --size small --strategy serial,io_uring --repeat 1 --warmup 0
CSV=$(newest_csv)
for st in serial io_uring; do
	rss=$($PY - "$CSV" "$st" <<'EOF'
import csv, sys
print(max(int(r["peak_rss_kib"]) for r in csv.DictReader(open(sys.argv[1])) if r["strategy"] == sys.argv[2]) / 1024)
EOF
)
	rowv "harness: $st peak RSS on small, MiB (largest of md5, csv, array)" "$(printf %.1f "$rss")" "< 16" \
		"$(py "'met' if $rss < 16 else 'SHORT'")" "iobench run --size small --strategy $st (one trial)"
done
fi

# ---- 5. net: sockets, against Little's law; memory per connection ----------
if want net; then
say "net: 256 requests in flight at 10 ms each, and memory per connection"
ulimit -n 20000 2>/dev/null
RINGS=$CORES
# Little's law: 256 requests each taking 10 ms allow 256 / 0.010 = 25600 requests/s
# Every service time exactly 10 ms keeps the 256 connections in the step
# they started in (all connect and send at once, and each answer is due
# 10 ms after its request arrived); +-2 ms of seeded jitter, the same
# mean, lets them spread.  Both, in the same rounds.
# The server shares the machine's CPUs with the trial: its own delay per
# answer (server_late_us, beyond the service time) is shown beside each row.
declare -A netrate netlate netpins
# With --pin the busy threads are bound from the first CPU on and the
# server to the last: a lone loop thread left free is pulled onto the
# server's CPU by the kernel (loopback wakes with the sync hint), which a
# client of a remote server would not pay.
for st in threaded epoll io_uring; do netrate[$st]="" netrate[$st-j]="" netrate[$st-p]="" netlate[$st]=""; done
for i in $(seq "$RUNS"); do
	say "  net round $i of $RUNS"
	for st in threaded epoll io_uring; do
		for j in 0 2000 pin; do
			t=$(iob1 net "$st" wall_s --requests 25600 --conns 256 --latency-us 10000 --msg-size 1K \
				--jitter-us "$([ $j = pin ] && echo 0 || echo $j)" $([ $j = pin ] && echo --pin) \
				--workers "$([ "$st" = threaded ] && echo 256 || echo "$CORES")" \
				--qd $((256 / RINGS)))
			netrate[$st$(case $j in 0) ;; pin) echo -p ;; *) echo -j ;; esac)]+=" $(py "25600 / float('$t')")"
			[ $j = 0 ] && netlate[$st]+=" $(col_med "$(newest_csv)" net "$st" server_late_us)"
			[ $j = pin ] && netpins[$st]=$($PY -c 'import json, sys
t = json.load(open(sys.argv[1]))["trials"]
print(t[-1]["pins"][:120] if t else "")' "$(newest_csv | sed 's/\.csv$/.json/')" 2>/dev/null)
		done
	done
done
lim=$(for _ in $(seq "$RUNS"); do printf '25600 '; done)
for st in threaded epoll io_uring; do
	row "net: $st requests/s at 256 in flight, 10 ms each / Little's law (25600/s)" ">= 0.90" \
		"--requests 25600 (100 per connection) --conns 256 --latency-us 10000 --msg-size 1K; threaded: 256 workers; io_uring: $RINGS rings of qd $((256 / RINGS)); epoll: $CORES pool threads (its sockets wait on the loop); the server's own delay per answer, µs, by round:${netlate[$st]}" \
		ratio 0.90 "${netrate[$st]}" "$lim"
	row "net: $st, the same with --jitter-us 2000 (10 +- 2 ms, same mean) / Little's law" ">= 0.90" \
		"the connections no longer answered in lockstep" ratio 0.90 "${netrate[$st-j]}" "$lim"
	row "net: $st, the same (10 ms each) with --pin: busy threads from the first CPU on, the server on the last / Little's law" ">= 0.90" \
		"last trial's threads: ${netpins[$st]:-?}" ratio 0.90 "${netrate[$st-p]}" "$lim"
done
# memory per connection: the slope of the strategy's net peak memory from
# 64 to 1024 connections.  20 requests each (200 ms): with 4 each, the
# first of 1024 threads finished before the last started (500-700 in
# flight at most) and the figure moved by half between runs.
for st in threaded epoll io_uring; do
	m=() f=()
	for c in 64 1024; do
		iob --workload net --strategy "$st" --requests $((20 * c)) --conns "$c" --latency-us 10000 \
			--msg-size 1K --workers "$([ "$st" = threaded ] && echo "$c" || echo "$CORES")" \
			--qd $((c / RINGS))
		m+=("$(col_med "$(newest_csv)" net "$st" mem_net_kib)")
		f+=("$(col_med "$(newest_csv)" net "$st" inflight_max)")
	done
	rowv "net: $st memory per connection, KiB (64 to 1024 connections)" \
		"$(py "'%.1f' % ((${m[1]} - ${m[0]}) / 960)")" "(context)" "-" \
		"net peak memory $(printf %.0f "${m[0]}") KiB with 64, $(printf %.0f "${m[1]}") KiB with 1024 (medians of $RUNS); in flight at most $(printf %.0f "${f[0]}") and $(printf %.0f "${f[1]}") (medians); threaded runs a thread per connection"
done
fi

# ---- 6. replay: a recorded program against itself; the harness per op -------
if want replay; then
say "replay: background post 002's serial MD5 script, recorded, replayed serially"
MD5_DIR=$(dirname "$(echo $MD5_FILES | cut -d' ' -f1)")
TR=$OUT/md5_seed.iotrace
warm() { cat "$@" >/dev/null; }	# both sides read from the page cache
$IOB record -o "$TR" --root "$MD5_DIR" -- $PY bench/md5_seed.py $MD5_FILES >>"$LOG" 2>&1 ||
	say "  cannot record bench/md5_seed.py"
$IOB trace show "$TR" >>"$LOG" 2>&1
# the stand-ins: generated once, then warm like the originals
$IOB run --dir "$DATA" --results "$OUT/res" --no-plot -q --workload replay --trace "$TR" \
	--strategy serial --repeat 1 --warmup 0 --cache warm >>"$LOG" 2>&1
STANDINS=$(ls "$DATA"/replay-*/f-*.bin 2>/dev/null)
orig_t=() rep_t=()
for i in $(seq "$RUNS"); do
	say "  replay round $i of $RUNS"
	warm $MD5_FILES
	t0=$(now); $PY bench/md5_seed.py $MD5_FILES >/dev/null; t1=$(now)
	orig_t+=("$(py "$t1 - $t0")")
	warm $STANDINS
	rep_t+=("$(iob1 replay serial wall_s --trace "$TR" --cache warm)")
	say "    original ${orig_t[-1]} s, serial replay ${rep_t[-1]} s"
done
span=$(awk '$1 == "span_ns" { print $2 / 1e9 }' "$TR")
row "replay: serial replay time / the script's own time (md5_seed.py, 4 x 256 MiB, warm)" ">= 0.90" \
	"the script's time includes Python's start-up; the trace's span under strace was $span s" \
	ratio 0.90 "${rep_t[*]}" "${orig_t[*]}"
row "replay: the script's own time / serial replay time" ">= 0.90" \
	"with the row above: within 10% either way" ratio 0.90 "${orig_t[*]}" "${rep_t[*]}"

say "replay: the harness per op, against the null workload"
# a trace of 20000 reads of 512 bytes at random offsets of a 1 MiB file, no compute
SYN=$OUT/reads512.iotrace
$PY - "$SYN" <<'PYEOF'
import random, sys
r = random.Random(1)
with open(sys.argv[1], "w") as f:
    f.write("iobench-trace 1\nroot /synthetic\nfile 0 in 1048576 reads.bin\nopen 0 0 0 r\n")
    for _ in range(20000):
        f.write(f"read 0 0 0 {r.randrange(0, 2048) * 512} 512 512\n")
    f.write("close 0 0 0\n")
PYEOF
ones=$(for _ in $(seq "$RUNS"); do printf '1 '; done)
rp_us=() null_us=()
for i in $(seq "$RUNS"); do
	t=$(iob1 replay serial wall_s --trace "$SYN" --cache warm)
	rp_us+=("$(py "1e6 * float('$t') / 20002")")
	t=$(iob1 null serial wall_s --null-jobs 1 --null-ops 20000)
	null_us+=("$(py "1e6 * float('$t') / 20000")")
done
row "replay: serial time per op, us (20000 warm reads of 512 B, no compute)" "(context)" \
	"a pread of 512 B from the page cache, the job's hash of it, and the harness" effect "${rp_us[*]}" "$ones"
row "null: serial time per op, us (--null-jobs 1 --null-ops 20000)" "(context)" \
	"the harness and the executor alone, no syscall" effect "${null_us[*]}" "$ones"
fi

{
	echo "Measured $(date -u +'%F %H:%M') UTC on $(uname -sr), $CORES cores, $(df -T "$DATA" | awk 'NR==2 {print $2" on "$1}'), cold cache, $RUNS alternating rounds per row; median of the paired ratios [confidence interval] (its coverage)."
	echo
	echo "| measure | median [CI] (coverage) | target | verdict | behind it |"
	echo "|---|---|---|---|---|"
	printf '%s\n' "${ROWS[@]}"
} | tee "$OUT/bench.md"
