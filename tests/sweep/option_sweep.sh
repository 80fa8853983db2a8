#!/usr/bin/env bash
# option_sweep.sh LESSON: runs a lesson with every kind of bad option and checks that it answers
# as documented: `--help` exits 0 and prints the usage; an unknown flag, a missing value and bad
# numbers (zero, negative, non-numeric, fractional, huge) either exit 2 with exactly one line on
# stderr, or — where the value is allowed — exit 0. Never a signal, never more than 20 s.
set -u
lesson=$1
name=$(basename "$lesson")
failures=0
fail() { echo "FAIL: $name $*"; failures=$((failures + 1)); }

# run ARGS...: runs the lesson with stdin from /dev/null; sets status, out, err.
run() {
  local out_file err_file
  out_file=$(mktemp) err_file=$(mktemp)
  timeout 20 "$lesson" "$@" </dev/null >"$out_file" 2>"$err_file"
  status=$?
  out=$(cat "$out_file") err=$(cat "$err_file")
  rm -f "$out_file" "$err_file"
}

# expect_0_or_2 ARGS...: the outcome every bad option must have.
expect_0_or_2() {
  run "$@"
  case $status in
    0) ;;
    2)
      local lines
      lines=$(printf '%s\n' "$err" | grep -c .)
      [ "$lines" -eq 1 ] || fail "$* → exit 2 with $lines lines on stderr (want 1): $err"
      [[ "$err" == "$name: error: "* ]] || fail "$* → the error line must start with '$name: error: ': $err"
      ;;
    124) fail "$* → did not finish within 20 s" ;;
    *) fail "$* → exit status $status (want 0 or 2): $err" ;;
  esac
}

expect_2() {
  expect_0_or_2 "$@"
  [ "$status" -eq 2 ] || [ "$status" -ne 0 ] || fail "$* → exit 0, want 2"
}

run --help
[ "$status" -eq 0 ] || fail "--help → exit $status, want 0"
[[ "$out" == *"Usage:"* ]] || fail "--help printed no 'Usage:' line"
help=$out

expect_2 --no-such-option
expect_2 stray-argument

# Every option that takes a value, as listed by --help (e.g. "  --count INT ...", "  --input TEXT").
options=$(printf '%s\n' "$help" | grep -oE '^ +(-[a-zA-Z],)?--[a-z0-9-]+ [A-Z]+' | grep -oE -- '--[a-z0-9-]+')
for option in $options; do
  expect_2 "$option"  # the value is missing
  for bad in 0 -1 abc 1.5 "" 99999999999999999999 -99999999999999999999; do
    expect_0_or_2 "$option" "$bad"
  done
done

count=$(printf '%s\n' $options | grep -c .)
if [ "$failures" -eq 0 ]; then
  echo "$name: --help, unknown flags and bad values for $count options answered as documented"
fi
exit $((failures > 0))
