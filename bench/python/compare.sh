#!/usr/bin/env bash
# compare.sh [ROWS]: runs lesson 09 (release build), the Python generator pipeline and the pandas
# chunked pipeline on the same generated file and prints each one's time, rows/s and peak RSS, and
# the ratios. Needs python3 (and python3-pandas for the pandas run); benchmark only.
set -eu
python=${PYTHON:-python3}  # Debian's: PYTHON=/usr/bin/python3 if another python3 comes first in PATH
rows=${1:-1000000}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
lesson=$root/build/release/lessons/09_complete_pipeline
[ -x "$lesson" ] || { echo "build it first: cmake --preset release && cmake --build --preset release -j2 --target 09_complete_pipeline"; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$python" "$here/make_data.py" "$rows" "$work/in.csv"
echo "input: $rows rows, $(du -m "$work/in.csv" | cut -f1) MB"
# measure NAME COMMAND...: wall seconds and peak RSS (KiB) from /usr/bin/time (GNU) or bash's time.
measure() {
  local name=$1; shift
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null 2>"$work/time.txt" || true
  end=$(date +%s.%N)
  local secs rss
  secs=$(echo "$end - $start" | bc -l)
  rss=$(grep -oE 'maxrss=[0-9]+' "$work/time.txt" | cut -d= -f2 || echo 0)
  printf '%-22s %8.2f s %12.0f rows/s  peak RSS %6.1f MiB\n' "$name" "$secs" "$(echo "$rows / $secs" | bc -l)" "$(echo "${rss:-0} / 1024" | bc -l)"
  echo "$secs" >"$work/$name.secs"
}
timed() { /usr/bin/time -f 'maxrss=%M' "$@"; }
measure streamlab timed "$lesson" --input "$work/in.csv" --output "$work/out1.csv"  # the defaults: one worker
measure python_generators timed "$python" "$here/pipeline_generators.py" "$work/in.csv" "$work/out2.csv"
if "$python" -c 'import pandas' 2>/dev/null; then
  measure pandas_chunks timed "$python" "$here/pipeline_pandas.py" "$work/in.csv" "$work/out3.csv"
fi
base=$(cat "$work/streamlab.secs")
for name in python_generators pandas_chunks; do
  [ -f "$work/$name.secs" ] && printf 'StreamLab is %.1fx faster than %s\n' "$(echo "$(cat "$work/$name.secs") / $base" | bc -l)" "$name"
done
