# shellcheck shell=bash
# Faults injected into lesson 09 (see tests/faults/README.md): each function fault_NAME is the test
# faults.09.NAME; $lesson is the lesson's executable, run in a private temporary folder.

# --- files and paths: a device node, a symlink or a directory as a target, clashing paths, a full disk, no TMPDIR

# Helpers of this section: each test sets TMPDIR to ./tmp, so that a temporary folder left there is seen.
paths_setup() {
  mkdir -p tmp
  export TMPDIR=$PWD/tmp
}
# paths_device NAME MINOR: a copy of the device /dev/NAME (mknod, as root), or /dev/NAME itself otherwise.
paths_device() {
  if mknod "$1" c 1 "$2" 2>/dev/null; then echo "$1"; else echo "/dev/$1"; fi
}
# paths_expect_error TEXT: stderr is exactly one line: "09_complete_pipeline: error: TEXT".
paths_expect_error() {
  [ "$err" = "09_complete_pipeline: error: $1" ] ||
    fail "stderr is not the one line '09_complete_pipeline: error: $1' but: $(printf '%s' "$err" | head -n 3)"
}
# paths_expect_clean: no *.tmp-* file in this folder, and no temporary folder in ./tmp.
paths_expect_clean() {
  local left
  left=$(find . -name '*.tmp-*' | head -n 3)
  [ -z "$left" ] || fail "temporary files left: $left"
  left=$(ls -A tmp)
  [ -z "$left" ] || fail "temporary folders left in TMPDIR: $left"
}
# paths_run_with_tmpdir DIR ARGS...: run, with TMPDIR=DIR for the lesson only (run's own files stay in ./tmp).
paths_run_with_tmpdir() {
  local dir=$1 real=$lesson
  shift
  lesson="env"
  run TMPDIR="$dir" "$real" "$@"
  lesson=$real
}

# A device as --output and --dead-letter (a mknod copy of /dev/null): written into, never replaced by a file.
fault_device_as_output() {
  paths_setup
  local null
  null=$(paths_device null 3)
  run --rows 5000 --output "$null" --dead-letter "$null"
  expect_status 0
  [ -c "$null" ] || fail "$null is no longer a character device: $(ls -l "$null")"
  [ -z "$err" ] || fail "stderr: $err"
  paths_expect_clean
}

# A full disk while the rows are written (a mknod copy of /dev/full as --output): the sink stage fails at its
# first 64 KiB; exit 1, one line; no output file; the dead letters and the summary ("failed") are still written.
fault_disk_full_during_run() {
  paths_setup
  local full
  full=$(paths_device full 7)
  run --rows 20000 --output "$full" --dead-letter rejected.csv --summary-json summary.json
  expect_status 1
  paths_expect_error "stage sink failed: $full: write failed: No space left on device"
  expect_line "Partial results: stage sink failed: no output file was written."
  [ -c "$full" ] || fail "$full is no longer a character device"
  [ "$(head -n 1 rejected.csv)" = "line,reason,text" ] || fail "rejected.csv was not written"
  grep -q '"status": "failed"' summary.json || fail "summary.json does not say failed: $(head -c 200 summary.json)"
  paths_expect_clean
}

# A full disk at the final flush (the last, buffered, bytes; /dev/full as --output, then as --dead-letter):
# exit 1, one line, nothing left.
fault_disk_full_at_final_flush() {
  paths_setup
  local full
  full=$(paths_device full 7)
  run --rows 100 --output "$full"
  expect_status 1
  paths_expect_error "$full: write failed: No space left on device"
  paths_expect_clean
  run --rows 100 --output scored.csv --dead-letter "$full"
  expect_status 1
  paths_expect_error "$full: write failed: No space left on device"
  [ -c "$full" ] || fail "$full is no longer a character device"
  paths_expect_clean
}

# A symbolic link as --output: the file it points to is replaced (keeping its mode 0640), the link stays a link.
fault_symlink_as_output() {
  paths_setup
  mkdir data
  echo old >data/scored.csv
  chmod 640 data/scored.csv
  ln -s data/scored.csv latest.csv
  run --rows 1000 --output latest.csv
  expect_status 0
  [ -L latest.csv ] || fail "latest.csv is no longer a symbolic link"
  [ "$(head -n 1 data/scored.csv)" = "line,timestamp_ms,sensor_id,value,zscore,prediction,anomaly" ] ||
    fail "data/scored.csv was not replaced"
  expect_eq "$(wc -l <data/scored.csv)" 999 "rows in data/scored.csv (a header and 998 valid readings)"
  [ "$(stat -c %a data/scored.csv)" = 640 ] || fail "mode of data/scored.csv: $(stat -c %a data/scored.csv), want 640"
  paths_expect_clean
}

