#!/bin/bash
# e2e_nolibs.sh - iobench built where liburing and hwloc are missing, and
# run where gnuplot is: the build says what is off, `list` marks io_uring
# unavailable with the reason, the topology comes from the online CPUs,
# the other strategies run (pinned too), and plots are skipped in one line.
#
# The libraries are hidden as a user's machine lacks them: pkg-config sees
# only libcrypto and jansson (PKG_CONFIG_LIBDIR), and poisoned liburing.h
# and hwloc.h come first on the include path, so a build that still
# included either would fail.
. "$(dirname "$0")/e2e_lib.sh"
MAKE=${MAKE:-make}

echo "e2e_nolibs: a build without liburing and hwloc"
mkdir -p "$T/pc" "$T/poison" "$T/data"
for p in libcrypto jansson; do
	cp "$(pkg-config --variable pcfiledir $p)/$p.pc" "$T/pc/"
done
for h in liburing.h hwloc.h; do
	echo "#error $h must not be included in this build" >"$T/poison/$h"
done
B=$T/build
# MPI=0: Open MPI's pkg-config file is hidden too; -O0: only the build's shape is tested
PKG_CONFIG_LIBDIR=$T/pc PKG_CONFIG_PATH= $MAKE --no-print-directory -j2 MPI=0 OPT=-O0 \
	SANITIZE= BUILD="$B" BIN="$B/iobench" CFLAGS="-I$T/poison" "$B/iobench" >"$T/make.log" 2>&1
status=$?
check "make builds with both libraries missing" test "$status" -eq 0
[ "$status" -eq 0 ] || tail -5 "$T/make.log"
check "make says which features are off and why" bash -c \
	"grep -q 'NOTE    io_uring strategy off: built without liburing: pkg-config found none' '$T/make.log' &&
	 grep -q 'NOTE    hwloc off: pkg-config found no hwloc' '$T/make.log'"
IB=$B/iobench
check "the binary links neither library" bash -c "! ldd '$IB' | grep -qE 'liburing|libhwloc'"
check "list: io_uring unavailable, with the reason" bash -c \
	"'$IB' list | grep -qE '^  io_uring +unavailable +built without liburing'"
check "info: the topology from the online CPUs, said" bash -c \
	"'$IB' info --dir '$T' | grep -qF 'from sysconf: built without hwloc'"
"$IB" run --size tiny --workload md5 --strategy io_uring --dir "$T/data" --results "$T/r0" -q \
	--no-plot >/dev/null 2>"$T/r0.err"
check "--strategy io_uring alone: exit 1, saying why" bash -c "[ $? -eq 1 ] &&
	grep -qx 'iobench: strategy io_uring is unavailable here: built without liburing: .*' '$T/r0.err'"

# gnuplot hidden: a PATH holding only what the run needs besides it
mkdir -p "$T/bin"
for t in sh cat; do ln -s "$(command -v $t)" "$T/bin/$t"; done
(cd "$T" && PATH=$T/bin "$IB" run --size tiny --workload md5 --strategy all --repeat 1 \
	--warmup 0 --pin --dir "$T/data" --results "$T/res" --plots "$T/plots" -q) \
	>"$T/run.out" 2>"$T/run.err"
status=$?
check "a pinned run of every other strategy exits 0 without gnuplot" test "$status" -eq 0
[ "$status" -eq 0 ] || tail -5 "$T/run.err"
json=$(ls "$T"/res/*[0-9].json 2>/dev/null | head -1)
$PY - "$json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
st = {s["name"]: s for s in d["strategies"]}
ok = not st["io_uring"]["available"] and "liburing" in st["io_uring"]["reason"]
tr = [t for t in d["trials"] if t["strategy"] not in ("io_uring",)]
ok = ok and tr and all(t["valid"] for t in tr)
ok = ok and d["host"]["topology_from"].startswith("sysconf")
# pinned: each strategy's threads were bound to CPUs the process may use
ok = ok and any("cpu" in (t.get("pins") or "") for t in tr)
sys.exit(0 if ok else 1)
PYEOF
check "the JSON: io_uring unavailable (why), the rest valid and pinned, topology from sysconf" test $? -eq 0
check "plots skipped in one line saying how to get them" bash -c \
	"[ \$(grep -c gnuplot '$T/run.err') -eq 1 ] && grep -q 'gnuplot is not installed: no plots (apt-get install gnuplot-nox' '$T/run.err'"
check "no plots directory made" test ! -e "$T/plots"

[ "$fails" -eq 0 ] && echo "e2e_nolibs: all checks passed" || echo "e2e_nolibs: $fails check(s) failed"
exit $((fails > 0))
