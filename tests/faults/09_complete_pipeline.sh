# shellcheck shell=bash
# Faults injected into lesson 09 (see tests/faults/README.md): each function fault_NAME is the test
# faults.09.NAME; $lesson is the lesson's executable, run in a private temporary folder.

# --- files and paths: a device node, a symlink or a directory as a target, clashing paths, a full disk, no TMPDIR

# --- signals: SIGINT and SIGTERM at each phase

# --- threads, workers and input: a thread that cannot start, a stray quote, too many sensors, numbers at the edge

# readings_csv N [SENSORS]: N rows of readings (header first) of SENSORS sensors s0, s1, ... in turn (default 4).
readings_csv() {
  echo "timestamp_ms,sensor_id,value"
  awk -v n="$1" -v k="${2:-4}" 'BEGIN { for (i = 0; i < n; ++i) printf "%d,s%d,%d.5\n", 1700000000 + i * 10, i % k, 20 + i % 7 }'
}

# A stray quote early in the file (an opening quote never closed) costs its own line only: one
# unterminated_quote dead letter, every other row read and written. (It used to swallow the next
# 4 KiB as one line_too_long row: 186 of 300 rows lost.)
fault_stray_quote() {
  readings_csv 300 | sed '4s/,\([0-9.]*\)$/,"\1/' >stray.csv
  grep -q '^1700000020,s2,"' stray.csv || fail "the test's input has no stray quote on line 4"
  run --input stray.csv --output scored.csv --dead-letter rejected.csv --summary-json summary.json
  expect_status 0
  expect_line "  1. Source: 300 records from stray.csv"
  expect_line "  2. Parse: 1 rejected (1 unterminated_quote)"
  expect_line "  3. Filter: 0 rejected (none); 299 valid readings"
  expect_eq "$(wc -l <scored.csv)" 300 "lines in scored.csv (header and 299 readings)"
  expect_eq "$(grep -c '^4,unterminated_quote,' rejected.csv)" 1 "dead letters of line 4"
  expect_eq "$(wc -l <rejected.csv)" 2 "lines in rejected.csv (header and one dead letter)"
  grep -q '"rows_valid": 299' summary.json || fail "summary.json: rows_valid is not 299"
}

# --max-sensors 4 over 10 sensors: the readings of the 6 sensors first seen after the 4th are dead
# letters (too_many_keys, column sensor_id), counted under 3. Filter; the 4 sensors kept get all of theirs.
fault_too_many_sensors() {
  readings_csv 100 10 >ten_sensors.csv
  run --input ten_sensors.csv --output scored.csv --dead-letter rejected.csv --summary-json summary.json --max-sensors 4
  expect_status 0
  expect_line "  1. Source: 100 records from ten_sensors.csv"
  expect_line "  3. Filter: 60 rejected (60 too_many_keys(sensor_id)); 40 valid readings"
  expect_line "  6. Process: 40 readings scored by 4 online models on 1 worker"
  expect_eq "$(grep -c ',too_many_keys(sensor_id),' rejected.csv)" 60 "too_many_keys dead letters"
  expect_eq "$(grep -c ',s[4-9],' rejected.csv)" 60 "dead letters of sensors s4 to s9"
  expect_eq "$(wc -l <scored.csv)" 41 "lines in scored.csv"
  grep -q '"too_many_keys(sensor_id)": 60' summary.json || fail "summary.json: no too_many_keys(sensor_id) count of 60"
  expect_eq "$(grep -o '"count"' summary.json | wc -l)" 4 "sensors in summary.json"
  run --input ten_sensors.csv --output scored.csv --max-sensors 0
  expect_status 2
}

# 500,000 distinct sensor ids, with the default --max-sensors (100,000): the first 100,000 sensors are
# kept, the other 400,000 readings dead-lettered, and peak memory stays bounded (about 40 MiB; without
# the limit per-sensor state took 1.2 GiB for 2 M ids, and this run about 320 MiB).
fault_many_distinct_sensors() {
  awk 'BEGIN { print "timestamp_ms,sensor_id,value"; for (i = 0; i < 500000; ++i) printf "%d,sensor-%d,%d.5\n", 1700000 + i, i, 20 + i % 7 }' >many.csv
  run --input many.csv --output scored.csv --summary-json summary.json
  expect_status 0
  expect_line "  3. Filter: 400,000 rejected (400000 too_many_keys(sensor_id)); 100,000 valid readings"
  expect_le "$peak_rss_kib" "$((128 * 1024))" "peak RSS (KiB) with 500,000 distinct sensors"
  expect_eq "$(grep -o '"count"' summary.json | wc -l)" 100000 "sensors in summary.json"
}

# Numbers at the edge: values near the largest double, past the sensor range (±1e12), and a
# negative timestamp are out_of_range dead letters; no `inf`, no 310-digit forecast, in the output.
fault_numbers_at_the_edge() {
  {
    readings_csv 40
    echo "1700000400,s0,1e308"
    echo "1700000410,s0,-1e308"
    echo "1700000420,s1,1.5e12"
    echo "-5,s2,21.5"
    echo "1700000440,s3,1e12"
  } >edge.csv
  run --input edge.csv --output scored.csv --dead-letter rejected.csv --summary-json summary.json
  expect_status 0
  expect_line "  3. Filter: 4 rejected (1 out_of_range(timestamp_ms), 3 out_of_range(value)); 41 valid readings"
  expect_eq "$(grep -c ',out_of_range(value),' rejected.csv)" 3 "values out of range"
  expect_eq "$(grep -c '^45,out_of_range(timestamp_ms),' rejected.csv)" 1 "the negative timestamp"
  ! grep -qi 'inf\|nan' scored.csv summary.json || fail "inf or nan in scored.csv or summary.json"
  expect_eq "$(awk 'length > 80' scored.csv | wc -l)" 0 "lines of scored.csv longer than 80 characters"
}

# A header naming a required column twice is refused (which one would be meant?); a header's control
# bytes (an escape sequence) are shown escaped in the error, never sent raw to the terminal.
fault_header_duplicate_and_control_bytes() {
  { echo "timestamp_ms,sensor_id,value,value"; echo "1,s0,2,3"; } >twice.csv
  run --input twice.csv --output scored.csv
  expect_status 2
  grep -qF "the header names column 'value' twice (columns 3 and 4)" <<<"$err" || fail "no duplicate-column error: $err"
  [ ! -e scored.csv ] || fail "scored.csv written"
  printf 'timestamp_ms,sensor_id,v\033[31malue\n1,s0,2\n' >escape.csv
  run --input escape.csv --output scored.csv
  expect_status 2
  grep -qF "no column named 'value' (columns: timestamp_ms, sensor_id, v\\x1b[31malue)" <<<"$err" ||
    fail "the header's escape byte is not shown as \\x1b: $err"
  ! grep -q $'\033' <<<"$err" || fail "a raw escape byte on stderr"
}
