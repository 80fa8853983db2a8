#!/usr/bin/env bash
# runner_test.sh SOURCE_DIR COUNT: the test exercise.runner. Runs scripts/exercise in a scratch git
# checkout of the exercises (nothing is built there: the commands tested need no build) and checks
# that the list shows all COUNT exercises as not done with the first as next, that --hint prints
# the hint and --solution the diff, that --reset brings back the starter and keeps the edited
# file, and that a bad exercise name exits with status 2 and one line. Exit 77 (skipped) without git.
set -u
source_dir=$1 count=$2
command -v git >/dev/null 2>&1 || { echo "no git: skipped"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

mkdir -p "$work/scripts" "$work/lessons"
cp "$source_dir/scripts/exercise" "$work/scripts/"
cp -r "$source_dir/exercises" "$work/"
for readme in "$source_dir"/lessons/[0-9][0-9]_*/README.md; do
  lesson=$(basename "$(dirname "$readme")")
  mkdir -p "$work/lessons/$lesson" && cp "$readme" "$work/lessons/$lesson/"
done
cd "$work" || exit 2
# The starters as shipped: the scratch copy's starters are the committed ones when the checkout is clean.
for starter in exercises/[0-9][0-9]_*/[0-9]*_*.hpp; do
  git -C "$source_dir" show "HEAD:$starter" >"$starter" 2>/dev/null || true
done
git init -q . && git add -A && git -c user.name=test -c user.email=test@example.com commit -q -m starters ||
  { echo "git could not make the scratch checkout"; exit 2; }

list=$(scripts/exercise 2>&1)
status=$?
[ "$status" -eq 0 ] || fail "the list exits with $status: $list"
[ "$(grep -c '✗ [0-9][0-9]\.[0-9]' <<<"$list")" -eq "$count" ] || fail "the list does not show $count exercises not done:
$list"
grep -q "^0 of $count done\. Next: scripts/exercise 01\.1 — edit exercises/01_" <<<"$list" ||
  fail "the list does not end with '0 of $count done. Next: scripts/exercise 01.1 ...'"
[ -d build ] && fail "the list built something (build/ exists), though every file is a starter"

hint=$(scripts/exercise --hint 07.1)
grep -qF "$(head -n 1 exercises/hints/07_streaming_aggregation/1_welford_add.md)" <<<"$hint" ||
  fail "--hint 07.1 does not print the hint: $hint"

solution=$(scripts/exercise --solution 07.1)
grep -q '^+++ exercises/solutions/07_streaming_aggregation/1_welford_add.hpp' <<<"$solution" ||
  fail "--solution 07.1 does not print the diff to the solution: $solution"

file=exercises/07_streaming_aggregation/1_welford_add.hpp
echo "// my attempt" >>"$file"
scripts/exercise --reset 7.1 >/dev/null || fail "--reset 7.1 failed"
git diff --quiet -- "$file" || fail "--reset did not bring the starter back"
grep -q '^// my attempt$' build/exercises/saved/1_welford_add.*.hpp 2>/dev/null ||
  fail "--reset did not keep the edited file in build/exercises/saved/"

bad=$(scripts/exercise 99.1 2>&1)
status=$?
[ "$status" -eq 2 ] || fail "an unknown exercise exits with $status, want 2"
[ "$(wc -l <<<"$bad")" -eq 1 ] || fail "an unknown exercise prints more than one line: $bad"

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "the runner lists $count exercises, gives hints and solutions, resets, and refuses a bad name"
