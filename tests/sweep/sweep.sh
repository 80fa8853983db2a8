#!/usr/bin/env bash
# sweep.sh LESSON: runs a lesson with every kind of bad option and bad input file, and checks that
# it answers as documented:
# - `--help` exits 0 and prints the usage, its first line "Lesson NN: ..."; `--version` exits 0 and
#   prints "NN_name (StreamLab X.Y.Z)";
# - a missing value, a repeated option, an unknown option and a stray argument each get the one
#   plain sentence of common/src/cli.cpp (`NAME: error: --count needs a value (see --help)`);
# - an unknown flag, a missing value and bad numbers (zero, negative, non-numeric, fractional, huge)
#   either exit 2 with exactly one line on stderr (`NAME: error: ...`), or — where the value is
#   allowed — exit 0;
# - subcommands (`Subcommands:` in --help): each one's --help and options get the same checks, in a
#   private folder, with a private redis-server when the lesson takes --redis (lesson 10);
# - if the lesson (or one of its subcommands) reads files (`--input FILE` or `--stdin`): a missing file, a
#   directory and an empty file exit 2 with one line; the other bad files of DESIGN.md's list (header
#   only, BOM, CRLF, no trailing newline, random bytes, a NUL byte, an 8 MB line, quoted fields,
#   non-finite and out-of-range numbers, bad fields) exit 0 (bad rows reported, good rows kept) or 2
#   with one line.
# Never a signal, never more than 20 s a run.
set -u
lesson=$1
name=$(basename "$lesson")
failures=0
fail() { echo "FAIL: $name $*"; failures=$((failures + 1)); }

# run ARGS...: runs the lesson with stdin from $stdin_file (or /dev/null); sets status, out, err.
run() {
  local out_file err_file
  out_file=$(mktemp) err_file=$(mktemp)
  timeout 20 "$lesson" "$@" <"${stdin_file:-/dev/null}" >"$out_file" 2>"$err_file"
  status=$?
  out=$(tr -d '\0' <"$out_file") err=$(tr -d '\0' <"$err_file")
  rm -f "$out_file" "$err_file"
}

# expect_0_or_2 ARGS...: the outcome every bad option or file must have.
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
  [ "$status" -ne 0 ] || fail "$* → exit 0, want 2"
}

run --help
[ "$status" -eq 0 ] || fail "--help → exit $status, want 0"
[[ "$out" == *"Usage:"* ]] || fail "--help printed no 'Usage:' line"
help=$out

# One convention for every lesson: the help opens with "Lesson NN: ", --version names the lesson
# and the project's version, and the commonest slips get plain words (common/src/cli.cpp).
number=${name%%_*}
[[ "$(printf '%s\n' "$help" | head -n 1)" == "Lesson $number: "* ]] ||
  fail "--help's first line must start with 'Lesson $number: ': $(printf '%s\n' "$help" | head -n 1)"
run --version
[ "$status" -eq 0 ] || fail "--version → exit $status, want 0"
[[ "$out" =~ ^$name\ \(StreamLab\ [0-9]+\.[0-9]+\.[0-9]+\)$ ]] || fail "--version printed '$out', want '$name (StreamLab X.Y.Z)'"

expect_2 --no-such-option
[ "$err" = "$name: error: unknown option --no-such-option (see --help)" ] || fail "--no-such-option → '$err'"
expect_2 stray-argument
[ "$err" = "$name: error: unexpected argument 'stray-argument' (every option starts with --) (see --help)" ] ||
  fail "stray-argument → '$err'"

# Every option that takes a value, as listed by --help (e.g. "  --count INT ...", "  --input TEXT";
# not a flag whose help says "Needs: --input").
options=$(printf '%s\n' "$help" | grep -oE '^ +(-[a-zA-Z],)?--[a-z0-9-]+ [A-Z][A-Z0-9]*([: ]|$)' | grep -oE -- '--[a-z0-9-]+')
for option in $options; do
  expect_2 "$option"  # the value is missing
  [ "$err" = "$name: error: $option needs a value (see --help)" ] || fail "$option with no value → '$err'"
  # Given twice with a valid value: 1 for a number, . for a folder (a value its own check refuses
  # is reported first, as it should be).
  repeated="$name: error: $option is given more than once (see --help)"
  expect_2 "$option" 1 "$option" 1
  [ "$err" = "$repeated" ] || expect_2 "$option" . "$option" .
  [ "$err" = "$repeated" ] || fail "$option given twice → '$err'"
  for bad in 0 -1 abc 1.5 "" 99999999999999999999 -99999999999999999999; do
    expect_0_or_2 "$option" "$bad"
  done
done
count=$(printf '%s\n' $options | grep -c .)
[ "$failures" -eq 0 ] && echo "$name: --help, unknown flags and bad values for $count options answered as documented"

# check_options PREFIX... -- HELP: the checks above for every option HELP lists that takes a value,
# run as `LESSON PREFIX... OPTION VALUE` (PREFIX: a subcommand, and what it needs before it).
check_options() {
  local prefix=() option bad
  while [ "$1" != -- ]; do prefix+=("$1"); shift; done
  local sub_options
  sub_options=$(printf '%s\n' "$2" | grep -oE '^ +(-[a-zA-Z],)?--[a-z0-9-]+ [A-Z][A-Z0-9]*([: ]|$)' | grep -oE -- '--[a-z0-9-]+')
  for option in $sub_options; do
    expect_2 "${prefix[@]}" "$option"
    [ "$err" = "$name: error: $option needs a value (see --help)" ] || fail "${prefix[*]} $option with no value → '$err'"
    expect_2 "${prefix[@]}" "$option" 1 "$option" 1
    [ "$err" = "$name: error: $option is given more than once (see --help)" ] ||
      fail "${prefix[*]} $option given twice → '$err'"
    for bad in 0 -1 abc 1.5 "" 99999999999999999999 -99999999999999999999; do
      expect_0_or_2 "${prefix[@]}" "$option" "$bad"
    done
  done
}

