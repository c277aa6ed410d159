# memory.gp - memory per strategy for one workload: what the strategy adds
# (solid: the peak over all processes of the trial above their start, the
# harness's own pages left out) and, beside it, the harness's own resident
# memory in the trial process when the strategy started (outline).
# Data: strategy net_mib base_mib linetype.
load dir.'/common.gp'
set title title
set ylabel 'memory (MiB), median over trials'
set xlabel 'strategy'
set boxwidth 0.38
set yrange [0:*]
set autoscale xfix
set offsets 0.6, 0.6, 0, 0
plot data using ($0 - 0.2):2:4 with boxes fs solid 0.85 lc variable notitle, \
	'' using ($0 + 0.2):3:4:xtic(1) with boxes fs empty lc variable dt 2 notitle, \
	NaN with boxes fs solid 0.85 lc rgb 'gray40' title 'added by the strategy (net)', \
	NaN with boxes fs empty lc rgb 'gray40' dt 2 title 'harness (base, not counted)'
load dir.'/render.gp'
