#!/bin/bash
# e2e_storage.sh - storage with known answers (issue 16): what iobench says
# about the filesystem, and whether its verdict follows the storage.
#   tmpfs         in memory: cold means warm there, said once
#   btrfs         a subvolume is named as btrfs, not "unknown"
#   delayfs       FUSE adding a fixed delay per op: throughput = in flight / delay
#   a capped disk a loop device throttled by the cgroup v1 blkio controller
# Each part needs root and its kernel feature; without them it says so and
# is skipped.
. "$(dirname "$0")/e2e_lib.sh"
DELAYFS=$(realpath -m "${DELAYFS:-build/default/tests/delayfs}")
LOOPS=()
CGROUP=/sys/fs/cgroup/blkio/iobench-e2e-$$
storage_cleanup() {
	local status=$?
	[ -n "${FUSED:-}" ] && fusermount3 -u "$FUSED" 2>/dev/null
	for m in "${MOUNTS[@]}"; do umount "$m" 2>/dev/null; done
	MOUNTS=()
	for l in "${LOOPS[@]}"; do losetup -d "$l" 2>/dev/null; done
	[ -d "$CGROUP" ] && rmdir "$CGROUP" 2>/dev/null
	cleanup "$status"
}
trap storage_cleanup EXIT
skip() { echo "  skip  $1"; }
root() { [ "$(id -u)" -eq 0 ]; }
# a filesystem of type $1 on a loop device of $2 MiB, mounted at $3; the device in $dev
loopfs() {
	local img="$T/$1.img"
	truncate -s "${2}M" "$img" && dev=$(losetup -f --show "$img") || return 1
	LOOPS+=("$dev")
	"mkfs.$1" -q "$dev" >/dev/null 2>&1 || return 1
	mkdir -p "$3" && mount "$dev" "$3" || return 1
	MOUNTS+=("$3")
}
run() {	# run OUT ARGS...: a tiny run into OUT; prints the trial CSV's path
	local out=$1; shift
	$IOBENCH run --size tiny --results "$out" --no-plot -q "$@" >"$out.log" 2>&1
	echo $? >"$out.status"
	ls "$out"/*[0-9].csv 2>/dev/null | head -1
}

echo "e2e_storage: tmpfs"
if root && small_fs "$T/mem" 80m; then
	check "info: tmpfs, no block device (n/a, not 0 B)" bash -c "
		$IOBENCH info --dir '$T/mem' | grep -q '^storage:.*tmpfs on' &&
		$IOBENCH info --dir '$T/mem' | grep -q '^device:    n/a (in memory'"
	csv=$(run "$T/mr" --dir "$T/mem" --workload md5 --strategy serial,threaded --repeat 2 --warmup 0)
	check "cold on tmpfs: said once, run warm, no trial flagged" $PY - "$csv" "$T/mr.log" <<'PYEOF'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
m = json.load(open(sys.argv[1][:-4] + ".json"))
log = open(sys.argv[2]).read()
ok = log.count("its files live in memory") == 1 and "page cache (asked for" not in log
ok = ok and m["config"]["cache"] == "warm" and m["config"]["cache_asked"] == "cold"
ok = ok and rows and all(r["cache_flag"] == "0" and r["valid"] == "1" for r in rows)
sys.exit(0 if ok else 1)
PYEOF
	# in memory, md5 is CPU-bound: the pools and the rings (one per core) speed up
	# with the cores; epoll's one loop thread, which hashes everything, does not
	cpu=$(run "$T/mc" --dir "$T/mem" --workload md5 --files 2 --file-size 24M \
		--strategy serial,threaded,epoll,io_uring --repeat 4 --warmup 1)
	check "tmpfs md5 is CPU-bound: threaded and io_uring near the cores' speed-up, epoll near serial" \
		$PY - "$cpu" <<'PYEOF'
import csv, os, sys
s = {r["strategy"]: float(r["wall_s_median"]) for r in csv.DictReader(open(sys.argv[1][:-4] + "-summary.csv"))}
sp = {k: s["serial"] / v for k, v in s.items()}
print("    speed-up over serial: " + ", ".join(f"{k} {v:.2f}" for k, v in sp.items()))
cores = min(os.cpu_count(), 2)
# more than one core's worth, and clear of epoll's one loop thread: in
# clean-clone CI runs on this 2-vCPU VM io_uring's median ranged 1.30-1.91x
# (plain and sanitizer builds alike), epoll's reached 1.09x
ok = all(sp[k] >= 0.6 * cores for k in ("threaded", "io_uring")) and 0.75 <= sp["epoll"] <= 1.2
sys.exit(0 if ok else 1)
PYEOF
else
	skip "tmpfs (needs root)"
fi

echo "e2e_storage: btrfs"
if root && command -v mkfs.btrfs >/dev/null && grep -qw btrfs /proc/filesystems &&
	loopfs btrfs 160 "$T/btr" && btrfs subvolume create "$T/btr/sub" >/dev/null; then
	check "info: a btrfs subvolume is btrfs on its loop device" bash -c "
		$IOBENCH info --dir '$T/btr/sub' | grep -q '^storage:   $T/btr/sub: btrfs on $dev (mounted at $T/btr)'"
else
	skip "btrfs (needs root, btrfs-progs and a loop device)"
fi

echo "e2e_storage: delayfs, 2 ms per operation"
DELAY_US=2000
if root && [ -x "$DELAYFS" ] && [ -c /dev/fuse ] && mkdir -p "$T/dsrc" "$T/dmnt" &&
	"$DELAYFS" "$T/dsrc" "$T/dmnt" $DELAY_US; then
	FUSED=$T/dmnt
	arr=(--workload array --reads 512 --repeat 5 --warmup 0)
	slow=$(run "$T/slow" --dir "$T/dmnt" "${arr[@]}" --strategy serial,threaded,io_uring)
	check "delayfs: the run succeeds, every trial valid" $PY -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
sys.exit(0 if rows and all(r["valid"] == "1" for r in rows) else 1)' "$slow"
	# a pool of 16: enough in flight to show the law, few enough that 2 cores
	# (and a sanitizer) keep up with the FUSE round trips; one op per thread
	# (no read-ahead window), so exactly 16 are in flight
	pool=$(run "$T/pool" --dir "$T/dmnt" --workload array --reads 512 --repeat 3 --warmup 0 \
		--strategy threaded --workers 16 --no-sync-readahead)
	# serial holds Little's law within 25% (0.6 below: on 2026-12-03 under ASan a
	# serial op took 2.8 ms, the FUSE daemon's own cost on 2 vCPUs), which says the
	# delay is real; the pool of 16 must overlap at least 4 of them at once, as a
	# rate against serial's in the same run (at 16 in flight each op took 3.1 ms
	# one day, 8 ms another: the daemon, not the pool; 40% of the law flaked)
	check "Little's law: serial within [0.6, 1.25] of 1/delay, a pool of 16 at least 4x serial's rate" \
		$PY - "$slow" "$pool" $DELAY_US <<'PYEOF'
import csv, statistics, sys
delay = int(sys.argv[3]) / 1e6
rate = {}
for path, st, inflight in ((sys.argv[1], "serial", 1), (sys.argv[2], "threaded", 16)):
    rows = [r for r in csv.DictReader(open(path)) if r["warmup"] == "0" and r["strategy"] == st]
    rate[st] = statistics.median(float(r["ops_per_s"]) for r in rows)
    print(f"    {st}: {inflight} in flight, {rate[st]:.0f} ops/s, Little's law says {inflight / delay:.0f}")
ok = 0.6 <= rate["serial"] * delay <= 1.25
ok = ok and 4 * rate["serial"] <= rate["threaded"] <= 1.25 * 16 / delay
sys.exit(0 if ok else 1)
PYEOF
	check "the tuned pool reaches io_uring's order or beyond, tuning kept in the JSON" $PY -c '
import csv, json, sys
s = list(csv.DictReader(open(sys.argv[1][:-4] + "-summary.csv")))
m = {r["strategy"]: float(r["mib_per_s_median"]) for r in s}
t = {x["strategy"]: x for x in json.load(open(sys.argv[1][:-4] + ".json"))["tuning"]}
print("    MiB/s: " + ", ".join(f"{k} {v:.1f}" for k, v in m.items()))
print("    threaded tuning: tried %s, chose %s" % ([x["setting"] for x in t["threaded"]["tried"]],
                                               t["threaded"]["chosen"]))
# a sanitizer slows 16 threads far more than one ring (TSan, clean-clone CI:
# 2.4 MiB/s against 0.3 for serial); the Little law check above holds there
ok = m["threaded"] >= 0.5 * m["io_uring"] and m["threaded"] >= float(sys.argv[2]) * m["serial"]
ok = ok and t["threaded"]["knob"] == "workers" and t["threaded"]["tried"][0]["setting"] == 2
# the tuner doubles while a step gains 5%: on this FUSE mount that is 32 or
# 64 workers, but one noisy step stopped it at 16 in a clean-clone CI run
# (4.7 MiB/s): still 8x the cores, which is what this checks.  The tuner
# keeps the best setting it tried, and under TSan the steps are noisier
# still (a clean-clone CI run failed this check at 2.0 MiB/s against 2.5
# for io_uring, its tuning not printed then): 4x the cores there
ok = ok and t["threaded"]["chosen"] >= int(sys.argv[3]) and t["io_uring"]["knob"] == "qd"
sys.exit(0 if ok else 1)' "$slow" "$([[ "$IOBENCH" == */san-* ]] && echo 4 || echo 10)" \
		"$([[ "$IOBENCH" == */san-* ]] && echo 8 || echo 16)"
	# io_uring's io-wq figures mean what they say: every op is at least one
	# SQE, io-wq ran a part of them with no more workers than its cap, the
	# strategies without a ring have none, the count is taken in the warmup
	# trial only (counting slows io-wq), and the report says it
	wq=$(run "$T/wq" --dir "$T/dmnt" --workload array --reads 256 --repeat 2 --warmup 1 \
		--strategy io_uring --workers 1 --qd 32 --iowq-workers 2 --no-tune)
	$IOBENCH report "${wq%.csv}.json" >/dev/null 2>&1
	check "delayfs: io_uring's SQEs >= its ops, io-wq ran a part with <= 2 workers (--iowq-workers 2), counted in the warmup only, none for the pools" \
		$PY - "${wq%.csv}.json" "${slow%.csv}.json" <<'PYEOF'
