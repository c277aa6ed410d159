# ranks.gp - under mpirun: each rank's median trial wall, one line per
# strategy, so a straggling rank (or node) stands out.  Data: one block per
# strategy ("rank wall_s" rows, blocks separated by two blank lines).
# Extra input: names (strategy per block).
load dir.'/common.gp'
set title title
set xlabel 'rank'
set ylabel 'median trial wall (s), that rank alone'
set xtics 1
set yrange [0:*]
set key outside right top
plot for [i=1:words(names)] data index (i - 1) using 1:2 with linespoints pt 7 ps 1 \
	lt (word(lts, i) + 0) title word(names, i)
load dir.'/render.gp'
