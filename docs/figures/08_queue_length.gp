# Lesson 08: the queue's length over virtual time under each overflow policy.
load 'docs/figures/common.gp'
set title 'A fast producer and a slow consumer: items in the queue (lesson 08)'
set xlabel 'virtual time (ms)'
set ylabel 'items in the queue'
policies = 'unbounded block drop_oldest drop_newest'
colours = '#222222 #d95f02 #1b9e77 #7570b3'
plot for [i = 1:4] data.'/08_queue_'.word(policies, i).'.csv' using 1:2 with steps lw 2 lc rgb word(colours, i) \
     title word(policies, i) noenhanced
