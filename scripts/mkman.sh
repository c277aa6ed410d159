#!/bin/bash
# scripts/mkman.sh IOBENCH - the iobench(1) man page, on stdout.
#
# Made from the binary's own --help texts (which come from the option
# tables: the run options, every workload's knobs), so the page and
# --help cannot drift apart.  `make man` writes build/iobench.1.
set -euo pipefail
IOB=${1:?usage: mkman.sh IOBENCH}
VERSION=$("$IOB" version | awk 'NR == 1 { print $2 }' | tr -d ,)
# troff-safe verbatim text: backslashes doubled, a leading . or ' escaped
verb() { sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"; }
# the commands, as `iobench help` lists them
cmds=$("$IOB" help | awk '/^Commands:/ { on = 1; next } on && NF { print $1 }' | grep -vx 'help\|version')

cat <<EOT
.TH IOBENCH 1 "$(date -u +%Y-%m-%d)" "iobench $VERSION" "User Commands"
.SH NAME
iobench \\- which I/O concurrency strategy is fastest on this storage?
.SH SYNOPSIS
.B iobench
.I COMMAND
.RI [ OPTIONS ]
.SH DESCRIPTION
.nf
EOT
"$IOB" help | verb
echo ".fi"
for c in $cmds; do
	echo ".SH \"iobench $c\""
	echo ".nf"
	"$IOB" "$c" --help | verb
	echo ".fi"
done
cat <<'EOT'
.SH EXIT STATUS
0: success; 1: a run or a trial failed; 2: a usage error; 3: results
written but plots or the report could not be (see README).
.SH FILES
.TP
.I PREFIX/share/iobench/*.gp
the gnuplot scripts the plots are drawn with (found next to the binary,
in ../share/iobench)
.SH SEE ALSO
.BR fio (1),
.BR io_uring (7),
.BR gnuplot (1)
EOT
