# Experiments of lesson 01 (lessons/01_basic_streaming/README.md, "Try this"); see lib.sh.

# 1. `build/release/lessons/01_basic_streaming --count 10000000`: ten million records through the
#    generator and the pipe; `Streamed 10000000 records` and `Records processed: 10000000 of
#    10000000`, and the peak memory stays the same as a default run's.
experiment_1() {
  run --count 1000
  expect_status 0
  local small=$peak_rss_kib
  run --count 10000000
  expect_status 0
  expect_line "Streamed 10000000 records, one at a time; the stream ended by itself."
  expect_line "Records processed: 10000000 of 10000000"
  expect_le "$peak_rss_kib" "$((small + 1024))" "peak RSS (KiB) at 10 M records vs at 1000 records + 1 MiB"
}

# 2. `build/release/lessons/01_basic_streaming --pieces 3 --piece-delay-ms 500`: two pauses of
#    500 ms, so *All records processed after* is over 1000 ms, while *Records processed before the
#    producer finished* is at least 668 (the first two pieces of 334). The first record's time is a
#    thing to watch, not asserted. The lower bound of 1000 ms is not a timing assumption: a sleep
#    never ends early.
experiment_2() {
  run --pieces 3 --piece-delay-ms 500
  expect_status 0
  expect_line "A producer thread writes 1000 records into a pipe in 3 pieces, 500 ms apart;"
  expect_line "Records processed: 1000 of 1000"
  expect_ge "$(number_after "All records processed after:")" 1000 "ms until all records were processed"
  expect_ge "$(number_after "Records processed before the producer finished:")" 668 \
    "records processed before the producer finished"
}

# 3. `seq 1 5000000 | build/release/lessons/01_basic_streaming --stdin`: `... (4999998 more lines)`
#    and `Streamed 5000000 lines (38888896 bytes), one at a time.`; the peak memory is the same as
#    for `seq 1 10`.
experiment_3() {
  seq 1 10 >small.txt
  stdin_file=small.txt run --stdin
  expect_status 0
  local small=$peak_rss_kib
  seq 1 5000000 >big.txt
  stdin_file=big.txt run --stdin
  expect_status 0
  expect_line "  Streaming: line 1: 1"
  expect_line "  Streaming: line 2: 2"
  expect_line "  ... (4999998 more lines)"
  expect_line "Streamed 5000000 lines (38888896 bytes), one at a time."
  expect_le "$peak_rss_kib" "$((small + 1024))" "peak RSS (KiB) for 5 M lines vs 10 lines + 1 MiB"
}

# Predict first, 1: in "A generator runs only when asked", the line `(generator created: nothing
# has run yet)` comes before `generator: making record 0`, and `consumer:  got record 1` comes
# between `generator: making record 1` and `generator: making record 2`.
predict_1() {
  run --piece-delay-ms 0
  expect_status 0
  local created making0 making1 got1 making2
  created=$(grep -nF "(generator created: nothing has run yet)" <<<"$out" | cut -d: -f1)
  making0=$(grep -nF "generator: making record 0" <<<"$out" | cut -d: -f1)
  making1=$(grep -nF "generator: making record 1" <<<"$out" | cut -d: -f1)
  got1=$(grep -nF "consumer:  got record 1" <<<"$out" | cut -d: -f1)
  making2=$(grep -nF "generator: making record 2" <<<"$out" | cut -d: -f1)
  expect_lt "${created:-0}" "${making0:-0}" "line of '(generator created ...)' vs line of 'making record 0'"
  expect_eq "${got1:-0}" "$((${making1:-0} + 1))" "line of 'got record 1' vs line of 'making record 1' + 1"
  expect_eq "${making2:-0}" "$((${got1:-0} + 1))" "line of 'making record 2' vs line of 'got record 1' + 1"
}

# Predict first, 2: `build/release/lessons/01_basic_streaming --count 5 --show 5` prints five
# `Streaming: Record` lines, Record 0 to Record 4, and no `... (continues streaming)` line.
predict_2() {
  run --count 5 --show 5 --piece-delay-ms 0
  expect_status 0
  expect_eq "$(count_lines '^  Streaming: Record [0-9]+$')" 5 "lines 'Streaming: Record N'"
  expect_line "  Streaming: Record 4"
  expect_no_line "... (continues streaming)"
}
