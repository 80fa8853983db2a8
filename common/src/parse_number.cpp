#include "streamlab/parse_number.hpp"

#include <charconv>
#include <cmath>
#include <system_error>

namespace streamlab {

ParsedNumber parse_double(std::string_view text) noexcept {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {0.0, "empty"};
  text = text.substr(first, text.find_last_not_of(" \t") - first + 1);
  // from_chars takes no '+' sign; allow one, but not "+-1" or "++1".
  if (text.front() == '+') {
    text.remove_prefix(1);
    if (text.empty() || text.front() == '-' || text.front() == '+') return {0.0, "not a number"};
  }
  double value = 0.0;
  const char* end = text.data() + text.size();
  if (detail::parse_plain_decimal(text.data(), end, value)) return {value, {}};  // the common case, exactly
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (error == std::errc::result_out_of_range) return {0.0, "out of range for a double"};
  if (error != std::errc{}) return {0.0, "not a number"};
  if (stop != end) return {0.0, "not a number (extra characters after it)"};
  if (!std::isfinite(value)) return {0.0, "not a finite number (NaN or infinity)"};
  return {value, {}};
}

}  // namespace streamlab