# Subcommands (lesson 10's produce, consume, ...): each one's --help, and the same checks for its
# options, run in a private folder (a subcommand may write a file named by a bad value). A lesson
# that takes --redis URL gets a private redis-server for these runs (tests/redis/redis_fixture.sh).
subcommands=$(printf '%s\n' "$help" | sed -n '/^Subcommands:/,/^$/p' | grep -oE '^  [a-z][a-z0-9-]*' | tr -d ' ')
server=()
input_prefix=()  # what comes before --input FILE: nothing, or a subcommand that reads files
if [ -n "$subcommands" ]; then
  work=$(mktemp -d)
  redis_state=$work/redis.url
  trap 'rm -rf "$work"' EXIT
  if printf '%s\n' "$help" | grep -qE '^ +--redis '; then
    fixture=$(cd "$(dirname "$0")/../redis" && pwd)/redis_fixture.sh
    if "$fixture" start "$redis_state" >/dev/null; then
      server=(--redis "$(cat "$redis_state")")
      trap '"$fixture" stop "$redis_state"; rm -rf "$work"' EXIT
    else
      fail "the private redis-server for the subcommands did not start"
    fi
  fi
  for sub in $subcommands; do
    run "${server[@]}" "$sub" --help
    [ "$status" -eq 0 ] && [[ "$out" == *"Usage:"* ]] || fail "$sub --help → exit $status, or no 'Usage:' line"
    printf '%s\n' "$out" | grep -qE '^ +--input ' && input_prefix=("${server[@]}" "$sub")
    (cd "$work" && check_options "${server[@]}" "$sub" -- "$out"; exit $((failures > 0))) ||
      fail "$sub: bad options answered wrongly (above)"
  done
  [ "$failures" -eq 0 ] && echo "$name: subcommands $(echo $subcommands) answered bad options as documented"
fi

reads_input=false
reads_stdin=false
printf '%s\n' "$help" | grep -qE '^ +--input ' && reads_input=true
[ ${#input_prefix[@]} -gt 0 ] && reads_input=true
printf '%s\n' "$help" | grep -qE '^ +--stdin ' && reads_stdin=true
if $reads_input || $reads_stdin; then
  # Bad input files, made afresh in a private folder (perl's seeded rand makes the random bytes).
  files=$(mktemp -d)
  trap 'rm -rf "$files"; [ -z "${work:-}" ] || { [ ${#server[@]} -eq 0 ] || "$fixture" stop "$redis_state"; rm -rf "$work"; }' EXIT
  header='timestamp_ms,sensor_id,value'
  : >"$files/empty"
  printf '%s\n' "$header" >"$files/header_only"
  printf '\xef\xbb\xbf%s\n1000,1,3.5\n2000,2,4.5\n' "$header" >"$files/bom"
  printf '%s\r\n1000,1,3.5\r\n2000,2,4.5\r\n' "$header" >"$files/crlf"
  printf '%s\n1000,1,3.5\n2000,2,4.5' "$header" >"$files/no_trailing_newline"
  perl -e 'srand(42); print map { chr(int(rand(256))) } 1 .. 65536' >"$files/random_bytes"
  printf '%s\n1000,1,3.5\n2000,2,4\0005\n3000,3,5.5\n' "$header" >"$files/nul_byte"
  perl -e 'print "$ARGV[0]\n1000,1,", "9" x (8 << 20), "\n2000,2,4.5\n"' "$header" >"$files/line_8mb"
  cat >"$files/quoted_fields" <<'CSV'
"timestamp_ms","sensor_id","value"
"1000","1","3.5"
"2000","2","4,5"
"3000","3","say ""hi"""
"4000","4
CSV
  printf '%s\n1000,1,nan\n2000,2,inf\n3000,3,-inf\n4000,4,1e400\n5000,5,-1e400\n6000,6,2.5\n' "$header" >"$files/non_finite"
  printf '%s\n1000,1\n2000,2,3.5,extra\n,3,\nabc,4,4.5\n5000,5,5.5\n' "$header" >"$files/bad_fields"
  printf '3.5\n\n# a comment\n4.5\nnot-a-number\n1e400\n' >"$files/numbers"

  file_runs=0
  if $reads_input; then
    for must_fail in "$files/missing" "$files" "$files/empty"; do
      expect_2 "${input_prefix[@]}" --input "$must_fail"
      file_runs=$((file_runs + 1))
    done
    for file in "$files"/*; do
      [ "$file" = "$files/empty" ] && continue
      expect_0_or_2 "${input_prefix[@]}" --input "$file"
      file_runs=$((file_runs + 1))
    done
  fi
  if $reads_stdin; then
    for file in "$files"/*; do
      stdin_file=$file expect_0_or_2 --stdin
      file_runs=$((file_runs + 1))
    done
  fi
  [ "$failures" -eq 0 ] && echo "$name: $file_runs runs on bad input files answered as documented"
fi
exit $((failures > 0))
