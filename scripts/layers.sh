#!/bin/bash
# layers.sh - every #include "..." goes down the layers, never up.
#
# The folders are layers; a file may include from its own folder and from
# the folders listed for it here, and nothing else.  A new include that
# reaches up (core into analysis, a plugin into the harness) fails `make
# test`, naming the file, the header and what its folder may use.
set -u
cd "$(dirname "$0")/.."

declare -A may=(
	[src/lib]=""
	[src/dist]="src/lib"
	[src/measure]="src/lib"
	[src/record]="src/lib"
	[src/record/preload]=""
	[src/netsink]="src/core src/measure src/lib"
	[src/core]="src/measure src/lib src/dist"
	[strategies]="src/core src/measure src/lib"
	[src/without]="strategies src/core src/measure src/lib"
	[workloads]="src/core src/measure src/lib src/record src/netsink"
	[src/analysis]="src/core src/measure src/lib src/dist"
	[src/run]="src/analysis src/core src/measure src/lib src/dist"
	[src/cmd]="src/run src/analysis src/record src/core src/measure src/lib src/dist strategies workloads"
)

# the folder holding header $1 (the first match, as the include path finds it)
where() {
	local d
	for d in "${!may[@]}"; do
		[ -f "$d/$1" ] && { echo "$d"; return; }
	done
}

bad=0
for dir in "${!may[@]}"; do
	for f in "$dir"/*.[ch]; do
		[ -f "$f" ] || continue
		while read -r h; do
			from=$(where "$h")
			[ -z "$from" ] || [ "$from" = "$dir" ] && continue
			case " ${may[$dir]} " in
			*" $from "*) ;;
			*) echo "layers: $f includes $h from $from, which $dir may not use" \
				"(it may use: ${may[$dir]:-nothing of ours})"
			   bad=1 ;;
			esac
		done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f")
	done
done
# every folder with sources has its place above
for d in src/* strategies workloads; do
	[ -d "$d" ] && ls "$d"/*.[ch] >/dev/null 2>&1 && [ -z "${may[$d]+x}" ] &&
		{ echo "layers: $d has no place in scripts/layers.sh"; bad=1; }
done
[ $bad = 0 ] && echo "  ok    layers: every include goes down"
exit $bad
