#!/usr/bin/env bash
# check_variants.sh pass|fail --program EXE TAG LABEL [TAG LABEL ...] [--program EXE TAG LABEL ...]
#
# Runs the tests of one exercise at a time (TAG, e.g. [#1_welford_add_test], selects them in EXE,
# which holds one file of each exercise; LABEL names that file in the report) and checks the
# outcome. `pass`: every test case passes (the solutions). `fail`: the tests run to the end and at
# least one test case fails a check (the starters and the known mistakes): a crash, a hang, an
# exit by a signal or no test at all counts as a problem, not as a failure the tests caught.
# Prints one line per file and exits 1 if any file is not as wanted (exercises/CMakeLists.txt).
#
# check_variants.sh --self-test: the test checker.exercise_checks. Fake test programs that pass,
# fail a check, crash, and have no test show that each is judged as it should be.
set -u
mode=${1:-}
shift || true

if [ "$mode" = --self-test ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  fake() {  # fake NAME CASE_RESULT [crash]: a program that prints a Catch2 XML report of one case
    {
      echo '#!/usr/bin/env bash'
      echo 'echo "<Catch><Group><TestCase name=\"a check\">"'
      echo "echo '<OverallResult success=\"$2\"/></TestCase>'"
      if [ "$2" = true ]; then
        echo "echo '<OverallResultsCases successes=\"1\" failures=\"0\"/></Group></Catch>'"
      else
        echo "echo '<OverallResultsCases successes=\"0\" failures=\"1\"/></Group></Catch>'"
      fi
      # Catch2 reports a fatal signal as a failed case, closes its report, and dies by the signal.
      if [ "${3:-}" = crash ]; then echo 'kill -SEGV $$'; fi
      [ "$2" = true ] && echo 'exit 0' || echo 'exit 1'
    } >"$work/$1"
    chmod +x "$work/$1"
  }
  fake passes true
  fake fails false
  fake crashes false crash
  printf '#!/usr/bin/env bash\necho "<Catch><OverallResultsCases successes=\\"0\\" failures=\\"0\\"/></Catch>"\n' >"$work/empty"
  chmod +x "$work/empty"
  problems=0
  expect() {  # expect WANTED_STATUS MODE PROGRAM: check_variants.sh's verdict on one program
    "$0" "$2" --program "$work/$3" "[#t]" "$3" >/dev/null
    local status=$?
    if [ "$status" -ne "$1" ]; then
      echo "FAIL: check_variants.sh $2 on a program that $3: exit status $status, want $1"
      problems=$((problems + 1))
    fi
  }
  expect 0 pass passes
  expect 1 pass fails
  expect 0 fail fails
  expect 1 fail passes   # a mistake the tests do not catch
  expect 1 fail crashes  # a crash is not a caught mistake
  expect 1 fail empty    # nor is having no test at all
  [ "$problems" -eq 0 ] && echo "check_variants.sh judges passing, failing, crashing and empty programs right"
  exit $((problems > 0))
fi
if [ "$mode" != pass ] && [ "$mode" != fail ]; then
  echo "usage: check_variants.sh pass|fail --program EXE TAG LABEL [TAG LABEL ...] ..." >&2
  exit 2
fi

# The failed test cases of a Catch2 XML report, one name a line.
failed_cases() {
  awk '
    /<TestCase name="/ { name = $0; sub(/.*<TestCase name="/, "", name); sub(/".*/, "", name) }
    /<OverallResult success="false"/ { print name }
  ' <<<"$1" | sed -e 's/&quot;/"/g' -e "s/&apos;/'/g" -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&amp;/\&/g'
}

problems=0
checked=0
program=
while [ $# -gt 0 ]; do
  if [ "$1" = --program ]; then
    program=$2
    shift 2
    continue
  fi
  tag=$1 label=$2
  shift 2
  checked=$((checked + 1))
  report=$(timeout -k 5 120 "$program" "$tag" --filenames-as-tags --reporter xml 2>&1)
  status=$?
  cases=$(sed -n 's/.*<OverallResultsCases successes="\([0-9]*\)" failures="\([0-9]*\)".*/\1 \2/p' <<<"$report" | tail -n 1)
  passed=${cases% *} failed=${cases#* }
  if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    echo "PROBLEM  $label: the tests did not finish within 120 s (a hang?)"
  elif [ "$status" -gt 128 ] || ! grep -q '</Catch>' <<<"$report"; then
    # Killed by a signal (Catch2 may have written its whole report first) or cut short.
    echo "PROBLEM  $label: the tests crashed (exit status $status) instead of failing a check:"
    grep -E 'FATAL|signal|Sanitizer|terminate' <<<"$report" | head -n 5 | sed 's/^/           /'
  elif [ -z "$cases" ] || [ $((passed + failed)) -eq 0 ]; then
    echo "PROBLEM  $label: no test case is tagged $tag"
  elif [ "$mode" = pass ]; then
    if [ "$status" -eq 0 ] && [ "$failed" -eq 0 ]; then
      echo "ok       $label: all $passed test cases pass"
      continue
    fi
    echo "PROBLEM  $label: $failed of $((passed + failed)) test cases fail:"
    failed_cases "$report" | sed 's/^/           /'
  else
    if [ "$status" -ne 0 ] && [ "$failed" -gt 0 ]; then
      echo "ok       $label: fails $failed of $((passed + failed)) test cases:"
      failed_cases "$report" | sed 's/^/           /'
      continue
    fi
    echo "PROBLEM  $label: passes all $passed test cases — the tests do not catch it"
  fi
  problems=$((problems + 1))
done
if [ "$checked" -eq 0 ]; then
  echo "check_variants.sh: nothing to check" >&2
  exit 2
fi
echo "$checked checked, $problems not as wanted ($mode)"
[ "$problems" -eq 0 ]
