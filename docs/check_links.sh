#!/usr/bin/env bash
# The test docs.links: every local link of the built docs site leads somewhere.
#
#   docs/check_links.sh HTML_DIR     checks every href="..." and src="..." of every *.html page under
#                                    HTML_DIR: the file it names must exist, and for page.html#anchor
#                                    (or #anchor alone) the page must have id="anchor" or name="anchor".
#                                    Links with a scheme (https:, mailto:, javascript:, ...) are not
#                                    followed; an absolute path or a file: link is broken (the site
#                                    must work wherever it is copied).
#   docs/check_links.sh --self-test  the test checker.docs_links_catch_a_broken_link: builds a small
#                                    site with known broken links and checks that exactly those are
#                                    reported, and that the same site without them passes.
#
# Exit status: 0 when every link resolves, 1 when one does not (each is listed), 2 on bad usage.
set -euo pipefail
export LC_ALL=C

# Prints "page<TAB>link" for every href/src of every page under the current folder, once per page.
list_links() {
  find . -name '*.html' -print0 | sort -z |
    xargs -0 -r grep -oHE '(href|src)="[^"]*"' |
    sed -E 's/^\.\///; s/:(href|src)="/\t/; s/"$//; s/&amp;/\&/g' | sort -u
}

# Prints "page#anchor" for every id="..." and name="..." of every page under the current folder.
list_anchors() {
  find . -name '*.html' -print0 | xargs -0 -r grep -oHE '(id|name)="[^"]*"' |
    sed -E 's/^\.\///; s/:(id|name)="/#/; s/"$//' | sort -u
}

