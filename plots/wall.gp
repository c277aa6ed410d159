# wall.gp - wall time per workload, bars grouped by strategy, CI of the median
# as error bars.  Data: workload, then per strategy: median lo hi.
load dir.'/common.gp'
set title title
set ylabel 'wall time (s): median, bars = CI of the median'
set xlabel 'workload'
set style data histogram
set style histogram errorbars gap 2 lw 1
set style fill solid 0.85 border -1
set yrange [0:*]
plot for [i=1:words(lts)] data using (column(3*i-1)):(column(3*i)):(column(3*i+1)):xtic(1) \
	title columnhead(3*i-1) lt (word(lts, i) + 0)
load dir.'/render.gp'
