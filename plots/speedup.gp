# speedup.gp - speed relative to the baseline strategy (its median wall / the strategy's),
# bars grouped by strategy, +-1 sigma as error bars, a line at 1.
# Data: workload, then per strategy: speedup lo hi.
load dir.'/common.gp'
set title title
set ylabel 'speed relative to the baseline (x), higher is faster'
set xlabel 'workload'
set style data histogram
set style histogram errorbars gap 2 lw 1
set style fill solid 0.85 border -1
set yrange [0:*]
set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead dt 2 lw 1.5 lc rgb 'black' front
plot for [i=1:words(lts)] data using (column(3*i-1)):(column(3*i)):(column(3*i+1)):xtic(1) \
	title columnhead(3*i-1) lt (word(lts, i) + 0)
load dir.'/render.gp'
