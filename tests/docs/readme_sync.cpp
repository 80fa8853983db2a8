// readme_sync: keeps each lesson README's code excerpts and output block copies of the real thing,
// and checks that every "Try this" item and "Predict first" question has its experiment test.
//
//   readme_sync check SOURCE_DIR                  (the test docs.readmes)
//   readme_sync write SOURCE_DIR OUTPUTS_DIR      (scripts/update-docs)
//
// In lessons/NN_name/README.md, a line `<!-- snippet: NAME -->` is followed by a fenced ```cpp
// block holding the lines of main.cpp between its two `//! [NAME]` markers, and a line
// `<!-- output -->` by a fenced ```text block holding one real run of the lesson. `write` rewrites
// those blocks (the output from OUTPUTS_DIR/NN_name.txt, when that file exists and the block no
// longer matches the golden file). `check` fails
// (exit 1) when a README differs from what `write` would make of main.cpp, when its output block
// does not match expected_output/NN_name.txt (measured values may differ where the golden file
// holds a {{pattern}}), when Doxygen-only syntax is left in it (\snippet, \verbinclude, {#anchor}),
// or when "## Try this" is not a numbered list of at least two items, item K having a function
// experiment_K in tests/experiments/NN_name.sh whose body uses every --option the item names. A
// "## Predict first" section (every lesson has one) is checked the same way against predict_K, needs at least
// one question, and folds each answer under a <details> tag.
// Exit status 2: bad usage or an unreadable file.
#include "../golden/golden_match.hpp"

#include <fmt/core.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using streamlab::golden::LineMatcher;
using streamlab::golden::split_lines;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("cannot read {}", path.string()));
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += line + '\n';
  return text;
}

bool is_marker(const std::string& line) {
  static const std::regex marker(R"(\s*//! \[[^\]]+\]\s*)");
  return std::regex_match(line, marker);
}

/// The lines of `source` between its first two `//! [name]` markers, without other markers and
/// without the indentation they all share.
std::vector<std::string> excerpt(const std::vector<std::string>& source, const std::string& name,
                                 const fs::path& path) {
  const std::regex this_marker(R"(\s*//! \[)" + name + R"(\]\s*)");
  std::vector<std::size_t> at;
  for (std::size_t i = 0; i < source.size(); ++i) {
    if (std::regex_match(source[i], this_marker)) at.push_back(i);
  }
  if (at.size() < 2) throw std::runtime_error(fmt::format("{} has no region marked //! [{}]", path.string(), name));
  std::vector<std::string> lines;
  for (std::size_t i = at[0] + 1; i < at[1]; ++i) {
    if (!is_marker(source[i])) lines.push_back(source[i]);
  }
  std::size_t indent = std::string::npos;
  for (const auto& line : lines) {
    const std::size_t first = line.find_first_not_of(' ');
    if (first != std::string::npos) indent = std::min(indent, first);
  }
  for (auto& line : lines) line = line.size() > indent ? line.substr(indent) : std::string{};
  return lines;
}

/// Where a README's generated block is: the fence lines that open and close it.
struct Fence {
  std::size_t open;
  std::size_t close;
};

/// The fence that follows the marker at `marker`, or none when the next line does not open one.
std::optional<Fence> fence_after(const std::vector<std::string>& lines, std::size_t marker) {
  if (marker + 1 >= lines.size() || lines[marker + 1].rfind("```", 0) != 0) return std::nullopt;
  for (std::size_t i = marker + 2; i < lines.size(); ++i) {
    if (lines[i] == "```") return Fence{marker + 1, i};
  }
  return std::nullopt;
}

