# shellcheck shell=bash
# Faults injected into lesson 01 (see tests/faults/README.md): each function fault_NAME is the test
# faults.01.NAME; $lesson is the lesson's executable, run in a private temporary folder.

# --- signals: lesson 01 makes no file, so it leaves Ctrl-C and SIGTERM their default action: the
# program ends at once, whatever it waits for, and the shell reports 130 or 143. Nothing to clean.

# --stdin on a pipe that stays open and quiet: SIGTERM (then, in a second run, Ctrl-C) ends the wait
# for the next line at once: 143 (130), nothing left in TMPDIR.
fault_signal_while_waiting_on_stdin() {
  local signal
  mkfifo in.fifo
  for signal in TERM INT; do
    stdin_file=in.fifo start_in_private_tmp --stdin
    exec 3>in.fifo
    # More than a pipe holds (64 KB): when the writing returns, the lesson is reading, and then it
    # waits for a line that does not come.
    awk 'BEGIN { for (i = 1; i <= 20000; ++i) printf "line %d of a stream\n", i }' >&3
    send_signals "$signal"
    exec 3>&-
    expect_status "$([ "$signal" = TERM ] && echo 143 || echo 130)"
    expect_tmp_empty "after SIG$signal while waiting on stdin"
  done
}
