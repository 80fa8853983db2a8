# Experiments of lesson 06 (lessons/06_windowed_processing/README.md, "Try this"); see lib.sh.

# line_of TEXT: the number of the first stdout line holding TEXT (0 when none).
line_of() {
  grep -nF -- "$1" <<<"$out" | head -n 1 | cut -d: -f1 | grep . || echo 0
}

# 1. `build/release/lessons/06_windowed_processing --lateness 6`: event #8 (t = 9 s) is no longer
#    late — it joins [0, 10), which closes with 6 clicks — but window [0, 10) is reported later: after
#    event #9 instead of after event #7. `Accepted: 14   Late: 0`. More lateness means more complete
#    results, later.
experiment_1() {
  run
  expect_status 0
  expect_eq "$(line_of "window [0, 10) closed: 5 clicks")" "$(( $(line_of "  #7 ") + 1 ))" \
    "line of '[0, 10) closed' with the default lateness (want: right after event #7)"

  run --lateness 6
  expect_status 0
  expect_line "  #8   t =  9 s   out of order  → window [0, 10)      watermark   8"
  expect_no_line "LATE"
  expect_eq "$(line_of "window [0, 10) closed: 6 clicks, at t = 1, 3, 2, 7, 5, 9")" "$(( $(line_of "  #9 ") + 1 ))" \
    "line of '[0, 10) closed' with --lateness 6 (want: right after event #9)"
  expect_line "Accepted: 14   Late: 0"
}

# 2. `build/release/lessons/06_windowed_processing --lateness 0`: the watermark is the newest event
#    time exactly, and events #6, #8 and #11 are late; #13 (t = 21 s) still makes it, because its
#    window [20, 30) is open.
experiment_2() {
  run --lateness 0
  expect_status 0
  # Every event line: the watermark equals the highest event time so far.
  local mismatches
  mismatches=$(awk '/^  #[0-9]+ +t = / { t = $4 + 0; if (!seen || t > max) max = t; seen = 1; if ($NF + 0 != max) print }' <<<"$out")
  [ -z "$mismatches" ] || fail "watermark is not the newest event time on: $mismatches"
  expect_eq "$(count_lines '^  #[0-9]+ +t = ')" 14 "event lines"
  expect_eq "$(count_lines 'LATE')" 3 "late events"
  expect_line "  #6   t =  5 s   LATE          → late side channel   watermark  11"
  expect_line "  #8   t =  9 s   LATE          → late side channel   watermark  14"
  expect_line "  #11  t = 16 s   LATE          → late side channel   watermark  22"
  expect_line "  #13  t = 21 s   out of order  → window [20, 30)     watermark  25"
  expect_line "Accepted: 11   Late: 3   (t = 5 s, arrived #6)   (t = 9 s, arrived #8)   (t = 16 s, arrived #11)"
}

# 3. `build/release/lessons/06_windowed_processing --window 3 --stride 5`: 4 windows with gaps between
#    them, `[0, 1, 2]`, `[5, 6, 7]`, `[10, 11, 12]`, `[15, 16, 17]`: items 3 and 4 (and 8, 9, 13, 14,
#    18, 19) are in no window.
experiment_3() {
  run --window 3 --stride 5
  expect_status 0
  expect_line "Sliding window (size=3, stride=5):"
  local sliding
  sliding=$(sed -n '/^Sliding window/,/^Total windows/p' <<<"$out")
  local windows
  windows=$(grep -E '^  Window [0-9]+: ' <<<"$sliding" | sed 's/^  //' | paste -sd '|')
  [ "$windows" = "Window 0: [0, 1, 2]|Window 1: [5, 6, 7]|Window 2: [10, 11, 12]|Window 3: [15, 16, 17]" ] ||
    fail "sliding windows: $windows"
  expect_line "Total windows: 4"
  local item
  for item in 3 4 8 9 13 14 18 19; do
    ! grep -E '^  Window [0-9]+: ' <<<"$sliding" | grep -qE "[[, ]$item[],]" || fail "item $item is in a window"
  done
}

# 4. `build/release/lessons/06_windowed_processing --average-over 30`: the average of the last 30
#    readings describes the moment 14.5 readings ago, so the first row — t = 39, as rows come every
#    20 readings and the first window of 30 is full at t = 29 — compares it with the signal at
#    t = 24.5, 10.00. The error against that signal hardly changes (0.87 with 10 readings, 0.86 with
#    30): 30 readings average more noise away, but they span almost a third of the sine's period, so
#    the average also rounds off the curve itself.
experiment_4() {
  run
  expect_status 0
  local error_10
  error_10=$(number_after "RMS error of the 10-reading average:")

  run --average-over 30
  expect_status 0
  expect_line "average over the last 30:"
  expect_eq "$(sed -n '/t   reading   average/{n;p;q}' <<<"$out" | awk '{ print $1 }')" 39 "t of the first row"
  expect_match '^ +39 +7\.09 +[-0-9.]+ +[-0-9.]+ +10\.00$'
  local error_30
  error_30=$(number_after "RMS error of the 30-reading average:")
  expect_eq "$error_30" 0.86 "RMS error of the 30-reading average"
  expect_lt "$(calc "abs($error_10 - $error_30)")" 0.1 \
    "change of the RMS error from 10 to 30 readings"
}

# Predict first, 1: with the default 3 s of lateness, click #6 (t = 5 s) arrives when the watermark
# is 8 s, older than it, and still joins [0, 10), which is open; click #8 (t = 9 s) arrives when the
# watermark is 11 s, after [0, 10) has closed, and is late.
predict_1() {
  run
  expect_status 0
  expect_match '^  #6 +t = +5 s +out of order +→ window \[0, 10\) +watermark +8$'
  expect_match '^      window \[0, 10\) closed: 5 clicks'
  expect_match '^  #8 +t = +9 s +LATE +→ late side channel +watermark +11$'
  expect_eq "$(count_lines ' LATE ')" 1 "late clicks"
}

# Predict first, 2: `build/release/lessons/06_windowed_processing --stride 3`: windows of 5 start at
# 0, 3, 6, 9, 12 and 15 — 6 windows over 0..19, the last one [15, ..., 19].
predict_2() {
  run --stride 3 --show 10
  expect_status 0
  expect_line "Total windows: 6"
  expect_line "  Window 5: [15, 16, 17, 18, 19]"
}

# 5. `--no-charts --plot-data .`: no chart in the output; 06_readings.csv (t, reading, signal: 120
#    rows) and 06_averages.csv (t, average, ewma: 111 rows) in the folder, with their headers; and by
#    default the chart is there.
experiment_5() {
  run
  expect_line "● reading   ○ signal   ◆ EWMA(0.2)   ▲ average of 10"
  run --no-charts --plot-data .
  expect_status 0
  expect_no_line "● reading"
  expect_no_line "┤"
  [ "$(head -n 1 06_readings.csv 2>/dev/null)" = "t,reading,signal" ] || fail "06_readings.csv has no header t,reading,signal"
  [ "$(head -n 1 06_averages.csv 2>/dev/null)" = "t,average,ewma" ] || fail "06_averages.csv has no header t,average,ewma"
  expect_eq "$(($(wc -l <06_readings.csv) - 1))" 120 "rows in 06_readings.csv"
  expect_eq "$(($(wc -l <06_averages.csv) - 1))" 111 "rows in 06_averages.csv"
  expect_eq "$(sed -n 2p 06_averages.csv | cut -d, -f1)" 9 "t of the first full window of 10"
}
