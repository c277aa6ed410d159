# e2e_lib.sh - what the end-to-end scripts share: the binary, a scratch
# directory removed at exit, and check/expect.  Sourced, not run.
set -u
IOBENCH=$(realpath "${IOBENCH:-./iobench}")
NO_URING=$(realpath -m "${NO_URING:-build/default/tests/no_uring}")
PY=/usr/bin/python3	# Debian's python3, where python3-numpy lives
# The tests check behaviour, and must pass on a busy machine: no trial is
# left out for what else ran meanwhile, except where a test asks for it
# (e2e_numbers' CPU hog passes --max-interference itself).
export IOBENCH_MAX_INTERFERENCE=0
T=$(mktemp -d "${TMPDIR:-/tmp}/iobench-e2e-XXXXXX")
MOUNTS=()
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Every result JSON the script wrote, against the schema, before it goes:
# a field the schema does not describe, or of another type, fails the script.
schema_check() {
	local files=()
	mapfile -t files < <(find "$T" -xdev -name '*.json' -type f 2>/dev/null)
	[ "${#files[@]}" -gt 0 ] || return 0
	"$PY" "$HERE/schema_check.py" "$HERE/../schema/iobench-run.schema.json" "${files[@]}"
}
# cleanup [STATUS]: the script's exit status, when a trap of its own runs first
cleanup() {
	local status=${1:-$?}
	schema_check || status=1
	[ -n "${E2E_KEEP:-}" ] && { echo "kept $T"; exit $status; }
	for m in "${MOUNTS[@]}"; do umount "$m" 2>/dev/null; done
	chmod -R u+w "$T" 2>/dev/null
	rm -rf "$T"
	exit $status
}
trap cleanup EXIT
# a small tmpfs at $1 (root only): returns 1 when that is not possible here
small_fs() {
	mkdir -p "$1"
	[ "$(id -u)" -eq 0 ] && mount -t tmpfs -o "size=$2${3:+,$3}" iobench-test "$1" 2>/dev/null || return 1
	MOUNTS+=("$1")
}
fails=0
pass() { printf '  ok    %s\n' "$1"; }
fail() { printf '  FAIL  %s\n' "$1"; fails=$((fails + 1)); }
check() { local what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }

# expect STATUS WORDS CMD...: exit status, and WORDS in stderr's one line
expect() {
	local want=$1 words=$2; shift 2
	local err status
	err=$("$@" 2>&1 >/dev/null); status=$?
	if [ "$status" -ne "$want" ]; then
		fail "$* -> exit $status, want $want ($err)"; return
	fi
	if [ "$(printf '%s\n' "$err" | wc -l)" -ne 1 ] || [[ "$err" != *"$words"* ]]; then
		fail "$* -> '$err', want one line with '$words'"; return
	fi
	pass "$* -> $want: $err"
}

