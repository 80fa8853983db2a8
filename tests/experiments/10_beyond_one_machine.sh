# Experiments of lesson 10 (lessons/10_beyond_one_machine/README.md, "Try this"): see lib.sh.

# start_server: a redis-server "started by hand", as the README says, but in the background and on
# a unix socket in this experiment's private folder (never a TCP port); stop_server ends it.
start_server() {
  sock=$PWD/r.sock
  echo "\$ redis-server --port 0 --unixsocket $sock --save '' &" >&2
  redis-server --port 0 --unixsocket "$sock" --save '' --appendonly no --dir "$PWD" --daemonize yes \
    --pidfile "$PWD/redis.pid" --logfile "$PWD/redis.log" || fail "redis-server did not start"
  for _ in $(seq 250); do
    [ "$(redis-cli -s "$sock" ping 2>/dev/null)" = PONG ] && return 0
    sleep 0.02
  done
  fail "redis-server did not answer"
}
# running PID: the process exists and is not a zombie (a daemonized server's parent is init,
# which in a container may never reap it).
running() { [ -r "/proc/$1/stat" ] && [ "$(cut -d' ' -f3 "/proc/$1/stat")" != Z ]; }
stop_server() {
  redis-cli -s "$sock" shutdown nosave >/dev/null 2>&1 || true
  local pid
  pid=$(cat "$PWD/redis.pid" 2>/dev/null || true)
  for _ in $(seq 100); do [ -n "$pid" ] && running "$pid" || break; sleep 0.02; done
}

# sensor_lines FILE: the per-sensor part of a summary JSON, one line per sensor:
# "ID COUNT MEAN VARIANCE MIN MAX" (lesson 09's extra "anomalies" left out).
sensor_lines() {
  grep -oE '"[0-9]+": \{"count": [0-9]+, "mean": [^,]+, "variance": [^,]+, "min": [^,]+, "max": [^,}]+' "$1" |
    tr -d '"{:,' | awk '{ print $1, $3, $5, $7, $9, $11 }'
}

# 1. `build/release/lessons/10_beyond_one_machine --batch 1000`: the killed consumer's batch is now
#    1,000 entries — *delivered* shows 1,000 redelivered, and the at-least-once group counts 1,000
#    readings twice — while the exactly-once group still matches the single pass on all 16 sensors.
#    In the step-by-step replay the stopped consumer holds 1,000 entries, from round 2 until
#    consumer-1 takes them over in round 10.
experiment_1() {
  run --batch 1000
  expect_status 0
  expect_line "killed (SIGKILL) after reading its batch of 1000, before"
  expect_line "  delivered: 20,961 (19,961 first deliveries + 1,000 redelivered)"
  expect_line "  still pending: 0"
  expect_line "  readings counted: 19,961 of 19,961"
  expect_line "  sensors equal (count exact, mean and variance to 12 significant digits): 16 of 16"
  expect_line "  readings counted: 20,961 of 19,961: 1,000 counted twice"
  expect_line "consumer-2 read line 4,999 in round 2 and stopped there; its 1,000 entries stayed pending"
  expect_line "until in round 10 consumer-1, finding nothing new to read, took them"
  expect_line "  1000 ┤"  # the top of the stopped consumer's chart
  expect_line "● consumer-2, stopped in round 2"
}

