#!/usr/bin/env bash
# run_experiment.sh CHILD_RSS LESSON SCRIPT FUNCTION: runs one experiment function of a lesson's
# experiment script (see lib.sh) and exits 0 only when all its checks passed.
set -u
child_rss=$1 lesson=$2 script=$3 function=$4
here=$(dirname "$0")
# shellcheck source=lib.sh
. "$here/lib.sh"
# shellcheck disable=SC1090
. "$script"
declare -F "$function" >/dev/null || { echo "run_experiment: no function $function in $script" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 2  # an experiment may write files: they go to a private folder
"$function"
if [ "$failures" -ne 0 ]; then
  echo "$function: $failures check(s) failed"
  exit 1
fi
echo "$function: passed"
