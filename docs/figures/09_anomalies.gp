# Lesson 09: one sensor's first readings as its online model met them, and the readings it flagged
# as anomalies (a forecast error over 5 standard deviations of its past errors).
load 'docs/figures/common.gp'
set title 'One sensor and the anomalies its online model flagged (lesson 09)'
set xlabel 'reading of sensor 0'
set ylabel 'value'
plot data.'/09_readings.csv' using 1:2 with lines lw 1 lc rgb '#777777' title 'reading', \
     data.'/09_anomalies.csv' using 1:2 with points pt 7 ps 0.9 lc rgb '#d95f02' title 'flagged as an anomaly'
