# Lesson 10: the crash, step by step (the demo's group `replay`): the group's backlog falls by a
# batch per consumer a round, more slowly once one consumer stops; that consumer's batch stays
# pending (right axis) until a live consumer takes it over, and only then is the backlog 0.
load 'docs/figures/common.gp'
set title 'A consumer stops holding a batch; a live one takes it over (lesson 10)'
set xlabel 'round (each live consumer reads one batch a round)'
set ylabel 'entries not yet acknowledged (lag + pending)'
set y2label 'entries pending at the stopped consumer'
set key outside below center horizontal
file = data.'/10_replay.csv'
stats file using 1 name 'rounds' nooutput
stats file using 2 name 'backlog' nooutput
stats file using 3 name 'stuck' nooutput
# Both axes from a little below 0 (a line at 0 stays off the frame) to a little above the top,
# their zeros level; a little room right of the last round, where the batch is taken over.
set xrange [0:rounds_max * 1.03]
set yrange [-0.04 * backlog_max:1.1 * backlog_max]
set y2range [-0.04 * stuck_max * 1.2:1.1 * stuck_max * 1.2]
set ytics nomirror
set y2tics
plot file using 1:2 with lines lw 2 lc rgb '#222222' title 'the group: lag + pending', \
     '' using 1:3 axes x1y2 with steps lw 2 lc rgb '#d95f02' title 'the stopped consumer: pending'