import json, sys
ok = True
for t in json.load(open(sys.argv[1]))["trials"]:
    s, w, k = t["io_shape"]["io_uring_sqes"], t["io_shape"]["io_uring_iowq"], t["breakdown"]["io_workers"]
    print(f"    {'warmup' if t['warmup'] else 'trial'} {t['trial']}: {t['ops']} ops, {s} SQEs, {w} through io-wq, {k} io-wq workers")
    ok = ok and (k is None or k <= 2)
    if not t["warmup"]:
        ok = ok and w is None
        continue
    if s is None:
        print("    (io_uring's tracepoints are n/a here: no tracefs)")
        continue
    ok = ok and s >= t["ops"] > 0 and 0 <= w <= s
for t in json.load(open(sys.argv[2]))["trials"]:
    ok = ok and (t["strategy"] == "io_uring" or t["io_shape"]["io_uring_sqes"] is None)
sys.exit(0 if ok else 1)
PYEOF
	# without tracefs (not mounted on every machine) there is no share to report
	if $PY -c 'import json,sys; sys.exit(0 if any(t["io_shape"]["io_uring_sqes"] is not None for t in json.load(open(sys.argv[1]))["trials"]) else 1)' "${wq%.csv}.json"; then
		check "delayfs: the report says what share of io_uring's SQEs io-wq ran" \
			grep -q "of the SQEs went to io-wq's kernel workers" "${wq%.csv}.md"
	else
		echo "  skip  delayfs: the report's io-wq share (no tracefs here: the tracepoints are n/a)"
	fi
	mkdir -p "$T/disk"
	fast=$(run "$T/fast" --dir "$T/disk" "${arr[@]}" --strategy serial,threaded,io_uring)
	$IOBENCH compare "$fast" "$slow" --plots "$T/cmp" >"$T/cmp.out" 2>&1
	check "against the local disk, compare finds the delay: serial and the pool significantly slower" bash -c "
		grep -qE '^  array +serial .*B slower \([0-9.]+x\)' '$T/cmp.out' &&
		grep -qE '^  array +threaded .*B slower \([0-9.]+x\)' '$T/cmp.out'"
	sed -n 's/^  array: /    /p' "$T/cmp.out"
	fusermount3 -u "$T/dmnt"
	FUSED=