/// Replaces (or, after a bare marker, inserts) the fenced block after the marker line at `marker`.
void put_block(std::vector<std::string>& lines, std::size_t marker, const std::string& language,
               const std::vector<std::string>& content) {
  std::vector<std::string> block{"```" + language};
  block.insert(block.end(), content.begin(), content.end());
  block.emplace_back("```");
  const auto fence = fence_after(lines, marker);
  const auto begin = lines.begin() + static_cast<std::ptrdiff_t>(marker + 1);
  const auto end = fence ? lines.begin() + static_cast<std::ptrdiff_t>(fence->close + 1) : begin;
  lines.insert(lines.erase(begin, end), block.begin(), block.end());
}

struct Lesson {
  std::string name;  // NN_name
  fs::path readme;
  fs::path source;
  fs::path golden;
  fs::path experiments;
};

std::vector<Lesson> lessons_in(const fs::path& source_dir) {
  std::vector<Lesson> lessons;
  static const std::regex lesson_name(R"([0-9]{2}_[a-z0-9_]+)");
  for (const auto& entry : fs::directory_iterator(source_dir / "lessons")) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_directory() || !std::regex_match(name, lesson_name)) continue;
    lessons.push_back({name, entry.path() / "README.md", entry.path() / "main.cpp",
                       source_dir / "expected_output" / (name + ".txt"),
                       source_dir / "tests" / "experiments" / (name + ".sh")});
  }
  std::sort(lessons.begin(), lessons.end(), [](const Lesson& a, const Lesson& b) { return a.name < b.name; });
  return lessons;
}

const std::regex snippet_marker(R"(<!-- snippet: ([A-Za-z0-9_-]+) -->)");
const std::string output_marker = "<!-- output -->";

/// The lines of the fenced block after the marker at `marker` (none when there is no block).
std::vector<std::string> block_after(const std::vector<std::string>& lines, std::size_t marker) {
  const auto fence = fence_after(lines, marker);
  if (!fence) return {};
  return {lines.begin() + static_cast<std::ptrdiff_t>(fence->open + 1),
          lines.begin() + static_cast<std::ptrdiff_t>(fence->close)};
}

/// Whether `shown` matches the golden file line for line (measured values by their patterns).
bool matches_golden(const Lesson& lesson, const std::vector<std::string>& shown) {
  std::vector<LineMatcher> expected;
  for (const auto& line : split_lines(read_file(lesson.golden))) expected.emplace_back(line);
  return streamlab::golden::identical(streamlab::golden::align(expected, shown));
}

/// The README as `write` makes it: excerpts from main.cpp, and the output block from `output`
/// when given and the block shown no longer matches the golden file (a block that still matches
/// keeps its run's numbers, so that re-running the script does not churn every measured value).
std::vector<std::string> regenerate(const Lesson& lesson, std::vector<std::string> lines,
                                    const std::optional<std::vector<std::string>>& output) {
  const auto source = split_lines(read_file(lesson.source));
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::smatch match;
    if (std::regex_match(lines[i], match, snippet_marker)) {
      put_block(lines, i, "cpp", excerpt(source, match[1], lesson.source));
    } else if (lines[i] == output_marker && output && !matches_golden(lesson, block_after(lines, i))) {
      put_block(lines, i, "text", *output);
    }
  }
  return lines;
}

/// Problems found by `check` in one README, each a line to print.
class Report {
 public:
  explicit Report(fs::path readme) : readme_(std::move(readme)) {}
  void add(const std::string& problem) { problems_.push_back(problem); }
  bool print() const {
    for (const auto& problem : problems_) fmt::print("{}: {}\n", readme_.string(), problem);
    return problems_.empty();
  }

 private:
  fs::path readme_;
  std::vector<std::string> problems_;
};

/// The body of `name() {` ... `}` in a shell script (both at column 0), or none.
std::optional<std::string> shell_function(const std::vector<std::string>& script, const std::string& name) {
  for (std::size_t i = 0; i < script.size(); ++i) {
    if (script[i].rfind(name + "() {", 0) != 0) continue;
    std::string body;
    for (std::size_t j = i + 1; j < script.size() && script[j] != "}"; ++j) body += script[j] + '\n';
    return body;
  }
  return std::nullopt;
}

