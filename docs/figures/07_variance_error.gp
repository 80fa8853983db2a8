# Lesson 07: the relative error of the textbook variance formula grows with the offset; Welford's
# stays at the rounding of a double. (An error of exactly 0 has no place on the log scale.)
load 'docs/figures/common.gp'
set title 'Variance of the same readings shifted by an offset (lesson 07)'
set xlabel 'log10(offset)'
set ylabel 'relative error of the variance'
set logscale y
set format y '10^{%L}'
plot data.'/07_variance_error.csv' using 1:($2 > 0 ? $2 : NaN) with linespoints pt 7 ps 0.5 lw 2 lc rgb '#d95f02' title 'textbook Σx²', \
     '' using 1:($3 > 0 ? $3 : NaN) with linespoints pt 6 ps 0.5 lw 2 lc rgb '#1b9e77' title 'Welford'
