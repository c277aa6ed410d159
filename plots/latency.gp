# latency.gp - response time of the workload's main op per strategy (from
# the job asking for it to the job being handed the result: queueing and
# the loop's compute on other completions included): p50 (solid), p99
# (hatched), p99.9 (outline), medians over trials, log scale.  Service time
# (the syscall or the ring alone) is in the svc_* columns.
# Data: strategy p50_us p99_us p999_us linetype.
load dir.'/common.gp'
set title title
set ylabel 'response time (us): job asks -> result handed back, log scale'
set xlabel 'strategy'
set logscale y
set boxwidth 0.26
set autoscale xfix
set offsets 0.6, 0.6, 0, 0
plot data using ($0 - 0.28):2:5 with boxes fs solid 0.85 lc variable notitle, \
	'' using 0:3:5:xtic(1) with boxes fs pattern 4 lc variable notitle, \
	'' using ($0 + 0.28):4:5 with boxes fs empty lc variable notitle, \
	NaN with boxes fs solid 0.85 lc rgb 'gray40' title 'p50', \
	NaN with boxes fs pattern 4 lc rgb 'gray40' title 'p99', \
	NaN with boxes fs empty lc rgb 'gray40' title 'p99.9'
load dir.'/render.gp'
