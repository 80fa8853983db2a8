# Helpers for the experiment tests (tests/experiments/NN_name.sh), sourced by run_experiment.sh.
#
# An experiment is one "Try this" or "Predict first" item of a lesson README, run as the README says
# and checked for what the README says to look for. Each is a shell function `experiment_K` (K = the
# item's number in "Try this") or `predict_K` (the K-th "Predict first" question), registered with
# CTest as experiment.NN.K or predict.NN.K. A function calls `run` with the lesson's options, then
# asserts on what the run printed. Claims about speed are never asserted here (tests do not depend
# on timing); memory is, through the child's peak RSS or the lesson's own measurement.
#
#   experiment_1() {  # --count 10000000: the memory stays the same
#     run --count 10000
#     local small=$peak_rss_kib
#     run --count 10000000
#     expect_status 0
#     expect_le "$peak_rss_kib" "$((small + 2048))" "peak RSS (KiB) at 10 M records vs at 10 k + 2 MiB"
#   }

failures=0

# fail MESSAGE: records a failed check (the experiment goes on, and fails at the end).
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# run ARGS...: runs the lesson ($lesson) with stdin from $stdin_file (default /dev/null), at most
# $run_timeout seconds (default 300). Sets status (exit code, or 128 + signal), out, err and
# peak_rss_kib (the child's maximum resident set size, from getrusage).
run() {
  local out_file err_file rss_file
  out_file=$(mktemp) err_file=$(mktemp) rss_file=$(mktemp)
  echo "\$ $(basename "$lesson") $*" >&2
  timeout "${run_timeout:-300}" "$child_rss" "$rss_file" "$lesson" "$@" \
    <"${stdin_file:-/dev/null}" >"$out_file" 2>"$err_file"
  status=$?
  out=$(tr -d '\0' <"$out_file") err=$(tr -d '\0' <"$err_file")
  peak_rss_kib=$(cat "$rss_file")
  rm -f "$out_file" "$err_file" "$rss_file"
  [ "$status" -ne 124 ] || fail "the run did not finish within ${run_timeout:-300} s"
}

# expect_status N: the last run exited with N.
expect_status() {
  [ "$status" -eq "$1" ] || fail "exit status $status, want $1; stderr: $(printf '%s' "$err" | head -n 3)"
}

# expect_line TEXT: some line of the last run's stdout contains TEXT (a fixed string).
expect_line() {
  grep -qF -- "$1" <<<"$out" || fail "no line of the output contains: $1"
}

# expect_no_line TEXT: no line of the last run's stdout contains TEXT.
expect_no_line() {
  ! grep -qF -- "$1" <<<"$out" || fail "a line of the output contains: $1 (want none): $(grep -F -- "$1" <<<"$out" | head -n 1)"
}

# expect_match REGEX: some line of stdout matches the extended regular expression.
expect_match() {
  grep -qE -- "$1" <<<"$out" || fail "no line of the output matches /$1/"
}

# count_lines REGEX: prints how many lines of stdout match the extended regular expression.
count_lines() {
  grep -cE -- "$1" <<<"$out" || true
}

# number_after TEXT [N]: prints the first number that follows TEXT on the N-th (default first) line
# of stdout holding TEXT, thousands separators removed; fails the experiment when there is none.
number_after() {
  local line number
  line=$(grep -F -- "$1" <<<"$out" | sed -n "${2:-1}p")
  number=$(awk -v text="$1" '{ i = index($0, text); rest = substr($0, i + length(text)); gsub(/,/, "", rest);
                              if (match(rest, /-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?/)) print substr(rest, RSTART, RLENGTH) }' <<<"$line")
  if [ -z "$number" ]; then
    fail "no number after '$1' in the output"
    echo 0
  else
    echo "$number"
  fi
}

# calc EXPRESSION: prints the value of an arithmetic expression over numbers (awk's syntax, plus
# abs(x)), e.g. `calc "$small + 0.5"` or `calc "abs($a - $b) / $b"`.
calc() {
  awk "function abs(x) { return x < 0 ? -x : x } BEGIN { print $1 }"
}

