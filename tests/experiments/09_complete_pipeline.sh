# Experiments of lesson 09 (lessons/09_complete_pipeline/README.md, "Try this"): see lib.sh.

# 1. `build/release/lessons/09_complete_pipeline --rows 5000000 --workers 2`, then the same with
#    `--rows 1000000`: five times the input, about the same peak memory. A run's peak varies by a
#    few MiB (when the pool's batches are made, how the allocator's arenas end up), so the check
#    takes the larger of two runs at 1 M rows, allows 3 MiB, and holds the 32 MiB bound.
experiment_1() {
  run --rows 1000000 --workers 2
  expect_status 0
  local small=$peak_rss_kib
  run --rows 1000000 --workers 2
  ((peak_rss_kib > small)) && small=$peak_rss_kib
  run --rows 5000000 --workers 2
  expect_status 0
  expect_line "  1. Source: 5,000,001 records"
  expect_le "$peak_rss_kib" "$((small + 3072))" "peak RSS (KiB) at 5 M rows vs at 1 M rows + 3 MiB"
  expect_le "$peak_rss_kib" "$((32 * 1024))" "peak RSS (KiB) at 5 M rows vs 32 MiB"
}

# 2. `build/release/lessons/09_complete_pipeline --batch-size 10`: Batches is at least 19,960 (no
#    batch holds more than 10 of the 199,594 valid readings), against about 25 with the defaults.
#    (Throughput drops: watched for, not asserted.)
experiment_2() {
  run
  expect_status 0
  local default_batches
  default_batches=$(number_after "Batches:")
  run --batch-size 10
  expect_status 0
  expect_line "  5. Batch: adaptive batches of up to 10 readings"
  local valid batches
  valid=$(grep -oE '[0-9,]+ valid readings' <<<"$out" | tr -d ',' | cut -d' ' -f1)
  batches=$(number_after "Batches:")
  expect_eq "$valid" 199594 "valid readings"
  expect_ge "$batches" "$(((valid + 9) / 10))" "batches of at most 10 readings"
  expect_gt "$batches" "$((100 * default_batches))" "batches with --batch-size 10 vs 100 x the default's"
}

# 3. `build/release/lessons/09_complete_pipeline --batch-size 10 --queue-capacity 100000`: with
#    batches of 10 the stages after the source are far slower than it, so it reads ahead until the
#    queue is full: peak memory about 4 MiB above `--batch-size 10` alone (asserted: at least 3 MiB).
experiment_3() {
  run --batch-size 10
  expect_status 0
  local short_queue=$peak_rss_kib
  run --batch-size 10 --queue-capacity 100000
  expect_status 0
  expect_ge "$peak_rss_kib" "$((short_queue + 3072))" "peak RSS (KiB) with --queue-capacity 100000 vs 8192 + 3 MiB"
}

# 4. `build/release/lessons/09_complete_pipeline --rows 40000000`, and Ctrl-C while it generates
#    the data: it prints *Interrupted*, exits with 130 and leaves nothing in TMPDIR — nor with Ctrl-C
#    twice. Checked too: Ctrl-C (twice) while it processes, with `--output`: the counts add up and
#    the output file holds every valid reading that was read.
experiment_4() {
  local times
  for times in 1 2; do
    start_in_private_tmp --rows 40000000
    wait_for_file "$tmp" 'readings.csv.tmp-*'
    interrupt "$times"
    expect_status 130
    expect_line "Interrupted (Ctrl-C)"
    expect_tmp_empty "after Ctrl-C x $times while generating"
  done

  # While processing: once the sink has written 2 MB (some 30,000 rows) to its temporary file.
  # Small batches and a long queue, which the source has filled by then (see experiment 3), give
  # the lesson a few tenths of a second of work after the first Ctrl-C, so the second one comes
  # while it is still stopping.
  start_in_private_tmp --rows 2000000 --batch-size 10 --queue-capacity 300000 --output "$PWD/kept.csv"
  wait_for_file "$PWD" 'kept.csv.tmp-*' 2000
  interrupt 2
  expect_status 130
  expect_line "Interrupted (Ctrl-C): the readings read so far were processed and written."
  expect_tmp_empty "after Ctrl-C x 2 while processing"
  local records rejected valid written
  records=$(grep -oE 'Source: [0-9,]+ records' <<<"$out" | tr -dc '0-9')
  rejected=$(($(grep -oE '(Parse|Filter): [0-9,]+ rejected' <<<"$out" | tr -dc '0-9\n' | paste -sd+)))
  valid=$(grep -oE '[0-9,]+ valid readings' <<<"$out" | tr -dc '0-9')
  written=$(grep -oE 'Sink: [0-9,]+ rows' <<<"$out" | tr -dc '0-9')
  expect_lt "$records" 2000001 "records read before Ctrl-C, of 2,000,001"
  expect_eq "$records" "$((rejected + valid))" "records read = rejected + valid"
  expect_eq "$written" "$valid" "rows written = valid readings"
  if [ -f "$PWD/kept.csv" ]; then
    expect_eq "$(wc -l <"$PWD/kept.csv")" "$((valid + 1))" "lines of kept.csv (header + one per valid reading)"
  else
    fail "no output file kept.csv"
  fi
  [ -z "$(find "$PWD" -maxdepth 1 -name 'kept.csv.tmp-*')" ] || fail "a kept.csv.tmp-* file is left"
}