/// A section of numbered items, each checked by a shell function of the lesson's experiment script.
struct CheckedList {
  std::string title;     // "Try this"
  std::string function;  // "experiment": item K needs experiment_K()
  std::size_t minimum;   // the fewest items the section may have
  bool required;         // whether every README must have the section
  bool answer_folded;    // whether each item must fold its answer under a <details> tag
};

/// `"## " + list.title`: a numbered list 1, 2, 3, ... of at least list.minimum items; item K needs
/// the function list.function_K in tests/experiments/NN_name.sh, whose body uses every --option the
/// item names, and every such function needs its item.
void check_numbered_list(const Lesson& lesson, const std::vector<std::string>& lines, const CheckedList& list,
                         Report& report) {
  std::map<int, std::string> items;  // number → text (its lines joined)
  bool inside = false;
  bool found = false;
  int current = 0;
  static const std::regex item_start(R"(([0-9]+)\. (.*))");
  for (const auto& line : lines) {
    if (line.rfind("## ", 0) == 0) {
      inside = line == "## " + list.title;
      found = found || inside;
      continue;
    }
    if (!inside) continue;
    std::smatch match;
    if (std::regex_match(line, match, item_start)) {
      current = std::stoi(match[1]);
      items[current] = match[2];
    } else if (current != 0 && !line.empty()) {
      items[current] += ' ' + line;
    }
  }
  const auto script =
      fs::exists(lesson.experiments) ? split_lines(read_file(lesson.experiments)) : std::vector<std::string>{};
  if (!found && !list.required) {
    if (shell_function(script, list.function + "_1")) {
      report.add(
          fmt::format("{}_1() in {} has no \"{}\" item", list.function, lesson.experiments.string(), list.title));
    }
    return;
  }
  if (items.size() < list.minimum) {
    report.add(
        fmt::format("\"## {}\" has {} numbered items (want at least {})", list.title, items.size(), list.minimum));
    return;
  }
  int expected_number = 1;
  for (const auto& [number, text] : items) {
    if (number != expected_number++) {
      report.add(fmt::format("\"{}\" items are not numbered 1, 2, 3, ...", list.title));
    }
    if (list.answer_folded && text.find("<details>") == std::string::npos) {
      report.add(fmt::format("\"{}\" item {} does not fold its answer under a <details> tag", list.title, number));
    }
  }
  if (!fs::exists(lesson.experiments)) {
    report.add(fmt::format("no tests for \"{}\": {} does not exist", list.title, lesson.experiments.string()));
    return;
  }
  static const std::regex code_span("`([^`]+)`");
  static const std::regex option(R"(--[a-z][a-z0-9-]*)");
  for (const auto& [number, text] : items) {
    const std::string function = fmt::format("{}_{}", list.function, number);
    const auto body = shell_function(script, function);
    if (!body) {
      report.add(fmt::format("\"{}\" item {} has no test: no function {}() in {}", list.title, number, function,
                             lesson.experiments.string()));
      continue;
    }
    std::set<std::string> missing;
    for (auto span = std::sregex_iterator(text.begin(), text.end(), code_span); span != std::sregex_iterator();
         ++span) {
      const std::string code = (*span)[1];
      for (auto it = std::sregex_iterator(code.begin(), code.end(), option); it != std::sregex_iterator(); ++it) {
        if (body->find(it->str()) == std::string::npos) missing.insert(it->str());
      }
    }
    for (const auto& name : missing) {
      report.add(fmt::format("\"{}\" item {} names {}, which {}() never uses", list.title, number, name, function));
    }
  }
  for (int number = static_cast<int>(items.size()) + 1;
       shell_function(script, fmt::format("{}_{}", list.function, number)); ++number) {
    report.add(fmt::format("{}_{}() in {} has no \"{}\" item", list.function, number, lesson.experiments.string(),
                           list.title));
  }
}