# compare A OP B: true when the numbers compare as OP (lt le eq ge gt), as floating point.
# Both must be numbers: an empty or non-numeric value (a line that was not found) fails the check
# instead of counting as 0.
compare() {
  awk -v a="$1" -v b="$3" -v op="$2" 'BEGIN { number = "^[-+]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][-+]?[0-9]+)?$";
    if (a !~ number || b !~ number) exit 1; a += 0; b += 0;
    ok = (op == "lt" && a < b) || (op == "le" && a <= b) || (op == "eq" && a == b) ||
         (op == "ge" && a >= b) || (op == "gt" && a > b); exit ok ? 0 : 1 }'
}

# expect_lt / expect_le / expect_eq / expect_ge / expect_gt A B WHAT: a relation between two numbers.
expect_lt() { compare "$1" lt "$2" || fail "${3:-value}: $1 is not < $2"; }
expect_le() { compare "$1" le "$2" || fail "${3:-value}: $1 is not <= $2"; }
expect_eq() { compare "$1" eq "$2" || fail "${3:-value}: $1 is not = $2"; }
expect_ge() { compare "$1" ge "$2" || fail "${3:-value}: $1 is not >= $2"; }
expect_gt() { compare "$1" gt "$2" || fail "${3:-value}: $1 is not > $2"; }

# --- A lesson in the background, and signals at a phase of its run (lesson 09's experiment 4, the
# fault tests' signal sections). Reach the phase by waiting for what the lesson makes (a file, a
# child process), never by sleeping a fixed time.

# start_in_private_tmp ARGS...: starts the lesson in the background with TMPDIR set to a fresh,
# empty folder ($tmp), stdin from $stdin_file (default /dev/null); its pid is $pid. A background
# job of a script starts with SIGINT ignored; `env --default-signal` gives the lesson the default,
# as in a terminal.
start_in_private_tmp() {
  tmp=$(mktemp -d "$PWD/tmp.XXXXXX")
  echo "\$ TMPDIR=$tmp $(basename "$lesson") $* &" >&2
  TMPDIR=$tmp env --default-signal=INT "$lesson" "$@" <"${stdin_file:-/dev/null}" >"$PWD/stdout.txt" 2>"$PWD/stderr.txt" &
  pid=$!
}

# wait_until WHAT COMMAND...: waits until COMMAND succeeds (polling every 0.1 s), at most 60 s;
# fails, naming WHAT, when the lesson ($pid) ended first or the time ran out.
wait_until() {
  local what=$1 tries
  shift
  for ((tries = 0; tries < 600; ++tries)); do
    "$@" && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  fail "$what: not seen before the lesson ended or 60 s passed"
  return 1
}

# wait_for_file FOLDER GLOB [KIB]: waits until a file matching GLOB under FOLDER holds more than KIB
# KiB (default: any data), at most 60 s; fails when the lesson ended first or the time ran out.
wait_for_file() {
  local size=+0c
  [ -z "${3:-}" ] || size=+$3k
  wait_until "a file $2 with data under $1" file_there "$1" "$2" "$size"
}
file_there() { [ -n "$(find "$1" -name "$2" -size "$3" 2>/dev/null | head -n 1)" ]; }

# send_signals SIGNAL...: sends each signal (INT, TERM, ...) in turn, 0.1 s apart (as a person
# presses Ctrl-C twice), then waits for the lesson to end (at most 60 s; then it is killed and the
# check fails). Sets status, out and err as `run` does.
send_signals() {
  local signal first=1 tries
  for signal in "$@"; do
    ((first)) || sleep 0.1
    first=0
    echo "  (SIG$signal)" >&2
    kill -"$signal" "$pid" 2>/dev/null
  done
  for ((tries = 0; tries < 600; ++tries)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    fail "the lesson did not end within 60 s of SIG$*"
    kill -KILL "$pid"
  fi
  wait "$pid"
  status=$?
  out=$(tr -d '\0' <"$PWD/stdout.txt") err=$(tr -d '\0' <"$PWD/stderr.txt")
}

# interrupt N: Ctrl-C (SIGINT) N times, as send_signals does.
interrupt() {
  local signals=() i
  for ((i = 0; i < $1; ++i)); do signals+=(INT); done
  send_signals "${signals[@]}"
}

# expect_tmp_empty WHEN: nothing is left in the lesson's TMPDIR ($tmp).
expect_tmp_empty() {
  local left
  left=$(find "$tmp" -mindepth 1 | head -n 3)
  [ -z "$left" ] || fail "left behind in TMPDIR $1: $left"
}
