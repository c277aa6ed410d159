# compare.gp - two runs side by side: median wall time per workload/strategy,
# CI of the median as error bars.  Data: case, then A and B as median lo hi.
# Extra inputs: title_a, title_b (legend entries).
load dir.'/common.gp'
set title title
set ylabel 'wall time (s): median, bars = CI of the median'
set style data histogram
set style histogram errorbars gap 2 lw 1
set style fill solid 0.85 border -1
set yrange [0:*]
set xtics rotate by -30
plot data using 2:3:4:xtic(1) title title_a lc rgb 'gray60', \
	'' using 5:6:7 title title_b lt 5
load dir.'/render.gp'
