# Lesson 06: the noisy readings, the signal, and the moving average and EWMA that follow it late.
load 'docs/figures/common.gp'
set title 'Moving average of a noisy signal (lesson 06)'
set xlabel 't (reading number)'
set ylabel 'value'
plot data.'/06_readings.csv' using 1:2 with points pt 7 ps 0.35 lc rgb '#999999' title 'reading', \
     '' using 1:3 with lines lw 2 lc rgb '#222222' title 'signal', \
     data.'/06_averages.csv' using 1:2 with lines lw 2 lc rgb '#d95f02' title 'average of 10', \
     '' using 1:3 with lines lw 2 lc rgb '#1b9e77' title 'EWMA(0.2)'
