# render.gp - after the plot command: the same plot again, as SVG.
set terminal svg size 1000,560 dynamic font ',10' noenhanced
set output out.'.svg'
replot
unset output
