# shellcheck shell=bash
# Faults injected into lesson 03 (see tests/faults/README.md): each function fault_NAME is the test
# faults.03.NAME; $lesson is the lesson's executable, run in a private temporary folder.

# --- files and paths: a device node, a symlink or a directory as a target, clashing paths, a full disk, no TMPDIR

# TMPDIR naming no folder: exit 1, one line naming it, nothing printed before it and nothing left. With --input
# the lesson needs no temporary folder, and runs.
fault_missing_tmpdir() {
  local real=$lesson
  lesson=env
  run TMPDIR=/nonexistent/streamlab "$real" --big-mb 1
  expect_status 1
  [ "$err" = "03_memory_efficient_loading: error: cannot create a temporary folder in /nonexistent/streamlab (TMPDIR): No such file or directory" ] ||
    fail "stderr is not the one expected line: $(printf '%s' "$err" | head -n 3)"
  [ -z "$out" ] || fail "something was printed: $(head -n 2 <<<"$out")"
  printf 'timestamp_ms,sensor_id,value\n1,a,2.5\n' >readings.csv
  run TMPDIR=/nonexistent/streamlab "$real" --input readings.csv
  lesson=$real
  expect_status 0
  expect_line "Read 1 chunk(s) of up to 10000 rows: 1 good rows, 0 bad rows"
}

# A temporary folder of the test's own as TMPDIR: after a whole run, nothing is left in it.
fault_nothing_left_in_tmpdir() {
  mkdir tmp
  export TMPDIR=$PWD/tmp
  run --big-mb 1 --rows 1000 --lines 1000 --floats 1000
  expect_status 0
  [ -z "$(ls -A tmp)" ] || fail "left in TMPDIR: $(ls -A tmp)"
}

# --input naming a directory: exit 2, one line.
fault_directory_as_input() {
  mkdir folder
  run --input folder
  expect_status 2
  [ "$err" = "03_memory_efficient_loading: error: folder: Is a directory" ] ||
    fail "stderr is not the one expected line: $(printf '%s' "$err" | head -n 3)"
}

# --- signals: SIGINT and SIGTERM at each phase

# --- threads, workers and input: a thread that cannot start, a stray quote, too many sensors, numbers at the edge

# A stray quote early in a CSV of 100,001 data lines (an opening quote never closed) costs its own
# line only: "100000 good rows, 1 bad rows" and the reason unterminated_quote. (It used to take the
# next 1 MiB with it as one line_too_long row: 47,572 good rows.)
fault_stray_quote() {
  awk 'BEGIN { print "timestamp_ms,sensor_id,value"
               for (i = 0; i < 100001; ++i) printf (i == 3 ? "%d,%d,\"%d.5\n" : "%d,%d,%d.5\n"), 1700000 + i, i % 16, 20 + i % 7 }' >stray.csv
  grep -q '^1700003,3,"23.5$' stray.csv || fail "the test's input has no stray quote on line 5"
  run --input stray.csv
  expect_status 0
  expect_line "Read 11 chunk(s) of up to 10000 rows: 100000 good rows, 1 bad rows"
  expect_line "  unterminated_quote: 1 (line 5)"
  expect_eq "$(count_lines '^  [a-z_]+: [0-9]+ \(line')" 1 "reasons listed"
}

# Control bytes in the header (an escape sequence that would clear the screen) are printed escaped
# on the Columns line and under Numeric columns, never raw.
fault_header_control_bytes() {
  printf 'a\033[2J,b\033]0;x\007\n1,2\n3,4\n' >escape.csv
  run --input escape.csv
  expect_status 0
  expect_line 'Columns: a\x1b[2J, b\x1b]0;x\x07'
  expect_line '  a\x1b[2J: count 2, mean 2.0000'
  ! grep -q $'[\033\007]' <<<"$out" || fail "a raw control byte on stdout"
}
