# Shared look of the docs site's figures (loaded by each figure's script): SVG, one font, a light
# grid, the key outside the plot. Each script is run as
#   gnuplot -e "data='DIR'; out='FILE.svg'" docs/figures/NAME.gp
# with DIR the folder a lesson wrote with --plot-data.
set terminal svg size 820,420 dynamic font 'sans,12' background '#ffffff'
set output out
set datafile separator ','
set key outside right top
set grid lc rgb '#dddddd'
set border lc rgb '#555555'