else
	skip "delayfs (needs root, /dev/fuse and libfuse3)"
fi

echo "e2e_storage: a disk capped at 8 MiB/s"
CAP=$((8 << 20))
if root && [ -d /sys/fs/cgroup/blkio ] && [ -e /sys/fs/cgroup/blkio/blkio.throttle.read_bps_device ] &&
	loopfs ext4 64 "$T/cap" && mkdir "$CGROUP" &&
	echo "$(lsblk -no MAJ:MIN "$dev" | tr -d ' ') $CAP" >"$CGROUP/blkio.throttle.read_bps_device"; then
	capped=$(sh -c "echo \$\$ >'$CGROUP/cgroup.procs' && exec $IOBENCH run --size tiny --dir '$T/cap' \
		--results '$T/capr' --no-plot -q --workload md5 --strategy serial,threaded,io_uring \
		--repeat 6 --warmup 0" >"$T/capr.log" 2>&1; ls "$T"/capr/*[0-9].csv 2>/dev/null)
	check "capped: every strategy within 15% of the cap" $PY - "$capped" $CAP <<'PYEOF'
import csv, statistics, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["warmup"] == "0" and r["valid"] == "1"]
cap = int(sys.argv[2]) / 2**20
ok = bool(rows)
for st in ("serial", "threaded", "io_uring"):
    got = statistics.median(float(r["mib_per_s"]) for r in rows if r["strategy"] == st)
    print(f"    {st}: {got:.2f} MiB/s against a {cap:.0f} MiB/s cap")
    ok = ok and abs(got / cap - 1) <= 0.15
sys.exit(0 if ok else 1)
PYEOF
	check "capped: the verdict says the storage is the limit and keeps serial" $PY -c '
import json, sys
v = json.load(open(sys.argv[1][:-4] + ".json"))["recommendations"][0]
print("    " + v["reason"] + " (" + v["detail"] + ")")
sys.exit(0 if v["storage_limit"] and v["strategy"] == "serial" else 1)' "$capped"
else
	skip "a capped disk (needs root, cgroup v1 blkio throttling and a loop device)"
fi

[ "$fails" -eq 0 ] && echo "e2e_storage: all checks passed" || echo "e2e_storage: $fails check(s) failed"
exit $((fails > 0))
