# breakdown.gp - where each strategy's time went, as shares of the task time
# summed over every thread and process of the trial: user, sys, waiting for
# a CPU, waiting for block I/O (the kernel's I/O wait of blocking syscalls
# and io_uring's kernel workers), io_uring's loop asleep in io_uring_enter
# waiting for completions (whatever they wait for: device, pipe, timer),
# waiting for the interpreter lock (--model python; 0 otherwise), and the
# rest (locks, queues, sleeping).
# Data: strategy user sys runq blkio ring gil other (percent), medians over trials.
load dir.'/common.gp'
set title title
set ylabel 'share of task time (%), summed over threads and processes'
set xlabel 'strategy'
set style data histogram
set style histogram rowstacked gap 1
set style fill solid 0.85 border -1
set boxwidth 0.6
set yrange [0:100]
set key outside right top
plot data using 2:xtic(1) title 'user' lc rgb '#4e79a7', \
	'' using 3 title 'sys' lc rgb '#a0cbe8', \
	'' using 4 title 'waiting for a CPU' lc rgb '#f28e2b', \
	'' using 5 title 'waiting for block I/O' lc rgb '#e15759', \
	'' using 6 title 'io_uring: waiting for completions' lc rgb '#edc948', \
	'' using 7 title 'waiting for the interpreter lock' lc rgb '#b07aa1', \
	'' using 8 title 'other (locks, queues, sleep)' lc rgb '#bab0ac'
load dir.'/render.gp'
