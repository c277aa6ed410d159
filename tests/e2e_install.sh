#!/bin/bash
# e2e_install.sh - `make install` into a scratch DESTDIR: the installed
# binary, run from elsewhere, draws its plots with the installed gnuplot
# scripts; `man -l` renders the page; the bash completion completes; and
# `make uninstall` removes exactly what install put there.
. "$(dirname "$0")/e2e_lib.sh"
MAKE=${MAKE:-make}
D=$T/inst
P=$D/usr/local

echo "e2e_install: make install DESTDIR=... PREFIX=/usr/local"
$MAKE --no-print-directory install DESTDIR="$D" PREFIX=/usr/local >"$T/install.log" 2>&1
check "make install: the binary, the gnuplot scripts, the man page, the bash completion" \
	test -x "$P/bin/iobench" -a -f "$P/share/iobench/common.gp" -a \
	-f "$P/share/man/man1/iobench.1" -a -f "$P/share/bash-completion/completions/iobench"
IB=$P/bin/iobench
check "the installed binary finds its scripts next to itself, not in the build tree" \
	bash -c "env -u IOBENCH_SCRIPTS '$IB' version | grep -qxF 'gnuplot scripts: $P/bin/../share/iobench'"
mkdir -p "$T/elsewhere" "$T/data"
# The build tree's plots/ is hidden under an empty tmpfs in a private mount
# namespace (root), so the run can only draw with the installed scripts;
# the real directory is never touched (make run writes its plots there).
hide=
if unshare -m true 2>/dev/null; then
	hide="mount -t tmpfs iobench-hidden '$PWD/plots' &&"
else
	echo "  (not root: the build tree's plots/ stays visible; the version line is the check)"
fi
unshare_or_sh() { if [ -n "$hide" ]; then unshare -m bash -c "$1"; else bash -c "$1"; fi; }
unshare_or_sh "$hide cd '$T/elsewhere' && env -u IOBENCH_SCRIPTS '$IB' run --size tiny --workload md5 \
	--strategy serial --repeat 1 --warmup 0 --dir '$T/data' --results res -q" >"$T/run.log" 2>&1
check "run from another directory, the build tree's scripts hidden: results and plots drawn" \
	bash -c "ls '$T'/elsewhere/res/*[0-9].json '$T'/elsewhere/plots/*/wall.png >/dev/null" ||
	sed 's/^/    /' "$T/run.log" | tail -5
man=$(MANWIDTH=100 man -l "$P/share/man/man1/iobench.1" 2>&1)
check "man -l renders the page: every command, the run options and the workload knobs" \
	bash -c 'for w in "iobench run" "iobench sweep" "iobench clean" --iowq-workers --files; do
		grep -qF -- "$w" <<<"$1" || exit 1; done' _ "$man"
check "bash completion: commands, and each command's own options" bash -c "
	source '$P/share/bash-completion/completions/iobench'
	COMP_WORDS=(iobench pro); COMP_CWORD=1; _iobench; [ \"\${COMPREPLY[*]}\" = profile ] || exit 1
	COMP_WORDS=(iobench run --iowq); COMP_CWORD=2; _iobench; [ \"\${COMPREPLY[*]}\" = --iowq-workers ]"
$MAKE --no-print-directory uninstall DESTDIR="$D" PREFIX=/usr/local >>"$T/install.log" 2>&1
check "make uninstall removes every file install put there" test -z "$(find "$D" -type f)"

echo "e2e_install: a DESTDIR with a space in it"
mkdir -p "$T/sp"
echo "keep" >"$T/sp/a"
# unquoted, "$T/sp/a b/usr/local/bin/iobench" was the two words "$T/sp/a" and "b/..."
$MAKE --no-print-directory install DESTDIR="$T/sp/a b" PREFIX=/usr/local >>"$T/install.log" 2>&1
$MAKE --no-print-directory uninstall DESTDIR="$T/sp/a b" PREFIX=/usr/local >>"$T/install.log" 2>&1
check "install into DESTDIR='.../a b', uninstall: every file gone, the unrelated file '.../a' kept" \
	bash -c "[ -s '$T/sp/a' ] && [ -z \"\$(find '$T/sp/a b' -type f)\" ]"

[ "$fails" -eq 0 ] && echo "e2e_install: all checks passed" || echo "e2e_install: $fails check(s) failed"
exit $((fails > 0))
