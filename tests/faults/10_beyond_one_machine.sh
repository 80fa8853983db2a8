# shellcheck shell=bash
# Faults injected into lesson 10 (see tests/faults/README.md): each function fault_NAME is the test
# faults.10.NAME; $lesson is the lesson's executable, run in a private temporary folder. The
# lesson in the background and the signals: lib.sh (start_in_private_tmp, wait_until, send_signals).

# --- signals: SIGINT and SIGTERM at each phase (experiment.10.4 sends Ctrl-C to the demo)

# nothing_runs_from FOLDER WHEN: no process (a redis-server, a consumer) names FOLDER in its command
# line: the demo's private server and its consumers all take their socket path from TMPDIR.
nothing_runs_from() {
  local left
  left=$(pgrep -a -f -r R,S,D "$1")
  [ -z "$left" ] || fail "still running $2: $left"
}

# consumers_running: the demo ($pid) has started its consumer processes (itself, re-run as `consume`).
consumers_running() { pgrep -P "$pid" -f ' consume ' >/dev/null; }

# SIGTERM (what `docker stop` and `timeout` send) while the demo's consumers run: exit 143, the
# sections printed so far, *Terminated (SIGTERM)*; the consumers and the private redis-server are
# stopped, and neither the server's socket folder nor the lesson's temporary folder is left.
fault_sigterm_demo_while_consumers_run() {
  start_in_private_tmp
  wait_until "the demo's consumer processes" consumers_running
  send_signals TERM
  expect_status 143
  expect_line "Terminated (SIGTERM): the sections above are complete; the consumers are stopped, and the"
  expect_line '  entries appended to `readings`: 19,961'
  expect_tmp_empty "after SIGTERM while the consumers ran"
  nothing_runs_from "$tmp" "after SIGTERM while the consumers ran"
}

# Ctrl-C, then SIGTERM while the demo stops its consumers and its server: the first signal decides
# (exit 130, *Interrupted (Ctrl-C)*), and the second does not cut the cleanup short.
fault_sigint_then_sigterm_during_cleanup() {
  start_in_private_tmp
  wait_until "the demo's consumer processes" consumers_running
  send_signals INT TERM
  expect_status 130
  expect_line "Interrupted (Ctrl-C): the sections above are complete"
  expect_tmp_empty "after Ctrl-C then SIGTERM"
  nothing_runs_from "$tmp" "after Ctrl-C then SIGTERM"
}

# SIGTERM while the demo writes its readings (--rows 10000000): 143, nothing left.
fault_sigterm_demo_while_generating() {
  start_in_private_tmp --rows 10000000
  wait_for_file "$tmp" 'readings.csv.tmp-*'
  send_signals TERM
  expect_status 143
  expect_line "Terminated (SIGTERM): the sections above are complete"
  expect_tmp_empty "after SIGTERM while generating"
  nothing_runs_from "$tmp" "after SIGTERM while generating"
}

# `generate --output big.csv` stopped by SIGTERM: 143, no big.csv and no big.csv.tmp-* (before, the
# default action killed it and left the temporary file).
fault_sigterm_generate() {
  start_in_private_tmp --rows 10000000 generate --output "$PWD/big.csv"
  wait_for_file "$PWD" 'big.csv.tmp-*'
  send_signals TERM
  expect_status 143
  expect_line "Terminated (SIGTERM): $PWD/big.csv not written."
  [ -z "$(find "$PWD" -maxdepth 1 -name 'big.csv*')" ] || fail "left: $(find "$PWD" -maxdepth 1 -name 'big.csv*')"
}