# Checks the site in folder $1; prints each broken link and how many links were checked.
check_site() {
  local root=$1
  cd "$root" 2>/dev/null || { echo "docs.links: no folder $root" >&2; return 2; }
  [ -f index.html ] || { echo "docs.links: no index.html in $root (was the site built?)"; return 1; }

  local -a pages=() links=() paths=() fragments=()
  local checked=0
  local page link path fragment
  while IFS=$'\t' read -r page link; do
    if [ -z "$link" ] || [ "$link" = "#" ]; then
      continue  # the page itself
    elif [[ "$link" == file:* || "$link" == /[!/]* ]]; then
      echo "docs.links: $page: broken link $link (an absolute path: the site must work wherever it is copied)"
      pages+=("$page"); links+=("$link"); paths+=(""); fragments+=("")
      checked=$((checked + 1))
      continue
    elif [[ "$link" =~ ^[A-Za-z][A-Za-z0-9+.-]*: || "$link" == //* ]]; then
      continue  # another site, mailto:, javascript:
    fi
    path=${link%%#*}
    path=${path%%\?*}
    fragment=
    [[ "$link" == *'#'* ]] && fragment=${link#*#}
    if [ -z "$path" ]; then
      path=$page
    else
      [[ "$page" == */* ]] && path=${page%/*}/$path
    fi
    pages+=("$page")
    links+=("$link")
    paths+=("$path")
    fragments+=("$fragment")
  done < <(list_links)

  # Normalise every target at once (a/b/../c -> a/c), relative to the site's root.
  local -a resolved=()
  local to_resolve=()
  for path in "${paths[@]}"; do to_resolve+=("${path:-.}"); done
  if [ ${#to_resolve[@]} -gt 0 ]; then
    mapfile -t resolved < <(printf '%s\0' "${to_resolve[@]}" | xargs -0 realpath -m --relative-to=. --)
  fi

  local anchors
  anchors=$(mktemp)
  list_anchors >"$anchors"

  local broken=0 i target
  local -A anchor_wanted=()
  for i in "${!links[@]}"; do
    [ -n "${paths[i]}" ] || { broken=$((broken + 1)); continue; }  # reported above
    checked=$((checked + 1))
    target=${resolved[i]}
    if [[ "$target" == ../* || "$target" == .. ]]; then
      echo "docs.links: ${pages[i]}: broken link ${links[i]} (outside the site: $target)"
      broken=$((broken + 1))
    elif [ ! -e "$target" ]; then
      echo "docs.links: ${pages[i]}: broken link ${links[i]} (no file $target)"
      broken=$((broken + 1))
    elif [ -n "${fragments[i]}" ] && [[ "$target" == *.html ]]; then
      anchor_wanted["$target#${fragments[i]}"]+="${pages[i]} ${links[i]}"$'\n'
    fi
  done

  # The anchors asked for that no page has.
  local missing
  while IFS= read -r missing; do
    [ -n "$missing" ] || continue
    while IFS= read -r page_and_link; do
      [ -n "$page_and_link" ] || continue
      echo "docs.links: ${page_and_link%% *}: broken link ${page_and_link#* } (no anchor #${missing#*#} in ${missing%%#*})"
      broken=$((broken + 1))
    done <<<"${anchor_wanted[$missing]}"
  done < <(printf '%s\n' "${!anchor_wanted[@]}" | sort -u | comm -23 - "$anchors")

  rm -f "$anchors"

  local page_count
  page_count=$(find . -name '*.html' | wc -l)
  if [ "$broken" -gt 0 ]; then
    echo "docs.links: $broken broken of $checked local links in $page_count pages ($root)"
    return 1
  fi
  echo "docs.links: all $checked local links in $page_count pages resolve ($root)"
}

# A site with a broken href, a broken src, a missing anchor, a link out of the site and an
# absolute path, beside links that are fine: exactly the five must be reported.
self_test() {
  site=$(mktemp -d)
  trap 'rm -rf "$site"' EXIT
  mkdir -p "$site/sub" "$site/img"
  : >"$site/img/logo.png"
  cat >"$site/index.html" <<'HTML'
<html><body id="top"><a href="sub/page.html">ok</a> <a href="sub/page.html#part">ok</a>
<a href="#top">ok</a> <a href="https://example.com/x.html">external</a> <a href="javascript:void(0)">js</a>
<img src="img/logo.png"> <a href="index.html?q=1#top">ok</a> <a href="#">ok</a>
<a href="missing.html">broken</a> <img src="img/none.png">
<a href="sub/page.html#nowhere">broken anchor</a> <a href="../outside.txt">out</a> <a href="/etc/passwd">abs</a>
</body></html>
HTML
  cat >"$site/sub/page.html" <<'HTML'
<html><body><h2><a name="part"></a>Part</h2><a href="../index.html#top">ok</a> <img src="../img/logo.png"></body></html>
HTML
  local output status=0
  output=$(check_site "$site") || status=$?
  printf '%s\n' "$output"
  local expected
  for expected in 'index.html: broken link missing.html (no file missing.html)' \
                  'index.html: broken link img/none.png (no file img/none.png)' \
                  'index.html: broken link sub/page.html#nowhere (no anchor #nowhere in sub/page.html)' \
                  'index.html: broken link ../outside.txt (outside the site: ../outside.txt)' \
                  'index.html: broken link /etc/passwd (an absolute path' \
                  '5 broken of'; do
    grep -qF -- "$expected" <<<"$output" || { echo "self-test: FAILED: not reported: $expected"; return 1; }
  done
  [ "$status" -eq 1 ] || { echo "self-test: FAILED: exit status $status, not 1"; return 1; }

  # Without the broken links, the same site passes.
  sed -i '/broken\|none.png\|outside\|passwd/d' "$site/index.html"
  output=$(check_site "$site") || { printf '%s\n' "$output"; echo "self-test: FAILED: a sound site fails"; return 1; }
  printf '%s\n' "$output"
  echo "self-test: passed"
}

case "${1:-}" in
  --self-test) self_test ;;
  '' | -h | --help | -*) echo "usage: docs/check_links.sh HTML_DIR | --self-test" >&2; exit 2 ;;
  *) check_site "$1" ;;
esac
