#!/usr/bin/env bash
# check_variants.sh pass|fail --program EXE TAG LABEL [TAG LABEL ...] [--program EXE TAG LABEL ...]
#
# Runs the tests of one exercise at a time (TAG, e.g. [#1_welford_add_test], selects them in EXE,
# which holds one file of each exercise; LABEL names that file in the report) and checks the
# outcome. `pass`: every test case passes (the solutions). `fail`: the tests run to the end and at
# least one test case fails a check (the starters and the known mistakes): a crash, a hang, an
# exit by a signal or no test at all counts as a problem, not as a failure the tests caught.
# Prints one line per file and exits 1 if any file is not as wanted (exercises/CMakeLists.txt).
set -u
mode=${1:-}
shift || true
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
  elif ! grep -q '</Catch>' <<<"$report"; then
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
