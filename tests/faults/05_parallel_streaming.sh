# shellcheck shell=bash
# Faults injected into lesson 05 (see tests/faults/README.md): each function fault_NAME is the test
# faults.05.NAME; $lesson is the lesson's executable, run in a private temporary folder.

# --- signals: lesson 05 makes no file, so it leaves Ctrl-C and SIGTERM their default action (the
# program ends at once; the shell reports 130 or 143). Its worker processes are not left running.

# workers_started: the lesson ($pid) has started its ProcessPool's workers (itself, with --worker).
workers_started() {
  workers=$(pgrep -P "$pid" -f -- '--worker' | tr '\n' ' ')
  [ -n "$workers" ]
}
# running PID: the process exists and is not a zombie (an orphan's new parent, init in a container,
# may not reap it: it has ended all the same).
running() { [ -r "/proc/$1/stat" ] && [ "$(cut -d' ' -f3 "/proc/$1/stat")" != Z ]; }

# SIGTERM while records go through the ProcessPool (--records 100000): 143 at once, and each worker
# ends too — its stdin, a pipe from the lesson, is closed by the lesson's end — within 10 s.
fault_sigterm_during_the_process_pool() {
  start_in_private_tmp --records 100000 --poison 100000
  wait_until "the worker processes" workers_started
  send_signals TERM
  expect_status 143
  local worker tries
  for worker in $workers; do
    for ((tries = 0; tries < 100; ++tries)); do running "$worker" || break; sleep 0.1; done
    ! running "$worker" || fail "worker $worker still runs 10 s after the lesson ended"
  done
  expect_tmp_empty "after SIGTERM"
}
