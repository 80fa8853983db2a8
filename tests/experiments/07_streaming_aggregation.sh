# Experiments of lesson 07 (lessons/07_streaming_aggregation/README.md, "Try this"); see lib.sh.

# 1. `build/release/lessons/07_streaming_aggregation --count 10000000`: the reports go on to
#    "After 10000000 items"; the workers, the one pass and the reservoir cover all ten million
#    readings; and the peak memory is the same as with the default 1000, because no section keeps
#    the readings.
experiment_1() {
  run
  expect_status 0
  local small=$peak_rss_kib
  run --count 10000000
  expect_status 0
  expect_line "  After 10000000 items:"
  expect_match '^  Worker A \(first part\): count 6000000 '
  expect_match '^  Worker B \(rest\): +count 4000000 '
  expect_match '^  One pass over all: +count 10000000 '
  expect_line "Merged equals one pass (to 12 significant digits): yes"
  expect_line "A uniform sample of 5 of the 10000000 readings (each had a 5 in 10000000 chance):"
  expect_le "$peak_rss_kib" "$((small + 2048))" "peak RSS (KiB) at 10 M readings vs at 1000 + 2 MiB"
}

# 2. `build/release/lessons/07_streaming_aggregation --quantile-count 10000000`: here the memory
#    does grow, by more than the 80 MB (78125 KiB) of ten million doubles: the exact column keeps and
#    sorts every latency, while the three P² estimators still hold 22 numbers each.
experiment_2() {
  run
  expect_status 0
  local small=$peak_rss_kib
  run --quantile-count 10000000
  expect_status 0
  expect_line "10000000 request latencies (log-normal, median 20 ms):"
  expect_line "Memory: 3 estimators of 5 markers each, against 10000000 values kept and sorted."
  expect_ge "$peak_rss_kib" "$((small + 78125))" "peak RSS (KiB) with 10 M latencies vs default + 10 M doubles"
}

# p_columns P: prints the streaming and the exact value of the row pP (p50, p90, p99) of the last run.
p_columns() {
  awk -v row="p$1" '$1 == row { print $2, $4 }' <<<"$out"
}

# gap P: |streaming − exact| of the row pP of the last run.
gap() {
  p_columns "$1" | awk '{ d = $1 - $2; print d < 0 ? -d : d }'
}

# 3. `build/release/lessons/07_streaming_aggregation --quantile-count 100`: with 100 latencies every
#    estimate is further off than with the default 10000, and p99 the most — 59.56 ms against the
#    exact 62.94 ms (3.38 ms off, against 0.09 ms with 10000).
experiment_3() {
  run
  expect_status 0
  expect_line "  p99         63.44 ms         63.53 ms"
  local default_gap50 default_gap90 default_gap99
  default_gap50=$(gap 50) default_gap90=$(gap 90) default_gap99=$(gap 99)
  run --quantile-count 100
  expect_status 0
  expect_line "  p99         59.56 ms         62.94 ms"
  expect_gt "$(gap 50)" "$default_gap50" "p50 gap (ms) with 100 latencies vs with 10000"
  expect_gt "$(gap 90)" "$default_gap90" "p90 gap (ms) with 100 latencies vs with 10000"
  expect_gt "$(gap 99)" "$default_gap99" "p99 gap (ms) with 100 latencies vs with 10000"
  expect_gt "$(gap 99)" "$(gap 50)" "p99 gap vs p50 gap (ms) with 100 latencies"
  expect_gt "$(gap 99)" "$(gap 90)" "p99 gap vs p90 gap (ms) with 100 latencies"
}

# json_field NAME: the value of NAME in the one-line JSON object the last run printed.
json_field() {
  sed -E "s/.*\"$1\": ([^,}]+).*/\\1/" <<<"$out"
}

# 4. `seq 1 100000 > n.txt && build/release/lessons/07_streaming_aggregation --input n.txt --json`:
#    the mean is 50000.5 and the variance n(n+1)/12 = 833341666.67. Shuffled (`shuf n.txt > s.txt`,
#    here with awk and a fixed seed so the test repeats), the mean is the same and the variance agrees
#    to 13 significant digits or more, but the P² p50 moves (by less than 0.1 %): the estimate depends
#    on the order the values came in.
experiment_4() {
  seq 1 100000 >n.txt
  run --input n.txt --json
  expect_status 0
  expect_line '"count": 100000, "mean": 50000.5, "variance": 833341666.6666666,'
  local variance p50
  variance=$(json_field variance) p50=$(json_field p50)
  awk 'BEGIN { srand(7) } { print rand() "\t" $0 }' n.txt | sort -n | cut -f 2 >s.txt
  cmp -s n.txt s.txt && fail "the shuffle left the lines in order"
  run --input s.txt --json
  expect_status 0
  expect_line '"count": 100000, "mean": 50000.5, "variance": '
  local relative
  relative=$(calc "abs($(json_field variance) - $variance) / $variance")
  expect_lt "$relative" 1e-13 "relative difference of the variances, shuffled vs in order"
  local moved
  moved=$(calc "abs($(json_field p50) - $p50) / $p50")
  expect_gt "$moved" 0 "relative change of the P² p50, shuffled vs in order"
  expect_lt "$moved" 0.001 "relative change of the P² p50, shuffled vs in order"
}

# Predict first, 1: at offset 1e9, where the textbook formula gives −2230.45, Welford's column
# still shows 215.03, as at offset 0.
predict_1() {
  run
  expect_status 0
  expect_match '^     1e\+09 +-2230\.45 +215\.03 +215\.03$'
  expect_match '^         0 +215\.03 +215\.03 +215\.03$'
}

# Predict first, 2: `build/release/lessons/07_streaming_aggregation --count 10`: worker A takes the
# first 60 %, 6 readings, and B the other 4; the merge still equals one pass.
predict_2() {
  run --count 10
  expect_status 0
  expect_match '^  Worker A \(first part\): count +6 '
  expect_match '^  Worker B \(rest\): +count +4 '
  expect_line "Merged equals one pass (to 12 significant digits): yes"
}

# 5. `printf '%s\n' 1e308 1e308 -1e308 | build/release/lessons/07_streaming_aggregation --input - --json`:
#    read from stdin; the mean is right (3.333333333333333e+307: x − mean would overflow, the update
#    takes a weighted average there) and the variance, too large for a double, is null (inf without
#    --json), never a wrong number.
experiment_5() {
  printf '%s\n' 1e308 1e308 -1e308 >edge.txt
  stdin_file=edge.txt run --input - --json
  expect_status 0
  expect_line '{"count": 3, "mean": 3.333333333333333e+307, "variance": null, "stddev": null, "min": -1e+308, "max": 1e+308,'
  stdin_file=edge.txt run --input -
  expect_status 0
  expect_line "  Mean: 3.333333333e+307"
  expect_line "  Variance (sample, n − 1): inf"
}
