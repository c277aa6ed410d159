# cpu.gp - CPU time per strategy for one workload: user (solid) and sys
# (hatched) stacked, medians.  Data: strategy user_s sys_s linetype.
load dir.'/common.gp'
set title title
set ylabel 'CPU time (s), median: user + sys'
set xlabel 'strategy'
set boxwidth 0.6
set style fill solid 0.85 border -1
set yrange [0:*]
set autoscale xfix
set offsets 0.6, 0.6, 0, 0
plot data using 0:($2 + $3):4:xtic(1) with boxes fs pattern 4 lc variable notitle, \
	'' using 0:2:4 with boxes fs solid 0.85 lc variable notitle, \
	NaN with boxes fs solid 0.85 lc rgb 'gray40' title 'user', \
	NaN with boxes fs pattern 4 lc rgb 'gray40' title 'sys'
load dir.'/render.gp'
