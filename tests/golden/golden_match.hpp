// The golden-file line matching shared by golden_check and readme_sync: an expected line is plain
// text, or text with `{{regex}}` holes for measured values; two files are aligned line by line and
// a difference is shown as a unified diff.
#pragma once

#include <fmt/core.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace streamlab::golden {

/// Splits a text into its lines (without the newlines).
inline std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

/// One expected line: either plain text, or text with `{{regex}}` holes compiled into one regex.
class LineMatcher {
 public:
  explicit LineMatcher(const std::string& line) : text_(line) {
    if (line.find("{{") == std::string::npos) return;
    std::string pattern;
    std::size_t pos = 0;
    while (pos < line.size()) {
      const std::size_t open = line.find("{{", pos);
      std::size_t close = open == std::string::npos ? std::string::npos : line.find("}}", open + 2);
      // A pattern may end in a brace of its own, as in {{[0-9]{2}}}: the hole ends at the last "}}".
      while (close != std::string::npos && close + 2 < line.size() && line[close + 2] == '}') ++close;
      if (close == std::string::npos) {
        pattern += escape(line.substr(pos));
        break;
      }
      pattern += escape(line.substr(pos, open - pos));
      pattern += "(?:" + line.substr(open + 2, close - open - 2) + ")";
      pos = close + 2;
    }
    regex_ = std::regex(pattern);
  }

  bool matches(const std::string& printed) const {
    return regex_ ? std::regex_match(printed, *regex_) : printed == text_;
  }
  const std::string& text() const { return text_; }

 private:
  static std::string escape(const std::string& literal) {
    static const std::string special = R"(\^$.|?*+()[]{}/)";
    std::string escaped;
    for (char c : literal) {
      if (special.find(c) != std::string::npos) escaped += '\\';
      escaped += c;
    }
    return escaped;
  }
  std::string text_;
  std::optional<std::regex> regex_;
};

/// One step of an alignment: a line in both (matched), only expected (removed) or only printed (added).
struct Step {
  enum Kind { same, removed, added } kind;
  std::size_t expected_index;
  std::size_t received_index;
};

/// Aligns the two files by their longest common subsequence, where "common" means the expected
/// line matches the printed one. Golden files are small, so the quadratic table is fine.
inline std::vector<Step> align(const std::vector<LineMatcher>& expected, const std::vector<std::string>& received) {
  const std::size_t n = expected.size();
  const std::size_t m = received.size();
  std::vector<std::vector<std::uint32_t>> lcs(n + 1, std::vector<std::uint32_t>(m + 1, 0));
  for (std::size_t i = n; i-- > 0;) {
    for (std::size_t j = m; j-- > 0;) {
      lcs[i][j] = expected[i].matches(received[j]) ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  std::vector<Step> steps;
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && expected[i].matches(received[j])) {
      steps.push_back({Step::same, i++, j++});
    } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      steps.push_back({Step::removed, i++, j});  // removals first, as diff -u shows them
    } else {
      steps.push_back({Step::added, i, j++});
    }
  }
  return steps;
}

/// Prints the alignment as a unified diff with three lines of context.
inline void print_unified_diff(const std::vector<Step>& steps, const std::vector<LineMatcher>& expected,
                               const std::vector<std::string>& received, std::string_view expected_label,
                               std::string_view received_label) {
  constexpr std::size_t context = 3;
  fmt::print("--- {}\n+++ {}\n", expected_label, received_label);
  std::size_t k = 0;
  while (k < steps.size()) {
    if (steps[k].kind == Step::same) {
      ++k;
      continue;
    }
    // A hunk: from `context` lines before this change to `context` lines after the last change
    // that is no more than 2 * context lines from the previous one.
    std::size_t begin = k >= context ? k - context : 0;
    while (begin < k && steps[begin].kind != Step::same) ++begin;
    std::size_t end = k;
    std::size_t same_run = 0;
    for (std::size_t s = k; s < steps.size(); ++s) {
      if (steps[s].kind == Step::same) {
        if (++same_run > 2 * context) break;
      } else {
        same_run = 0;
        end = s + 1;
      }
    }
    end = std::min(steps.size(), end + context);
    std::size_t expected_count = 0;
    std::size_t received_count = 0;
    for (std::size_t s = begin; s < end; ++s) {
      expected_count += steps[s].kind != Step::added;
      received_count += steps[s].kind != Step::removed;
    }
    fmt::print("@@ -{},{} +{},{} @@\n", steps[begin].expected_index + 1, expected_count,
               steps[begin].received_index + 1, received_count);
    for (std::size_t s = begin; s < end; ++s) {
      const Step& step = steps[s];
      if (step.kind == Step::same) fmt::print(" {}\n", received[step.received_index]);
      if (step.kind == Step::removed) fmt::print("-{}\n", expected[step.expected_index].text());
      if (step.kind == Step::added) fmt::print("+{}\n", received[step.received_index]);
    }
    k = end;
  }
}

/// True when every step of an alignment is a matched line.
inline bool identical(const std::vector<Step>& steps) {
  return std::all_of(steps.begin(), steps.end(), [](const Step& s) { return s.kind == Step::same; });
}

}  // namespace streamlab::golden
