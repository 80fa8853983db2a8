#include "streamlab/output.hpp"

#include <fmt/core.h>

namespace streamlab {

namespace {
constexpr std::string_view rule = "==================================================";
}

void banner(std::string_view title) { fmt::print("{}\n  {}\n{}\n", rule, title, rule); }

void section(std::string_view title) { fmt::print("\n=== {} ===\n\n", title); }

void bullet(std::string_view text, int indent) { fmt::print("{:{}}• {}\n", "", indent, text); }

void measured(std::string_view label, double value, std::string_view unit, int decimals, int indent) {
  if (unit.empty()) {
    fmt::print("{:{}}{}: {:.{}f}\n", "", indent, label, value, decimals);
  } else {
    fmt::print("{:{}}{}: {:.{}f} {}\n", "", indent, label, value, decimals, unit);
  }
}

void next_lesson(std::string_view lesson) { fmt::print("\nNext: {}\n", lesson); }

}  // namespace streamlab
