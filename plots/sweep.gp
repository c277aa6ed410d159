# sweep.gp - median throughput against the swept knob, one line per
# strategy, log2 x axis.  Data: one block per strategy ("x y" rows, blocks
# separated by two blank lines).  Extra inputs: names (strategy per block),
# xlabel, ylabel.
load dir.'/common.gp'
set title title
set xlabel xlabel
set ylabel ylabel
set logscale x 2
set yrange [0:*]
set key outside right top
plot for [i=1:words(names)] data index (i - 1) using 1:2 with linespoints pt 7 ps 1 \
	lt (word(lts, i) + 0) title word(names, i)
load dir.'/render.gp'