# 2. Several machines, for real (here one, with a server on a socket): `redis-server --port 0
#    --unixsocket /tmp/r.sock --save ''`, then `… generate --rows 200000 --output readings.csv`,
#    `… --redis unix:///tmp/r.sock produce --input readings.csv`, two `… consume --group stats
#    --name a --idle-exit-ms 500` (names a and b) at once, and `… report --group stats
#    --summary-json stats.json`: its counts, rejections and every sensor's count, min and max are
#    those of `09_complete_pipeline --input readings.csv --summary-json` exactly, and the means and
#    variances agree to 1e-9.
experiment_2() {
  start_server  # redis-server --port 0 --unixsocket $PWD/r.sock --save '' (daemonized)
  local url=unix://$sock
  run --rows 200000 generate --output readings.csv
  expect_status 0
  run --redis "$url" produce --input readings.csv
  expect_status 0
  expect_line "readings.csv: 200,001 rows read, 199,594 entries appended to readings"
  # Two consumers at once, each its own process.
  "$lesson" --redis "$url" consume --group stats --name a --idle-exit-ms 500 >a.txt 2>&1 &
  local a=$!
  "$lesson" --redis "$url" consume --group stats --name b --idle-exit-ms 500 >b.txt 2>&1 &
  local b=$!
  wait $a || fail "consumer a: exit $? ($(cat a.txt))"
  wait $b || fail "consumer b: exit $? ($(cat b.txt))"
  run --redis "$url" report --group stats --summary-json stats.json
  expect_status 0
  expect_line "group stats on readings: 2 consumers, 199,594 entries committed, 199,594 readings in 16 sensors, 0 pending"
  stop_server
  local nine
  nine=$(dirname "$lesson")/09_complete_pipeline
  "$nine" --input readings.csv --summary-json nine.json >/dev/null || fail "09_complete_pipeline failed"
  # Status, counts and rejections by reason and column: the same text, up to the end of "rejected"
  # (lesson 09 then gives its own run's timings, which lesson 10 has no counterpart for).
  local counts='s/("rejected": \{[^}]*\}).*/\1/'
  [ "$(sed -E "$counts" stats.json)" = "$(sed -E "$counts" nine.json)" ] ||
    fail "counts differ: $(sed -E "$counts" stats.json) vs $(sed -E "$counts" nine.json)"
  local compared
  compared=$(paste -d' ' <(sensor_lines stats.json) <(sensor_lines nine.json) | awk '
    function rel(a, b) { d = a - b; if (d < 0) d = -d; m = b < 0 ? -b : b; return m == 0 ? d : d / m }
    $1 != $7 || $2 != $8 || $5 != $11 || $6 != $12 || rel($3, $9) > 1e-9 || rel($4, $10) > 1e-9 { bad++ }
    END { print NR, bad + 0 }')
  expect_eq "${compared% *}" 16 "sensors compared"
  expect_eq "${compared#* }" 0 "sensors that differ"
}

# 3. Kill a consumer yourself, with the server of item 2: `… consume --group slow --name first
#    --work-ms 50`, then `kill -9` it after a second; then `… consume --group slow --name second
#    --idle-exit-ms 1000`: *second* takes over what *first* left pending (its line says how many
#    it took over), and `… report --group slow` counts every reading once: nothing lost, nothing twice.
experiment_3() {
  start_server
  local url=unix://$sock
  run --rows 20000 generate --output readings.csv
  run --redis "$url" produce --input readings.csv
  expect_status 0
  # Not "after a second" here, which a busy machine can make too early: kill it as soon as it holds
  # a batch (entries pending), and again should the kill land just after a commit (none pending).
  local first pending=0 attempt waited
  for attempt in 1 2 3; do
    "$lesson" --redis "$url" consume --group slow --name first --work-ms 50 >first.txt 2>&1 &
    first=$!
    for waited in $(seq 600); do  # at most 60 s
      pending=$(redis-cli -s "$sock" xpending readings slow | head -n 1)
      [ "${pending:-0}" -gt 0 ] && break
      sleep 0.1
    done
    kill -9 $first
    wait $first 2>/dev/null
    pending=$(redis-cli -s "$sock" xpending readings slow | head -n 1)
    [ "${pending:-0}" -gt 0 ] && break
  done
  expect_gt "$pending" 0 "entries pending after the kill"
  run_timeout=60 run --redis "$url" consume --group slow --name second --idle-exit-ms 1000
  expect_status 0
  local taken
  taken=$(grep -oE '[0-9,]+ taken over' <<<"$out" | tr -d ',' | cut -d' ' -f1)
  expect_eq "$taken" "$pending" "entries the second consumer took over vs pending after the kill"
  run --redis "$url" report --group slow
  expect_status 0
  expect_line "19,961 readings in 16 sensors, 0 pending"
  stop_server
}

# 4. `build/release/lessons/10_beyond_one_machine`, and press Ctrl-C while it runs: it prints
#    *Interrupted (Ctrl-C)*, `echo $?` prints 130, and neither a redis-server process nor a
#    `streamlab-redis-*` or `streamlab-lesson10-*` folder in `${TMPDIR:-/tmp}` is left behind.
experiment_4() {
  local tmp
  for delay in 0.3 1.0; do
    tmp=$(mktemp -d "$PWD/tmp.XXXXXX")
    echo "\$ TMPDIR=$tmp $(basename "$lesson") & sleep $delay; kill -INT" >&2
    TMPDIR=$tmp env --default-signal=INT "$lesson" </dev/null >stdout.txt 2>stderr.txt &
    local pid=$!
    sleep "$delay"
    kill -INT "$pid"
    wait "$pid"
    status=$?
    out=$(cat stdout.txt)
    if [ "$status" -eq 0 ]; then
      echo "(the run ended before Ctrl-C after $delay s; nothing to check)" >&2
      continue
    fi
    expect_status 130
    expect_line "Interrupted (Ctrl-C)"
    [ -z "$(ls -A "$tmp")" ] || fail "left in TMPDIR after Ctrl-C: $(ls -A "$tmp")"
    ! pgrep -f "redis-server.*$tmp" -r R,S,D >/dev/null || fail "a redis-server from $tmp is still running"
  done
}

# 5. `build/release/lessons/10_beyond_one_machine --no-charts --plot-data .`: no chart, the replay's
#    sentences still there; 10_replay.csv (round, backlog, stuck: 93 rows for rounds 0 to 92), its
#    stuck column 100 from round 17 to round 91, its backlog 0 only in the last row. By default the
#    charts are there.
experiment_5() {
  run
  expect_line "● consumer-2, stopped in round 17"
  run --no-charts --plot-data .
  expect_status 0
  expect_no_line "┤"
  expect_no_line "● group replay"
  expect_line "consumer-2 read line 4,999 in round 17 and stopped there; its 100 entries stayed pending"
  [ "$(head -n 1 10_replay.csv 2>/dev/null)" = "round,backlog,stuck" ] || fail "10_replay.csv has no header round,backlog,stuck"
  expect_eq "$(($(wc -l <10_replay.csv) - 1))" 93 "rows in 10_replay.csv"
  expect_eq "$(tail -n 1 10_replay.csv | cut -d, -f1)" 92 "the last round"
  expect_eq "$(awk -F, 'NR > 1 && $3 == 100 { n++ } END { print n + 0 }' 10_replay.csv)" 75 "rounds with 100 stuck"
  expect_eq "$(awk -F, 'NR > 1 && $3 == 100 { print $1; exit }' 10_replay.csv)" 17 "first round with 100 stuck"
  expect_eq "$(awk -F, 'NR > 1 && $2 == 0 { n++ } END { print n + 0 }' 10_replay.csv)" 1 "rows with a backlog of 0"
  expect_eq "$(tail -n 1 10_replay.csv | cut -d, -f2)" 0 "the backlog after the last round"
}

# Predict first, 1: the killed consumer's batch of 100 is delivered twice (20,061 deliveries), yet
# the exactly-once group counts 19,961 readings, each once; the at-least-once group counts 20,061.
predict_1() {
  run
  expect_status 0
  expect_line "  delivered: 20,061 (19,961 first deliveries + 100 redelivered)"
  expect_line "  readings counted: 19,961 of 19,961"
  expect_line "  readings counted: 20,061 of 19,961: 100 counted twice"
}

# Predict first, 2: with MAXLEN 5000 and the consumers stopped, the group reads 5,000 of 19,961 (the
# other 14,961 trimmed unread); the producer that waits on the backlog loses none.
predict_2() {
  run
  expect_status 0
  expect_line "  produced: 19,961; read by the group: 5,000; lost, trimmed before anyone read them: 14,961"
  expect_line "  produced: 19,961; read by the group: 19,961; lost: 0"
}
