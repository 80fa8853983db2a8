#!/usr/bin/env bash
# Doxygen's INPUT_FILTER for Markdown pages (docs/Doxyfile.in: FILTER_PATTERNS). The lesson READMEs
# and docs/glossary.md are plain Markdown that reads the same on GitHub, in an editor and on the
# docs site; this filter adds, for Doxygen only, what the site needs and GitHub must not show:
#   - page labels: `{#lesson_NN}` on a lesson README's title, `{#glossary}` on the glossary's, and
#     `{#glossary-SLUG}` on each glossary term, SLUG being the anchor GitHub makes of the heading;
#   - links between pages as links to the site's HTML files (a label LABEL is the page LABEL.html):
#     `](../NN_name/README.md)` -> `](lesson_NN.html)`, `](…/docs/glossary.md#SLUG)` (or `](#SLUG)`
#     in the glossary) -> `](glossary.html#glossary-SLUG)`, `](…/README.md#lessons)` (the top-level
#     README) -> `](lessons.html)`. Not `@ref`: Doxygen's @ref breaks on a link text that spans two
#     lines, and the test docs.links checks every one of these links and anchors in the built site;
#   - golden files: `](../../expected_output/NN_name.txt)` -> `](expected_output/NN_name.txt)`, the
#     copy the `docs` target puts beside the HTML.
#   - a header, `](…/common/include/streamlab/NAME.hpp)`, -> its page (`NAME_8hpp.html`); a link to any
#     other file of the repository (bench/README.md, a main.cpp) keeps its text and loses the link.
# Fenced code blocks pass unchanged; so does every line count (Doxygen's warnings keep their line).
#   - a figure: a line `<!-- figure: NAME caption -->` (invisible on GitHub) becomes Doxygen's
#     `\image html NAME.svg "caption"` when FIGURES_DIR/NAME.svg was made (docs/figures/), and
#     stays a comment when it was not (no gnuplot).
# Usage: markdown_filter.sh FIGURES_DIR FILE (Doxygen appends the file name); the result goes to
# stdout.
set -euo pipefail
figures=$1
file=$2
kind=other
lesson=
case "$file" in
  lessons/[0-9][0-9]_*/README.md | */lessons/[0-9][0-9]_*/README.md)
    kind=lesson
    lesson=${file%/README.md}
    lesson=${lesson##*/}
    lesson=${lesson%%_*}
    ;;
  docs/glossary.md | */docs/glossary.md) kind=glossary ;;
esac
[ "$kind" = other ] && exec cat -- "$file"

exec awk -v kind="$kind" -v lesson="$lesson" -v figures="$figures" '
  # The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens.
  function slug(text) {
    text = tolower(text)
    gsub(/[^a-z0-9 _-]/, "", text)
    gsub(/ /, "-", text)
    return text
  }
  /^```/ { fenced = !fenced; print; next }
  fenced { print; next }
  /^<!-- figure: [A-Za-z0-9_]+ .* -->$/ {
    name = $3
    caption = $0
    sub(/^<!-- figure: [A-Za-z0-9_]+ /, "", caption)
    sub(/ -->$/, "", caption)
    if ((getline ignored < (figures "/" name ".svg")) >= 0) print "\\image html " name ".svg \"" caption "\""
    else print
    next
  }
  !titled && /^# / {
    titled = 1
    if ($0 !~ /\{#/) $0 = $0 (kind == "lesson" ? " {#lesson_" lesson "}" : " {#glossary}")
    print
    next
  }
  kind == "glossary" && /^## / && $0 !~ /\{#/ {
    print $0 " {#glossary-" slug(substr($0, 4)) "}"
    next
  }
  {
    line = $0
    out = ""
    # Each Markdown link target in turn: `](target)`.
    while (match(line, /\]\([^) ]*\)/)) {
      start = RSTART
      length_ = RLENGTH
      target = substr(line, start + 2, length_ - 3)
      if (target ~ /^(\.\.\/)*(lessons\/)?[0-9][0-9]_[A-Za-z0-9_]*\/README\.md$/) {
        number = target
        sub(/^(\.\.\/)*(lessons\/)?/, "", number)
        target = "lesson_" substr(number, 1, 2) ".html"
      } else if (kind == "glossary" && target ~ /^#/) {
        target = "glossary.html#glossary-" substr(target, 2)
      } else if (target ~ /(^|\/)glossary\.md#/) {
        target = "glossary.html#glossary-" substr(target, index(target, "#") + 1)
      } else if (target ~ /(^|\/)glossary\.md$/) {
        target = "glossary.html"
      } else if (target ~ /^(\.\.\/)+README\.md#lessons$/) {
        target = "lessons.html"
      } else if (target ~ /^(\.\.\/)+README\.md$/) {
        target = "index.html"
      } else if (target ~ /^(\.\.\/)*expected_output\/[^\/]*$/) {
        sub(/^(\.\.\/)*/, "", target)
      } else if (target ~ /^(\.\.\/)*common\/include\/streamlab\/[A-Za-z0-9_]*\.hpp$/) {
        sub(/^.*\//, "", target)
        gsub(/_/, "__", target)
        sub(/\.hpp$/, "_8hpp.html", target)
      } else if (target !~ /^[A-Za-z][A-Za-z0-9+.-]*:/ && target !~ /^#/) {
        # Any other file of the repository is not on the site: keep the text, drop the link
        # (when the text spans lines, the link stays and the site fails to build or docs.links fails).
        prefix = substr(line, 1, start - 1)
        bracket = 0
        for (i = length(prefix); i > 0; i--) if (substr(prefix, i, 1) == "[") { bracket = i; break }
        if (bracket > 0) {
          out = out substr(prefix, 1, bracket - 1) substr(prefix, bracket + 1)
          line = substr(line, start + length_)
          continue
        }
      }
      out = out substr(line, 1, start - 1) "](" target ")"
      line = substr(line, start + length_)
    }
    print out line
  }
' "$file"
