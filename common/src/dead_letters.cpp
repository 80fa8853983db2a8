#include "streamlab/dead_letters.hpp"

#include <fmt/format.h>

#include <iterator>

namespace streamlab {

DeadLetters::DeadLetters(std::function<void(std::string_view)> write) : write_(std::move(write)) {
  write_("line,reason,text\n");
}

std::string DeadLetters::label(RowError reason, std::string_view column) {
  std::string text{row_error_name(reason)};
  if (!column.empty()) text += fmt::format("({})", column);
  return text;
}

void DeadLetters::add(std::uint64_t line, RowError reason, std::string_view column, std::string_view text) {
  ++counts_[{reason, std::string(column)}];
  line_.clear();
  fmt::format_to(std::back_inserter(line_), "{},{},\"", line, label(reason, column));
  for (const char c : text.substr(0, BadRow::max_text_bytes)) {
    if (c == '"') line_ += '"';  // doubled, as CSV quotes it
    line_ += static_cast<unsigned char>(c) < 0x20 ? '?' : c;
  }
  line_ += "\"\n";
  write_(line_);
}

std::uint64_t DeadLetters::total(const Pick& pick) const {
  std::uint64_t n = 0;
  for (const auto& [key, count] : counts_) n += !pick || pick(key.first) ? count : 0;
  return n;
}

std::uint64_t DeadLetters::count(RowError reason) const {
  return total([reason](RowError r) { return r == reason; });
}

std::vector<std::pair<std::string, std::uint64_t>> DeadLetters::counts(const Pick& pick) const {
  std::vector<std::pair<std::string, std::uint64_t>> all;
  for (const auto& [key, count] : counts_) {
    if (!pick || pick(key.first)) all.emplace_back(label(key.first, key.second), count);
  }
  return all;
}

std::string DeadLetters::summary(const Pick& pick) const {
  std::string text;
  for (const auto& [reason, count] : counts(pick))
    text += fmt::format("{}{} {}", text.empty() ? "" : ", ", count, reason);
  return text.empty() ? "none" : text;
}

}  // namespace streamlab
