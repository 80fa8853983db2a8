#!/usr/bin/env bash
# make_figures.sh LESSONS_DIR OUT_DIR: the docs site's figures, made at build time from the lessons'
# own data. For each docs/figures/NN_name.gp, runs lesson NN with its defaults and --plot-data into
# a scratch folder (once per lesson), then gnuplot on the script, into OUT_DIR/NN_name.svg. Without
# gnuplot it says so and makes none; the lesson pages then show no figures (markdown_filter.sh).
set -euo pipefail
lessons=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$out" && mkdir -p "$out"
if ! command -v gnuplot >/dev/null 2>&1; then
  echo "make_figures: gnuplot not found, the docs are built without figures (sudo apt-get install gnuplot-nox)"
  exit 0
fi
data="$out/data"
mkdir -p "$data"
for script in "$here"/[0-9][0-9]_*.gp; do
  name=$(basename "$script" .gp)
  number=${name%%_*}
  if [ ! -e "$data/.ran-$number" ]; then
    lesson=$(ls "$lessons"/"$number"_* 2>/dev/null | head -n 1)
    [ -x "$lesson" ] || { echo "make_figures: no lesson $number in $lessons" >&2; exit 1; }
    "$lesson" --no-charts --plot-data "$data" >/dev/null
    touch "$data/.ran-$number"
  fi
  (cd "$here/../.." && gnuplot -e "data='$data'; out='$out/$name.svg'" "$script")
done
rm -rf "$data"
echo "make_figures: $(ls "$out" | wc -l) figures in $out"