# 5. `build/release/lessons/09_complete_pipeline --max-reject-rate 0.001 --output scored.csv`: about
#    0.2 % of the generated rows are broken, more than 0.1 %: the report, then one error line on
#    stderr, exit status 1, and no scored.csv; with 0.01 the same run passes and writes it.
experiment_5() {
  run --max-reject-rate 0.001 --output "$PWD/scored.csv"
  expect_status 1
  expect_line "Too many rows were rejected: no output file was written."
  [ "$err" = "$(basename "$lesson"): error: 0.2% of the rows were rejected, more than --max-reject-rate 0.001 allows" ] ||
    fail "stderr: $err"
  [ ! -e "$PWD/scored.csv" ] || fail "scored.csv was written"
  run --max-reject-rate 0.01 --output "$PWD/scored.csv"
  expect_status 0
  [ -e "$PWD/scored.csv" ] || fail "no scored.csv with --max-reject-rate 0.01"
}

# Predict first, 1: `--workers 4 --output four.csv` writes the same file as `--workers 1 --output
# one.csv`, byte for byte; only the thread count and the workers named in Process change.
predict_1() {
  run --workers 1 --output one.csv
  expect_status 0
  expect_line "What each stage did here (4 threads, joined by bounded queues):"
  run --workers 4 --output four.csv
  expect_status 0
  expect_line "What each stage did here (7 threads, joined by bounded queues):"
  expect_line "6. Process: 199,594 readings scored by 16 online models on 4 workers"
  cmp -s one.csv four.csv || fail "four.csv differs from one.csv"
  expect_eq "$(wc -l <four.csv)" 199595 "lines in four.csv"
}

# 6. `--no-charts --plot-data .`: no chart; 09_readings.csv (n,value: 2,000 rows) and
#    09_anomalies.csv (n,value: 6 rows, at readings 89, 196, 510, 1109, 1459, 1980); the same files
#    with --workers 4; and by default the chart is there.
experiment_6() {
  run
  expect_line "        ● reading   ○ flagged as an anomaly"
  run --no-charts --plot-data .
  expect_status 0
  expect_no_line "        ● reading   ○ flagged as an anomaly"
  expect_no_line "Sensor 0, its first 2,000 readings:"
  [ "$(head -n 1 09_readings.csv 2>/dev/null)" = "n,value" ] || fail "09_readings.csv has no header n,value"
  expect_eq "$(($(wc -l <09_readings.csv) - 1))" 2000 "rows in 09_readings.csv"
  flagged=$(tail -n +2 09_anomalies.csv | cut -d, -f1 | paste -sd' ')
  [ "$flagged" = "89 196 510 1109 1459 1980" ] || fail "readings of sensor 0 flagged: '$flagged'"
  mkdir four
  run --no-charts --plot-data four --workers 4
  cmp -s 09_anomalies.csv four/09_anomalies.csv || fail "09_anomalies.csv differs with --workers 4"
  cmp -s 09_readings.csv four/09_readings.csv || fail "09_readings.csv differs with --workers 4"
}
