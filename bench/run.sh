#!/bin/bash
# bench/run.sh - iobench against the tools users would otherwise reach for,
# on the same files, cold cache, medians of several runs, in one run (these
# machines are shared: only ratios measured side by side mean anything).
#
#   make bench                  (or: bench/run.sh [RUNS])
#
# Prints a table of ratios with the commands behind them and writes it to
# bench/out/bench.md.  Needs fio, openssl and python3 (make bench installs
# them); run as root for the io_uring DEFER_TASKRUN and drop-cache parts.
set -u
cd "$(dirname "$0")/.." || exit 1
RUNS=${1:-5}
ONLY=${2:-all}	# md5, array, csv or harness: one section only
want() { [ "$ONLY" = all ] || [ "$ONLY" = "$1" ]; }
OUT=bench/out
DATA=$OUT/data
IOB=./iobench
PY=python3
mkdir -p "$OUT" "$DATA"
LOG=$OUT/log.txt
: >"$LOG"
ROWS=()

say() { printf '%s\n' "$*" | tee -a "$LOG" >&2; }
med() { $PY -c 'import sys, statistics; print(statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }
ratio() { $PY -c 'import sys; print("%.3f" % (float(sys.argv[1]) / float(sys.argv[2])))' "$1" "$2"; }
verdict() { $PY -c 'import sys; print("ok" if float(sys.argv[1]) >= float(sys.argv[2]) else "SHORT")' "$1" "$2"; }
row() { ROWS+=("| $1 | $2 | $3 | $4 | $5 |"); }
# median of a column over counted, valid trials of a result CSV
col_med() { # CSV WORKLOAD STRATEGY COLUMN [QD]
	$PY - "$@" <<'EOF'
import csv, statistics, sys
path, wl, st, col = sys.argv[1:5]
qd = sys.argv[5] if len(sys.argv) > 5 else None
v = [float(r[col]) for r in csv.DictReader(open(path))
     if r["workload"] == wl and r["strategy"] == st and r["valid"] == "1"
     and r["warmup"] == "0" and (qd is None or r["queue_depth"] == qd)]
print(statistics.median(v) if v else "nan")
EOF
}
newest_csv() { ls -t "$OUT"/res/*[0-9].csv | head -1; }
# settings fixed, as the rows below say (fio runs one job of the given depth)
iob() { $IOB run --dir "$DATA" --results "$OUT/res" --no-plot -q --no-tune --repeat "$RUNS" "$@" >>"$LOG" 2>&1; }
# one cold trial, to alternate with an outside tool's run
iob1() { $IOB run --dir "$DATA" --results "$OUT/res" --no-plot -q --no-tune --repeat 1 --warmup 0 "$@" >>"$LOG" 2>&1; }

say "bench: $(date -u +%FT%TZ), $(uname -sr), $(nproc) cores, data in $DATA ($(df -T "$DATA" | awk 'NR==2 {print $2" on "$1}'))"
$IOB run --dir "$DATA" --results "$OUT/res" --size small --repeat 1 --warmup 0 --workload md5,array --strategy serial -q --no-plot >>"$LOG" 2>&1 || { say "cannot prepare the small dataset"; exit 1; }
MD5_FILES=$(ls "$DATA"/md5-4x268435456-s1/file-*.bin)
NPY=$(ls "$DATA"/array-131072x1024-s1/array.npy)
MD5_BYTES=$((4 * 268435456))

# ---- 1. md5: against the CPU limit, the disk limit, and md5sum ------------
if want md5; then
say "md5: openssl speed, fio sequential read, md5sum, iobench (all strategies)"
OSSL=$(openssl speed -evp md5 -bytes 1048576 -seconds 3 2>/dev/null | awk '/^md5/ {sub("k","",$2); print $2 * 1000}')
CORES=$(nproc)
CPU_LIMIT=$($PY -c "print($CORES * $OSSL / 2**20)")
fio_seq=()
for i in $(seq "$RUNS"); do
	$PY bench/drop.py $MD5_FILES
	bw=$(fio --name=seq --rw=read --bs=1M --direct=1 --ioengine=psync --numjobs=1 \
		--filename="$(echo $MD5_FILES | tr ' ' ':')" --size=$MD5_BYTES --output-format=json 2>>"$LOG" |
		$PY -c 'import json,sys; print(json.load(sys.stdin)["jobs"][0]["read"]["bw_bytes"] / 2**20)')
	fio_seq+=("$bw")
done
DISK_LIMIT=$(med "${fio_seq[@]}")
LOWER=$($PY -c "print(min($CPU_LIMIT, $DISK_LIMIT))")
iob --workload md5 --size small
CSV=$(newest_csv)
best=0 best_st=
for st in serial threaded forked epoll io_uring; do
	m=$(col_med "$CSV" md5 "$st" mib_per_s)
	say "  iobench md5 $st: $m MiB/s"
	if $PY -c "import sys; sys.exit(0 if float('$m') > float('$best') else 1)"; then best=$m best_st=$st; fi
done
# The host emulates the disk on our own CPUs: with both busy hashing, it
# takes CPU time from them ("steal", measured per trial by iobench).
# Usable cores = cores - steal / wall during the best strategy's trials.
STEAL=$(col_med "$CSV" md5 "$best_st" steal_s)
BWALL=$(col_med "$CSV" md5 "$best_st" wall_s)
USABLE=$($PY -c "print($CORES - $STEAL / $BWALL)")
CPU_USABLE=$($PY -c "print($USABLE * $OSSL / 2**20)")
LOWER_U=$($PY -c "print(min($CPU_USABLE, $DISK_LIMIT))")
r=$(ratio "$best" "$LOWER_U")
row "md5: best strategy ($best_st) / min(CPU limit of the usable cores, disk limit)" "$r" ">= 0.90" "$(verdict "$r" 0.90)" \
	"$(printf '%.0f MiB/s vs min(%.2f usable cores (%s - %.2f s steal / %.2f s) x openssl %.0f MiB/s = %.0f, fio seq 1M direct %.0f) MiB/s' "$best" "$USABLE" "$CORES" "$STEAL" "$BWALL" "$($PY -c "print($OSSL/2**20)")" "$CPU_USABLE" "$DISK_LIMIT")"
r=$(ratio "$best" "$LOWER")
row "md5: best strategy ($best_st) / min(CPU limit of all cores, disk limit)" "$r" "(context)" "-" \
	"$(printf '%.0f MiB/s vs min(%s cores x openssl %.0f MiB/s = %.0f, %.0f) MiB/s: counts the CPU time the host took as ours' "$best" "$CORES" "$($PY -c "print($OSSL/2**20)")" "$CPU_LIMIT" "$DISK_LIMIT")"
# The best strategy against the obvious parallel tool, alternating: as
# many md5sum processes as cores (xargs -P), the same files, cold.
par_t=() best_t=()
for i in $(seq "$RUNS"); do
	$PY bench/drop.py $MD5_FILES
	t0=$(date +%s.%N); printf '%s\n' $MD5_FILES | xargs -P "$CORES" -n $(( (4 + CORES - 1) / CORES )) md5sum >/dev/null; t1=$(date +%s.%N)
	par_t+=("$($PY -c "print($t1 - $t0)")")
	iob1 --workload md5 --size small --strategy "$best_st"
	best_t+=("$(col_med "$(newest_csv)" md5 "$best_st" wall_s)")
done
PAR=$(med "${par_t[@]}")
BEST=$(med "${best_t[@]}")
r=$(ratio "$PAR" "$BEST")
row "md5: parallel md5sum time / iobench $best_st time" "$r" ">= 0.97" "$(verdict "$r" 0.97)" \
	"xargs -P $CORES md5sum over the 4 files: $(printf %.3f "$PAR") s; iobench run --workload md5 --strategy $best_st: $(printf %.3f "$BEST") s (cold, medians)"
# md5sum and iobench serial alternate (A B A B ...): drift hits both alike
md5sum_t=() serial_t=()
for i in $(seq "$RUNS"); do
	$PY bench/drop.py $MD5_FILES
	t0=$(date +%s.%N); md5sum $MD5_FILES >/dev/null; t1=$(date +%s.%N)
	md5sum_t+=("$($PY -c "print($t1 - $t0)")")
	iob1 --workload md5 --size small --strategy serial
	serial_t+=("$(col_med "$(newest_csv)" md5 serial wall_s)")
done
MD5SUM=$(med "${md5sum_t[@]}")
SERIAL=$(med "${serial_t[@]}")
r=$(ratio "$MD5SUM" "$SERIAL")
row "md5: md5sum time / iobench serial time" "$r" ">= 0.97" "$(verdict "$r" 0.97)" \
	"md5sum of the 4 files: $(printf %.3f "$MD5SUM") s; iobench run --workload md5 --strategy serial: $(printf %.3f "$SERIAL") s (cold, medians)"

fi

# ---- 2. array: io_uring and serial, O_DIRECT, against fio -----------------
if want array; then
say "array: iobench --cache direct vs fio, 8 KiB random rows, alternating runs"
NPY_SIZE=$(stat -c %s "$NPY")
# One fio run: IOPS.  An 8 KiB .npy row starts 128 bytes into an 8 KiB
# block (the header), so O_DIRECT reads it as the 512-aligned 8704 bytes
# around it; "same" asks fio for exactly those reads, "8k" for fio's own.
fio1() { # ENGINE DEPTH same|8k
	local bs="--bs=8k"
	[ "$3" = same ] && bs="--bs=8704 --blockalign=8192"
	$PY bench/drop.py "$NPY"
	fio --name=rr --filename="$NPY" --ioengine="$1" --direct=1 --rw=randread $bs \
		--iodepth="$2" --size="$NPY_SIZE" --number_ios=20000 --norandommap --randrepeat=0 \
		--output-format=json 2>>"$LOG" | $PY -c 'import json,sys; print(json.load(sys.stdin)["jobs"][0]["read"]["iops"])'
}
array_vs_fio() { # LABEL STRATEGY ENGINE DEPTH
	local io=() fs=() f8=() st=$2 qd=$4
	for i in $(seq "$RUNS"); do
		# one ring (io_uring --workers 1) against fio's one job of the same depth
		iob1 --workload array --size small --cache direct --strategy "$st" --qd "$qd" --workers 1
		io+=("$($PY -c "print(20000 / $(col_med "$(newest_csv)" array "$st" wall_s))")")
		fs+=("$(fio1 "$3" "$qd" same)")
		f8+=("$(fio1 "$3" "$qd" 8k)")
	done
	local I F E r
	I=$(med "${io[@]}"); F=$(med "${fs[@]}"); E=$(med "${f8[@]}")
	r=$(ratio "$I" "$F")
	row "array: $1 / fio, same reads (IOPS)" "$r" ">= 0.95" "$(verdict "$r" 0.95)" \
		"$(printf '%.0f vs %.0f IOPS (fio --ioengine=%s --direct=1 --rw=randread --bs=8704 --blockalign=8192 --iodepth=%s); fio --bs=8k: %.0f IOPS, ratio %s' "$I" "$F" "$3" "$qd" "$E" "$(ratio "$I" "$E")")"
}
array_vs_fio "serial direct" serial psync 1
for qd in 1 16 64; do
	array_vs_fio "io_uring direct qd $qd" io_uring io_uring "$qd"
done
fi

# ---- 3. csv: files per second against a plain Python script ---------------
if want csv; then
say "csv: iobench every strategy vs Python, with and without fsync"
for sync in none fsync; do
	flag=; [ $sync = fsync ] && flag=--fsync
	# --drop-caches (root): sync and drop before each trial, so no trial pays
	# for the inodes the one before it deleted (see README, Performance)
	iob --workload csv --size small --sync $sync --drop-caches
	CSV=$(newest_csv)
	best=0 best_st=
	for st in serial threaded forked epoll io_uring; do
		fps=$($PY -c "print(2000 / $(col_med "$CSV" csv "$st" wall_s))")
		say "  iobench csv sync=$sync $st: $fps files/s"
		if $PY -c "import sys; sys.exit(0 if $fps > $best else 1)"; then best=$fps best_st=$st; fi
	done
	for mode in one pool; do
		t=()
		for i in $(seq "$RUNS"); do
			d=$OUT/pycsv; rm -rf "$d"; mkdir -p "$d"
			sync; echo 3 >/proc/sys/vm/drop_caches 2>/dev/null	# as iobench does
			if [ $mode = pool ]; then
				t+=("$($PY bench/csv_seed.py "$d" 2000 500 --pool "$(nproc)" $flag)")
			else
				t+=("$($PY bench/csv_seed.py "$d" 2000 500 $flag)")
			fi
		done
		eval "PY_$mode=\$($PY -c \"print(2000 / \$(med ${t[*]}))\")"
	done
	r=$(ratio "$best" "$PY_pool")
	row "csv sync=$sync: best strategy ($best_st) / Python multiprocessing pool (files/s)" "$r" ">= 3" "$(verdict "$r" 3)" \
		"$(printf '%.0f vs pool %.0f (one process %.0f) files/s; bench/csv_seed.py' "$best" "$PY_pool" "$PY_one")"
done
rm -rf "$OUT/pycsv"

fi

# ---- 4. the harness itself ---------------------------------------------------
if want harness; then
say "harness: null workload per-trial overhead, peak RSS on small"
iob --workload null --strategy serial --size tiny --repeat 21
NULL_MS=$($PY -c "print(1000 * $(col_med "$(newest_csv)" null serial wall_s))")
row "harness: null trial (fork, measure, record) ms" "$(printf %.2f "$NULL_MS")" "< 5 ms" \
	"$($PY -c "print('ok' if $NULL_MS < 5 else 'SHORT')")" "iobench run --workload null --strategy serial --size tiny: 16 jobs x 64 no-ops (median of 21)"
iob --size small --strategy serial,io_uring --repeat 1 --warmup 0
CSV=$(newest_csv)
for st in serial io_uring; do
	rss=$($PY - "$CSV" "$st" <<'EOF'
import csv, sys
print(max(int(r["peak_rss_kib"]) for r in csv.DictReader(open(sys.argv[1])) if r["strategy"] == sys.argv[2]) / 1024)
EOF
)
	row "harness: $st peak RSS on small, MiB (largest of md5, csv, array)" "$(printf %.1f "$rss")" "< 16" \
		"$($PY -c "print('ok' if $rss < 16 else 'SHORT')")" "iobench run --size small --strategy $st"
done
fi

{
	echo "Measured $(date -u +%F) on $(uname -sr), $(nproc) cores, $(df -T "$DATA" | awk 'NR==2 {print $2" on "$1}'), cold cache, medians of $RUNS runs."
	echo
	echo "| measure | ratio / value | target | verdict | behind it |"
	echo "|---|---|---|---|---|"
	printf '%s\n' "${ROWS[@]}"
} | tee "$OUT/bench.md"
