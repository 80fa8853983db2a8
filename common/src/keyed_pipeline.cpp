#include "streamlab/keyed_pipeline.hpp"

#include <fmt/format.h>

namespace streamlab::detail {

std::string progress_text(std::uint64_t items, std::string_view name, double fraction, double seconds) {
  std::string text = fmt::format("{} {} read", fmt::group_digits(items), name);
  if (fraction >= 0 && fraction <= 1) text += fmt::format(" ({:.0f}% of the input)", 100 * fraction);
  const double rate = seconds > 0 ? static_cast<double>(items) / seconds : 0.0;
  return text + fmt::format(", {:.2f} M {}/s", rate / 1e6, name);
}

std::string cpu_times_text(const std::vector<StageCpuTime>& times) {
  std::string text;
  for (const auto& [stage, cpu] : times)
    text += fmt::format("{}{} {:.0f} ms", text.empty() ? "" : ", ", stage,
                        std::chrono::duration<double, std::milli>(cpu).count());
  return text;
}

}  // namespace streamlab::detail
