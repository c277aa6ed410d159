# memory.gp - peak memory per strategy for one workload: the largest
# process (solid) and, behind it, the sum over all processes of the trial
# (dashed outline; larger than the solid bar only for forked).
# Data: strategy peak_mib sum_mib linetype.
load dir.'/common.gp'
set title title
set ylabel 'peak resident memory (MiB), median'
set xlabel 'strategy'
set boxwidth 0.6
set yrange [0:*]
set autoscale xfix
set offsets 0.6, 0.6, 0, 0
plot data using 0:3:4:xtic(1) with boxes fs empty lc variable dt 2 notitle, \
	'' using 0:2:4 with boxes fs solid 0.85 lc variable notitle, \
	NaN with boxes fs solid 0.85 lc rgb 'gray40' title 'largest process', \
	NaN with boxes fs empty lc rgb 'gray40' dt 2 title 'sum over processes'
load dir.'/render.gp'