# A directory as --output: exit 2 at once, before any work (100 M rows are never generated), nothing written.
fault_directory_as_output() {
  paths_setup
  mkdir results
  run_timeout=20 run --rows 100000000 --output results
  expect_status 2
  paths_expect_error "--output results: Is a directory"
  [ -z "$out" ] || fail "something was printed: $(head -n 2 <<<"$out")"
  [ -z "$(ls -A results)" ] || fail "results/ is not empty: $(ls -A results)"
  paths_expect_clean
}

# --output X --dead-letter X: exit 2 before any work, naming both options; X not made.
fault_output_is_dead_letter() {
  paths_setup
  run_timeout=20 run --rows 100000000 --output x.csv --dead-letter x.csv
  expect_status 2
  paths_expect_error "--output x.csv and --dead-letter x.csv name the same file"
  [ ! -e x.csv ] || fail "x.csv was written"
  [ -z "$out" ] || fail "something was printed: $(head -n 2 <<<"$out")"
  paths_expect_clean
}

# --output X --summary-json ./X (X exists): exit 2 before any work, X unchanged.
fault_output_is_summary() {
  paths_setup
  echo keep >x.json
  run_timeout=20 run --rows 100000000 --output x.json --summary-json ./x.json
  expect_status 2
  paths_expect_error "--output x.json and --summary-json ./x.json name the same file"
  [ "$(cat x.json)" = keep ] || fail "x.json was changed"
  paths_expect_clean
}

# --input X --output X (and a hard link to X as --output): exit 2 before any work, the input unchanged.
fault_input_is_output() {
  paths_setup
  run --rows 2000 --output readings.csv
  expect_status 0
  local before
  before=$(cksum <readings.csv)
  run --input readings.csv --output readings.csv
  expect_status 2
  paths_expect_error "--input readings.csv and --output readings.csv name the same file"
  [ -z "$out" ] || fail "something was printed: $(head -n 2 <<<"$out")"
  ln readings.csv same.csv
  run --input readings.csv --output scored.csv --dead-letter same.csv
  expect_status 2
  paths_expect_error "--input readings.csv and --dead-letter same.csv name the same file"
  [ "$(cksum <readings.csv)" = "$before" ] || fail "readings.csv was changed"
  paths_expect_clean
}

# TMPDIR naming no folder, with generated data and with --input and --output: exit 1 (the README's "no usable
# TMPDIR"), one line naming it, nothing written.
fault_missing_tmpdir() {
  paths_setup
  paths_run_with_tmpdir /nonexistent/streamlab --rows 1000
  expect_status 1
  paths_expect_error "cannot create a temporary folder in /nonexistent/streamlab (TMPDIR): No such file or directory"
  [ -z "$out" ] || fail "something was printed: $(head -n 2 <<<"$out")"
  run --rows 1000 --output readings.csv
  paths_run_with_tmpdir /nonexistent/streamlab --input readings.csv --output scored.csv
  expect_status 1
  paths_expect_error "cannot create a temporary folder in /nonexistent/streamlab (TMPDIR): No such file or directory"
  [ ! -e scored.csv ] || fail "scored.csv was written"
  paths_expect_clean
}

# umask 077: every file written is 0600 (not 0644), as for any program that honours the umask.
fault_umask_077() {
  paths_setup
  local saved
  saved=$(umask)
  umask 077
  run --rows 1000 --output scored.csv --dead-letter rejected.csv --summary-json summary.json
  umask "$saved"
  expect_status 0
  local file
  for file in scored.csv rejected.csv summary.json; do
    [ "$(stat -c %a "$file")" = 600 ] || fail "mode of $file: $(stat -c %a "$file"), want 600"
  done
  paths_expect_clean
}

