#!/bin/bash
# bench/storages.sh - does the answer follow the storage?  The same job on
# three storages of this machine, side by side in one run (issue 16):
#   disk     --dir on the local disk (ext4 on virtio here)
#   delay    tests/delayfs over the same disk: 1 ms per open, read, write, fsync
#   capped   a loop device capped at 16 MiB/s of reads (cgroup v1 blkio)
# Prints (and writes bench/out/storages/storages.md) a table of each
# workload's recommendation, with the setting tuning found, per storage.
# Needs root, /dev/fuse, libfuse3 and the blkio controller.
#
#   bench/storages.sh [REPEAT]
set -u
cd "$(dirname "$0")/.." || exit 1
REPEAT=${1:-6}
OUT=$PWD/bench/out/storages
IOB=$PWD/iobench
make --no-print-directory iobench >/dev/null || exit 1
BUILD=$(make --no-print-directory -s -p -n 2>/dev/null | sed -n 's/^BUILD := //p' | head -1)
make --no-print-directory "$BUILD/tests/delayfs" >/dev/null || exit 1
DELAYFS=$PWD/$BUILD/tests/delayfs
[ "$(id -u)" -eq 0 ] || { echo "bench/storages.sh: needs root" >&2; exit 1; }
rm -rf "$OUT"
mkdir -p "$OUT/disk" "$OUT/dsrc" "$OUT/dmnt" "$OUT/cap"
CG=/sys/fs/cgroup/blkio/iobench-bench-$$
LOOP=""
done_() {
	fusermount3 -u "$OUT/dmnt" 2>/dev/null
	umount "$OUT/cap" 2>/dev/null
	[ -n "$LOOP" ] && losetup -d "$LOOP"
	rmdir "$CG" 2>/dev/null
}
trap done_ EXIT

"$DELAYFS" "$OUT/dsrc" "$OUT/dmnt" 1000 || exit 1
truncate -s 256M "$OUT/cap.img"
LOOP=$(losetup -f --show "$OUT/cap.img") && mkfs.ext4 -q "$LOOP" && mount "$LOOP" "$OUT/cap" || exit 1
mkdir "$CG" && echo "$(lsblk -no MAJ:MIN "$LOOP" | tr -d ' ') $((16 << 20))" >"$CG/blkio.throttle.read_bps_device"

JOB=(run --size tiny --repeat "$REPEAT" --warmup 1 --no-plot -q --files 8 --file-size 8M)
$IOB "${JOB[@]}" --dir "$OUT/disk" --results "$OUT/r-disk" >"$OUT/disk.log" 2>&1
$IOB "${JOB[@]}" --dir "$OUT/dmnt" --results "$OUT/r-delay" >"$OUT/delay.log" 2>&1
sh -c "echo \$\$ >$CG/cgroup.procs && exec $IOB ${JOB[*]} --dir $OUT/cap --results $OUT/r-cap" \
	>"$OUT/cap.log" 2>&1

python3 - "$OUT" <<'EOF' | tee "$OUT/storages.md"
import glob, json, sys
out = sys.argv[1]
names = {"disk": "local disk (ext4, virtio)", "delay": "delayfs, 1 ms per op (FUSE)",
         "cap": "loop disk capped at 16 MiB/s"}
print("| storage | md5 | csv | array |")
print("|---|---|---|---|")
for key in ("disk", "delay", "cap"):
    m = json.load(open(glob.glob(f"{out}/r-{key}/*[0-9].json")[0]))
    rows = {(r["workload"], r["strategy"]): r for r in m["summary"]}
    cells = []
    for wl in ("md5", "csv", "array"):
        v = next(x for x in m["recommendations"] if x["workload"] == wl)
        if v["strategy"]:
            r = rows[(wl, v["strategy"])]
            at = "" if v["strategy"] == "serial" else \
                 f" (qd {r['queue_depth']})" if v["strategy"] == "io_uring" else f" ({r['workers']} workers)"
            what = v["strategy"] + at
        else:
            what = "none singled out"
        if v.get("storage_limit"):
            what += f"; storage-bound at {v['ceiling_mib_per_s']:.1f} MiB/s"
        if v.get("too_short"):
            what += "; too short to decide"
        cells.append(what)
    print(f"| {names[key]} | " + " | ".join(cells) + " |")
EOF
