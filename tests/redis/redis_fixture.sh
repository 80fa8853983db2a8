#!/usr/bin/env bash
# redis_fixture.sh start STATE | stop STATE: a private redis-server for tests. `start` runs one on a
# unix socket in a fresh temporary folder (no TCP port, nothing saved to disk), waits until it
# answers PING, and writes its URL (unix:///…/redis.sock) to the file STATE; `stop` shuts it down
# and removes the folder and STATE. The CTest fixture `redis_server` (tests/CMakeLists.txt) and
# lesson 10's experiments use it.
set -euo pipefail
action=${1:-} state=${2:-}
[ -n "$state" ] || { echo "usage: $0 start|stop STATE_FILE" >&2; exit 2; }

# running PID: the process exists and is not a zombie (a daemonized server's parent is init,
# which in a container may never reap it).
running() { [ -r "/proc/$1/stat" ] && [ "$(cut -d' ' -f3 "/proc/$1/stat")" != Z ]; }

stop() {
  [ -f "$state" ] || return 0
  local url dir pid
  url=$(head -n 1 "$state")
  dir=$(dirname "${url#unix://}")
  pid=$(cat "$dir/redis.pid" 2>/dev/null || true)
  redis-cli -s "$dir/redis.sock" shutdown nosave >/dev/null 2>&1 || true
  if [ -n "$pid" ]; then
    for _ in $(seq 100); do running "$pid" || break; sleep 0.02; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  case $dir in */streamlab-redis-test-*) rm -rf "$dir" ;; esac
  rm -f "$state"
}

case $action in
  start)
    command -v redis-server >/dev/null ||
      { echo "redis-server is not installed: sudo apt-get install redis-server (or run scripts/deps)" >&2; exit 1; }
    stop  # a server left by an interrupted run
    dir=$(mktemp -d "${TMPDIR:-/tmp}/streamlab-redis-test-XXXXXX")
    redis-server --port 0 --unixsocket "$dir/redis.sock" --unixsocketperm 700 --dir "$dir" --save "" \
      --appendonly no --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --loglevel warning
    for _ in $(seq 250); do
      if [ "$(redis-cli -s "$dir/redis.sock" ping 2>/dev/null)" = PONG ]; then
        mkdir -p "$(dirname "$state")"
        echo "unix://$dir/redis.sock" >"$state"
        echo "redis-server ready: unix://$dir/redis.sock"
        exit 0
      fi
      sleep 0.02
    done
    echo "redis-server did not answer within 5 s: $(tail -n 3 "$dir/redis.log" 2>/dev/null)" >&2
    kill -9 "$(cat "$dir/redis.pid" 2>/dev/null)" 2>/dev/null || true
    rm -rf "$dir"
    exit 1
    ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop STATE_FILE" >&2; exit 2 ;;
esac