# A redis-server of the test's own (tests/redis/redis_fixture.sh, its folder in this test's folder).
start_redis() {
  TMPDIR=$PWD "$(dirname "${BASH_SOURCE[0]}")/../redis/redis_fixture.sh" start "$PWD/redis.url" >&2 ||
    fail "redis-server did not start"
  url=$(cat "$PWD/redis.url")
  sock=${url#unix://}
}
stop_redis() { TMPDIR=$PWD "$(dirname "${BASH_SOURCE[0]}")/../redis/redis_fixture.sh" stop "$PWD/redis.url" >&2; }

# in_group NAME: the consumer NAME has been given entries by group g (the group knows it then).
in_group() { redis-cli -s "$sock" XINFO CONSUMERS readings g 2>/dev/null | grep -qx "$1"; }
# blocked_in_xreadgroup: a client waits in XREADGROUP ... BLOCK (CLIENT LIST: cmd=xreadgroup, flag b).
blocked_in_xreadgroup() { redis-cli -s "$sock" CLIENT LIST 2>/dev/null | grep -qE 'flags=b[a-zA-Z]* .*cmd=xreadgroup'; }

# A consumer that waits for entries that do not come (XREADGROUP ... BLOCK, over and over): SIGTERM
# ends it at once, with its counts, *terminated (SIGTERM)* and exit 143 (before: 0, as if it had
# finished); Ctrl-C likewise with 130.
fault_sigterm_idle_consumer() {
  start_redis
  redis-cli -s "$sock" XGROUP CREATE readings g '$' MKSTREAM >/dev/null
  local signal
  for signal in TERM INT; do
    start_in_private_tmp --redis "$url" consume --group g --name "idle-$signal"
    wait_until "consumer idle-$signal waiting in XREADGROUP" blocked_in_xreadgroup
    send_signals "$signal"
    if [ "$signal" = TERM ]; then
      expect_status 143
      expect_line "consumer idle-TERM of group g: 0 entries committed (0 new, 0 taken over), 0 malformed; terminated (SIGTERM)"
    else
      expect_status 130
      expect_line "consumer idle-INT of group g: 0 entries committed (0 new, 0 taken over), 0 malformed; interrupted (Ctrl-C)"
    fi
  done
  stop_redis
}

# A consumer busy with entries (--work-ms 20 a batch) stopped by SIGTERM: it commits the batch in
# hand and exits 143 — nothing it read is left pending, and what it committed is in the report.
fault_sigterm_busy_consumer() {
  start_redis
  run --rows 20000 generate --output "$PWD/r.csv"
  run --redis "$url" produce --input "$PWD/r.csv"
  expect_status 0
  start_in_private_tmp --redis "$url" consume --group g --name busy --work-ms 20
  wait_until "consumer busy in group g" in_group busy
  send_signals TERM
  expect_status 143
  expect_match "consumer busy of group g: [0-9,]+ entries committed .*; terminated \(SIGTERM\)$"
  local committed
  committed=$(grep -oE '[0-9,]+ entries committed' <<<"$out" | tr -d ',' | cut -d' ' -f1)
  expect_gt "$committed" 0 "entries committed before SIGTERM"
  expect_lt "$committed" 19961 "entries committed before SIGTERM, of 19,961"
  run --redis "$url" report --group g
  expect_status 0
  expect_eq "$(grep -oE '[0-9,]+ entries committed' <<<"$out" | tr -d ',' | cut -d' ' -f1)" "$committed" \
    "entries committed, by the report vs by the consumer"
  expect_match ", 0 pending$"
  stop_redis
}

# `produce` stopped by SIGTERM: the rows appended so far are counted and said to be, exit 143.
fault_sigterm_produce() {
  start_redis
  run --rows 1000000 generate --output "$PWD/r.csv"
  start_in_private_tmp --redis "$url" --batch 100 produce --input "$PWD/r.csv"
  wait_until "entries in the stream" stream_has_entries
  send_signals TERM
  expect_status 143
  expect_line "Terminated (SIGTERM): the rows above were appended; the rest were not."
  local appended length
  appended=$(grep -oE '[0-9,]+ entries appended' <<<"$out" | tr -d ',' | cut -d' ' -f1)
  length=$(redis-cli -s "$sock" XLEN readings)
  expect_eq "$appended" "$length" "entries the producer says it appended vs XLEN readings"
  expect_lt "$length" 998000 "entries appended before SIGTERM, of about 998,000"
  stop_redis
}
stream_has_entries() { [ "$(redis-cli -s "$sock" XLEN readings 2>/dev/null || echo 0)" -gt 0 ]; }