/// The output block must match the golden file, line for line, patterns allowed.
void check_output(const Lesson& lesson, const std::vector<std::string>& lines, Report& report) {
  std::optional<std::size_t> marker;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i] == output_marker) marker = i;
  }
  const auto fence = marker ? fence_after(lines, *marker) : std::nullopt;
  if (!fence) {
    report.add("no output block (a line `<!-- output -->` followed by a fenced block)");
    return;
  }
  const std::vector<std::string> shown = block_after(lines, *marker);
  std::vector<LineMatcher> expected;
  for (const auto& line : split_lines(read_file(lesson.golden))) expected.emplace_back(line);
  const auto steps = streamlab::golden::align(expected, shown);
  if (!streamlab::golden::identical(steps)) {
    report.add(fmt::format("the output block is not what the lesson prints ({}); run scripts/update-docs",
                           lesson.golden.string()));
    streamlab::golden::print_unified_diff(steps, expected, shown, lesson.golden.string(),
                                          lesson.readme.string() + " (output block)");
  }
}

bool check(const Lesson& lesson) {
  Report report(lesson.readme);
  const auto lines = split_lines(read_file(lesson.readme));
  const auto regenerated = regenerate(lesson, lines, std::nullopt);
  if (regenerated != lines) {
    report.add("a code excerpt differs from main.cpp; run scripts/update-docs");
    std::vector<LineMatcher> now;
    for (const auto& line : lines) now.emplace_back(line);
    streamlab::golden::print_unified_diff(streamlab::golden::align(now, regenerated), now, regenerated,
                                          lesson.readme.string(), "(from main.cpp)");
  }
  bool has_snippet = false;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    for (const char* doxygen_only : {"\\snippet", "\\verbinclude", "{#"}) {
      if (lines[i].find(doxygen_only) != std::string::npos) {
        report.add(fmt::format("line {}: Doxygen-only syntax `{}` (plain Markdown only)", i + 1, doxygen_only));
      }
    }
    has_snippet = has_snippet || std::regex_match(lines[i], snippet_marker);
  }
  if (!has_snippet) report.add("no code excerpt (`<!-- snippet: NAME -->` before a fenced block)");
  check_output(lesson, lines, report);
  check_numbered_list(lesson, lines, {"Predict first", "predict", 1, true, true}, report);
  check_numbered_list(lesson, lines, {"Try this", "experiment", 2, true, false}, report);
  return report.print();
}

bool write(const Lesson& lesson, const fs::path& outputs_dir) {
  const fs::path output_file = outputs_dir / (lesson.name + ".txt");
  std::optional<std::vector<std::string>> output;
  if (fs::exists(output_file)) output = split_lines(read_file(output_file));
  const auto lines = split_lines(read_file(lesson.readme));
  const auto regenerated = regenerate(lesson, lines, output);
  if (regenerated == lines) return true;
  std::ofstream out(lesson.readme, std::ios::binary);
  out << join_lines(regenerated);
  if (!out) throw std::runtime_error(fmt::format("cannot write {}", lesson.readme.string()));
  fmt::print("updated: {}\n", lesson.readme.string());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  const bool checking = args.size() == 2 && args[0] == "check";
  const bool writing = args.size() == 3 && args[0] == "write";
  if (!checking && !writing) {
    fmt::print(stderr, "usage: readme_sync check SOURCE_DIR | readme_sync write SOURCE_DIR OUTPUTS_DIR\n");
    return 2;
  }
  try {
    const auto lessons = lessons_in(args[1]);
    if (lessons.empty()) throw std::runtime_error(fmt::format("no lessons under {}/lessons", args[1]));
    bool all_good = true;
    for (const auto& lesson : lessons) all_good = (checking ? check(lesson) : write(lesson, args[2])) && all_good;
    if (checking && all_good) fmt::print("{} lesson READMEs are current and complete\n", lessons.size());
    return all_good ? 0 : 1;
  } catch (const std::exception& error) {
    fmt::print(stderr, "readme_sync: {}\n", error.what());
    return 2;
  }
}
