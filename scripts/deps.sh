#!/bin/sh
# deps.sh - make sure the Debian packages iobench needs are installed.
#
# As root, installs what is missing (apt-get, no prompts).  Otherwise
# prints the exact command to run and fails, so `make` stops before a
# confusing compiler error.  Usage: scripts/deps.sh [build|test|bench]
set -eu

build="pkg-config gcc make liburing-dev libhwloc-dev libssl-dev libjansson-dev"
# MPI: `mpirun -np N iobench run` (built with it automatically once installed)
mpi="openmpi-bin libopenmpi-dev"
run="gnuplot-nox"
# fuse3, btrfs-progs: storage with known answers (tests/e2e_storage.sh);
# man-db: `man -l` renders the installed page (tests/e2e_install.sh);
# python3-jsonschema: every result file the tests write against schema/;
# strace: iobench record (tests/e2e_replay.sh records real Python jobs)
test="strace libcmocka-dev python3-numpy python3-jsonschema clang libclang-rt-14-dev valgrind fuse3 libfuse3-dev btrfs-progs man-db"
bench="fio python3 strace"

case "${1:-build}" in
	build) want="$build $run" ;;
	test) want="$build $run $test $mpi" ;;
	bench) want="$build $run $bench" ;;
	mpi) want="$build $run $mpi" ;;
	*) echo "deps.sh: unknown set '$1' (valid: build, test, bench, mpi)" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "iobench needs these Debian packages:$missing" >&2
	echo "install them with: sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# the package lists may be stale or absent on a fresh machine: refresh on failure
apt-get install -y -q --no-install-recommends $missing >/dev/null ||
	{ apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends $missing >/dev/null; }
