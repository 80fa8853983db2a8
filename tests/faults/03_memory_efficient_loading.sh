# shellcheck shell=bash
# Faults injected into lesson 03 (see tests/faults/README.md): each function fault_NAME is the test
# faults.03.NAME; $lesson is the lesson's executable, run in a private temporary folder.

# --- files and paths: a device node, a symlink or a directory as a target, clashing paths, a full disk, no TMPDIR

# TMPDIR naming no folder: exit 1, one line naming it, nothing printed before it and nothing left. With --input
# the lesson needs no temporary folder, and runs.
fault_missing_tmpdir() {
  local real=$lesson
  lesson="env"
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

# A file that cannot be written whole (the disk full, here a file size limit: `ulimit -f 100`, 100 KiB):
# exit 1 and one line naming the file and the reason, and nothing left in TMPDIR (before: killed by
# SIGXFSZ, exit 153, its folder left behind; or, with the signal ignored, a short file read as if whole).
fault_file_too_large() {
  mkdir tmp
  export TMPDIR=$PWD/tmp
  ulimit -f 100
  run
  expect_status 1
  [[ "$err" =~ ^"03_memory_efficient_loading: error: "[^$'\n']*"/large_file.txt: write failed: File too large"$ ]] ||
    fail "stderr is not the one line naming large_file.txt: $(printf '%s' "$err" | head -n 3)"
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

# Helpers of this section (the lesson in the background and the signals: lib.sh).
# big_csv_growing MB: the lesson is writing its big.csv and has written more than MB MB of it.
big_csv_growing() { [ -n "$(find "$tmp" -name big.csv -size +"$1"M 2>/dev/null | head -n 1)" ]; }
# big_csv_read: the lesson has big.csv open for reading (its last phase: streamed, then loaded whole).
big_csv_read() {
  local fd
  for fd in /proc/"$pid"/fd/*; do
    [[ $(readlink "$fd" 2>/dev/null) == */big.csv ]] || continue
    # The access mode is the lowest octal digit of `flags` in fdinfo, & 3: 0 is O_RDONLY.
    (($(awk '/^flags:/ { print substr($2, length($2)) }' /proc/"$pid"/fdinfo/"${fd##*/}" 2>/dev/null || echo 1) % 4 == 0)) &&
      return 0
  done
  return 1
}
# signals_expect_stopped STATUS WORDS WHEN: the run ended with STATUS, printed "WORDS: stopped before
# the end.", wrote nothing to stderr, and left nothing in its TMPDIR.
signals_expect_stopped() {
  expect_status "$1"
  expect_line "$2: stopped before the end."
  [ -z "$err" ] || fail "stderr: $(head -n 3 <<<"$err")"
  expect_tmp_empty "$3"
}

# Ctrl-C while the lesson writes its big file (--big-mb 300, once 20 MB are written): exit 130,
# *Interrupted (Ctrl-C)*, and the 300 MB file and its folder are gone. (Before, lesson 03 had no
# handler: Ctrl-C killed it and left big.csv, 89 MB of it, and the folder.)
fault_sigint_while_writing_the_big_file() {
  start_in_private_tmp --big-mb 300
  wait_until "big.csv past 20 MB" big_csv_growing 20
  send_signals INT
  signals_expect_stopped 130 "Interrupted (Ctrl-C)" "after Ctrl-C while writing big.csv"
}

# SIGTERM while it reads the big file back (streaming it, or loading it whole): exit 143,
# *Terminated (SIGTERM)*, nothing left.
fault_sigterm_while_reading_the_big_file() {
  start_in_private_tmp --big-mb 300
  wait_until "big.csv open for reading" big_csv_read
  send_signals TERM
  signals_expect_stopped 143 "Terminated (SIGTERM)" "after SIGTERM while reading big.csv"
}

# SIGTERM, then Ctrl-C while the lesson stops: the first decides (143), nothing is left.
fault_second_signal_during_cleanup() {
  start_in_private_tmp --big-mb 300
  wait_until "big.csv past 20 MB" big_csv_growing 20
  send_signals TERM INT
  signals_expect_stopped 143 "Terminated (SIGTERM)" "after SIGTERM then Ctrl-C"
}

# --input - from a pipe that stays open and quiet: a signal ends the wait for more input at once
# (143 for SIGTERM, 130 for Ctrl-C), with no summary of a partial input. (Before: killed by the
# signal, no words.)
fault_signal_while_waiting_on_stdin() {
  local signal
  mkfifo in.fifo
  for signal in TERM INT; do
    stdin_file=in.fifo start_in_private_tmp --input -
    exec 3>in.fifo
    # 20,000 rows (about 250 KB), more than a pipe holds (64 KB): when the writing returns, the lesson
    # has read most of them — it runs, its handler installed — and then it waits for the rest of
    # the last row, which does not come.
    awk 'BEGIN { print "timestamp_ms,sensor_id,value"; for (i = 1; i <= 20000; ++i) printf "%d,a,%d.5\n", i, i
                 printf "20001,a,2." }' >&3
    send_signals "$signal"
    exec 3>&-
    if [ "$signal" = TERM ]; then
      signals_expect_stopped 143 "Terminated (SIGTERM)" "after SIGTERM while waiting on stdin"
    else
      signals_expect_stopped 130 "Interrupted (Ctrl-C)" "after Ctrl-C while waiting on stdin"
    fi
    expect_no_line "good rows"
  done
}

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