# A run killed by SIGKILL leaves its temporary file (nothing can remove it); the next run writing that file
# removes it, because its writer is gone.
fault_stale_temporary_removed() {
  paths_setup
  mkfifo input.fifo
  "$lesson" --input input.fifo --output scored.csv >/dev/null 2>&1 &
  local pid=$! waited=0
  exec 3>input.fifo
  echo "timestamp_ms,sensor_id,value" >&3
  while [ -z "$(find . -maxdepth 1 -name 'scored.csv.tmp-*')" ] && [ "$waited" -lt 200 ]; do
    sleep 0.05
    waited=$((waited + 1))
  done
  kill -KILL "$pid"
  wait "$pid" 2>/dev/null
  exec 3>&-
  [ -n "$(find . -maxdepth 1 -name "scored.csv.tmp-$pid-*")" ] || fail "no scored.csv.tmp-$pid-* after SIGKILL"
  rm -rf tmp/* # the killed run's temporary folder: SIGKILL leaves it too
  run --rows 1000 --output scored.csv
  expect_status 0
  expect_eq "$(wc -l <scored.csv)" 999 "rows in scored.csv"
  paths_expect_clean
}

# --- signals: SIGINT and SIGTERM at each phase

# Helpers of this section (the lesson in the background and the signals: lib.sh; experiment.09.4
# covers Ctrl-C, once and twice, while generating and Ctrl-C twice while processing).
# signals_expect_clean WHEN: no *.tmp-* file here or in TMPDIR, and nothing left in TMPDIR.
signals_expect_clean() {
  local left
  left=$(find "$PWD" -name '*.tmp-*' | head -n 3)
  [ -z "$left" ] || fail "temporary files left $1: $left"
  expect_tmp_empty "$1"
}
# signals_expect_counts_add_up: read = rejected + valid, written = valid, and kept.csv and
# summary.json hold what the report says (the run was --output kept.csv --summary-json summary.json).
signals_expect_counts_add_up() {
  local records rejected valid written
  records=$(grep -oE 'Source: [0-9,]+ records' <<<"$out" | tr -dc '0-9')
  rejected=$(($(grep -oE '(Parse|Filter): [0-9,]+ rejected' <<<"$out" | tr -dc '0-9\n' | paste -sd+)))
  valid=$(grep -oE '[0-9,]+ valid readings' <<<"$out" | tr -dc '0-9')
  written=$(grep -oE 'Sink: [0-9,]+ rows' <<<"$out" | tr -dc '0-9')
  expect_eq "$records" "$((rejected + valid))" "records read = rejected + valid"
  expect_eq "$written" "$valid" "rows written = valid readings"
  expect_eq "$(($(wc -l <kept.csv) - 1))" "$valid" "rows in kept.csv"
  grep -q "\"status\": \"interrupted\", \"rows_read\": $records, \"rows_valid\": $valid, \"rows_written\": $valid," \
    summary.json || fail "summary.json does not say interrupted with these counts: $(head -c 200 summary.json)"
}

# SIGTERM (what `kill`, `timeout` and `docker stop` send) while the lesson generates its data: 143,
# *Terminated (SIGTERM)*, nothing kept or left — and the same with Ctrl-C coming while it stops.
# (Before, SIGTERM killed it: readings.csv.tmp-* and the temporary folder were left.)
fault_sigterm_while_generating() {
  local signals
  for signals in TERM "TERM INT"; do
    start_in_private_tmp --rows 40000000
    wait_for_file "$tmp" 'readings.csv.tmp-*'
    # shellcheck disable=SC2086
    send_signals $signals
    expect_status 143
    expect_line "Terminated (SIGTERM) while generating the data: nothing kept."
    signals_expect_clean "after SIG${signals// / then SIG} while generating"
  done
}

# SIGTERM while the stages process the readings and the sink writes kept.csv (once 2 MB are
# written; batches of 10 leave it more than a second of work after that): 143; what was read is
# processed, written and committed — kept.csv, dead letters and summary (status "interrupted")
# agree — and nothing is left. (Before: killed, nothing committed, kept.csv.tmp-* and the
# temporary folder left.)
fault_sigterm_while_processing() {
  start_in_private_tmp --rows 2000000 --batch-size 10 --output kept.csv --dead-letter dead.csv \
    --summary-json summary.json
  wait_for_file "$PWD" 'kept.csv.tmp-*' 2000
  send_signals TERM
  expect_status 143
  expect_line "Terminated (SIGTERM): the readings read so far were processed and written."
  signals_expect_counts_add_up
  [ -f dead.csv ] || fail "no dead.csv"
  signals_expect_clean "after SIGTERM while processing"
}

# A second signal while the lesson stops (small batches and a long queue leave it a few tenths of
# a second of work after the first): the first one decides the status and the words, the second
# cuts nothing short — all is written and nothing is left. Both orders.
fault_second_signal_during_cleanup() {
  local first second status_wanted words
  for first in TERM INT; do
    second=$([ "$first" = TERM ] && echo INT || echo TERM)
    status_wanted=$([ "$first" = TERM ] && echo 143 || echo 130)
    words=$([ "$first" = TERM ] && echo "Terminated (SIGTERM)" || echo "Interrupted (Ctrl-C)")
    rm -f kept.csv summary.json
    start_in_private_tmp --rows 2000000 --batch-size 10 --queue-capacity 300000 --output kept.csv \
      --summary-json summary.json
    wait_for_file "$PWD" 'kept.csv.tmp-*' 2000
    send_signals "$first" "$second"
    expect_status "$status_wanted"
    expect_line "$words: the readings read so far were processed and written."
    signals_expect_counts_add_up
    signals_expect_clean "after SIG$first then SIG$second while processing"
  done
}

# --input - from a pipe that stays open and quiet (a producer that paused): the lesson waits for
# input, and a signal ends that wait at once — the whole records read so far are processed and
# written; the record cut short ("3,a,3.", no line end yet) is dropped, not read as the value 3.
# SIGTERM, then Ctrl-C. (Before: Ctrl-C hung until the writer closed the pipe; SIGTERM killed it
# and left kept.csv.tmp-* and the temporary folder.)
fault_signal_while_waiting_for_input() {
  local signal
  mkfifo in.fifo
  for signal in TERM INT; do
    rm -f kept.csv summary.json
    stdin_file=in.fifo start_in_private_tmp --input - --output kept.csv --summary-json summary.json
    exec 3>in.fifo  # the lesson's stdin opens once a writer does
    printf 'timestamp_ms,sensor_id,value\n1,a,1.5\n2,a,2.5\n3,a,3.' >&3
    wait_until "kept.csv.tmp-* (made once the header is read)" output_started
    send_signals "$signal"
    exec 3>&-
    expect_status "$([ "$signal" = TERM ] && echo 143 || echo 130)"
    expect_line "$([ "$signal" = TERM ] && echo "Terminated (SIGTERM)" || echo "Interrupted (Ctrl-C)"): the readings read so far were processed and written."
    signals_expect_counts_add_up
    ! grep -q '^4,3,' kept.csv || fail "the record cut short was written: $(grep '^4,3,' kept.csv)"
    expect_le "$(grep -oE 'Source: [0-9,]+ records' <<<"$out" | tr -dc '0-9')" 2 "records read (the whole ones)"
    signals_expect_clean "after SIG$signal while waiting for input"
  done
}

# A signal while the lesson waits for its input's first line (the header): 130 for Ctrl-C, 143 for
# SIGTERM, *stopped before the end*, not "the input is empty" (exit 2), and nothing left.
fault_signal_while_waiting_for_the_header() {
  local signal
  mkfifo in.fifo
  for signal in INT TERM; do
    stdin_file=in.fifo start_in_private_tmp --input - --output kept.csv
    exec 3>in.fifo
    wait_until "the lesson's temporary folder" lesson_temp_folder_made
    send_signals "$signal"
    exec 3>&-
    expect_status "$([ "$signal" = TERM ] && echo 143 || echo 130)"
    expect_line "$([ "$signal" = TERM ] && echo "Terminated (SIGTERM)" || echo "Interrupted (Ctrl-C)"): stopped before the end."
    [ -z "$err" ] || fail "stderr: $err"
    [ ! -e kept.csv ] || fail "kept.csv was written"
    signals_expect_clean "after SIG$signal while waiting for the header"
  done
}
output_started() { [ -n "$(find "$PWD" -maxdepth 1 -name 'kept.csv.tmp-*' | head -n 1)" ]; }
lesson_temp_folder_made() { [ -n "$(find "$tmp" -maxdepth 1 -name 'streamlab-lesson09-*' | head -n 1)" ]; }

# --- threads, workers and input: a thread that cannot start, a stray quote, too many sensors, numbers at the edge

# --workers 64 in an address space capped at 300 MB (`ulimit -v 300000`): the stacks of 3 + 64
# threads (8 MiB each) do not fit, so a thread cannot be created. Exit 1 with one line naming it,
# no output, nothing left behind. (It used to hang for ever once the input filled the queues, SIGTERM
# or not: the stages already started stayed blocked on them.) The SIGKILL after 60 s is a guard only.
fault_thread_cannot_start() {
  mkdir -p tmp
  readings_csv 200000 >readings.csv  # more than the queues and batch parts hold
  printf '#!/bin/sh\nulimit -v 300000 || exit 99\nexec timeout -s KILL 60 "%s" "$@"\n' "$lesson" >capped.sh
  chmod +x capped.sh
  local lesson=$PWD/capped.sh
  TMPDIR=$PWD/tmp run --input readings.csv --output scored.csv --dead-letter rejected.csv --summary-json summary.json \
    --workers 64
  expect_status 1
  grep -qE '^09_complete_pipeline: error: stage [a-z]+ failed: cannot start a thread: ' <<<"$err" ||
    fail "stderr does not say a thread could not start: $(printf '%s' "$err" | head -n 3)"
  expect_eq "$(printf '%s\n' "$err" | wc -l)" 1 "lines on stderr"
  expect_match '^Partial results: stage [a-z]+ failed: no output file was written'
  [ ! -e scored.csv ] || fail "scored.csv was written"
  [ -f rejected.csv ] || fail "no rejected.csv (the dead letters are always written)"
  grep -q '"status": "failed"' summary.json || fail "summary.json does not say the run failed"
  local left
  left=$(find . -name '*.tmp-*' | head -n 3)
  [ -z "$left" ] || fail "temporary files left: $left"
  left=$(ls -A tmp)
  [ -z "$left" ] || fail "temporary folders left in TMPDIR: $left"
}

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

# --- stdout and pipes: a full stdout, an --output FIFO whose reader has gone

# stdout redirected to a full disk (a copy of /dev/full): the report cannot be written, so the run is
# not a success — exit 1 and one line on stderr (before, exit 0 and no word); the output file is complete.
fault_stdout_full() {
  paths_setup
  local full
  full=$(paths_device full 7)
  "$lesson" --rows 5000 --output scored.csv >"$full" 2>stderr.txt
  status=$? err=$(cat stderr.txt)
  expect_status 1
  [[ "$err" =~ ^"09_complete_pipeline: error: cannot write the output to stdout"(": No space left on device")?$ ]] ||
    fail "stderr is not the one line about stdout: $err"
  expect_eq "$(wc -l <scored.csv)" 4994 "lines of scored.csv (a header and the 4,993 valid readings)"
  paths_expect_clean
}

# --output a FIFO whose reader leaves before anything is written: the output is written at the end
# (500 rows fit in its 64 KiB buffer) and that write fails with EPIPE. That is a failure of the
# output, not a closed stdout: exit 1 and one line naming the file (before, exit 0 and no word). The
# order is forced, not timed: the input is a FIFO the test holds open, so the lesson cannot reach
# its end before the test has closed the output's read end.
fault_output_fifo_reader_gone() {
  paths_setup
  mkfifo in.fifo rows.fifo
  exec 5<>in.fifo # the input's writer, held by the test: the lesson waits for more input
  tmp=$(mktemp -d "$PWD/tmp.XXXXXX")
  TMPDIR=$tmp "$lesson" --input - --output rows.fifo <in.fifo >stdout.txt 2>stderr.txt 5>&- & # 5: not its own
  pid=$!
  {
    echo "timestamp_ms,sensor_id,value"
    for ((i = 0; i < 500; ++i)); do echo "$((1700000000000 + i)),s$((i % 4)),$i.5"; done
  } >&5
  exec 4<rows.fifo # opens once the lesson has opened its output (after the input's header) ...
  exec 4<&-        # ... and leaves at once, before anything is written
  exec 5>&-        # the end of the input: the lesson finishes, and only then writes rows.fifo
  wait "$pid"
  status=$? err=$(cat stderr.txt)
  expect_status 1
  grep -q "^09_complete_pipeline: error: .*rows.fifo.*Broken pipe" <<<"$err" || fail "no error naming rows.fifo: $err"
  expect_eq "$(printf '%s\n' "$err" | wc -l)" 1 "lines on stderr"
  expect_tmp_empty "after the failed write"
  paths_expect_clean
}
