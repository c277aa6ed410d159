# common.gp - loaded by every iobench plot.
#
# iobench runs each script as:
#   gnuplot -e "dir='plots'; data='DATA.dat'; out='plots/RUN/NAME'; title='...'; lts='1 2 5'" NAME.gp
# data  whitespace-separated, first line the column names
# out   output path without extension: NAME.png (pngcairo) and NAME.svg
# lts   the linetype (colour) of each strategy column, in column order
#
# One colour per strategy, the same in every plot (registry order).
set linetype 1 lc rgb '#4e79a7' lw 1.5   # serial
set linetype 2 lc rgb '#f28e2b' lw 1.5   # threaded
set linetype 3 lc rgb '#59a14f' lw 1.5   # forked
set linetype 4 lc rgb '#e15759' lw 1.5   # epoll
set linetype 5 lc rgb '#b07aa1' lw 1.5   # io_uring
set linetype 6 lc rgb '#9c755f' lw 1.5   # null
set linetype cycle 6
set encoding utf8
set datafile missing 'NaN'
set key outside right top noenhanced
set title noenhanced
set grid ytics
set border 3
set tics nomirror
set xtics noenhanced

# the plot goes to PNG first; render.gp then draws it again as SVG
set terminal pngcairo size 1000,560 font ',10' noenhanced
set output out.'.png'
