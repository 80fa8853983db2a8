#include "streamlab/parse_number.hpp"

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <system_error>
#include <type_traits>

namespace streamlab {

namespace detail {
namespace {

#if defined(__cpp_lib_to_chars)
template <typename T>
std::from_chars_result from_chars_with_library(const char* first, const char* last, T& value) noexcept {
  return std::from_chars(first, last, value, std::chars_format::general);
}
#else
/// Where the grammar of from_chars (general format) ends, scanning from `first`; `first` when no
/// number starts there.
const char* end_of_number(const char* first, const char* last) noexcept {
  auto lower = [](char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); };
  auto starts_with = [&](const char* p, std::string_view word) {
    if (static_cast<std::size_t>(last - p) < word.size()) return false;
    for (std::size_t i = 0; i < word.size(); ++i) {
      if (lower(p[i]) != word[i]) return false;
    }
    return true;
  };
  auto digits = [&](const char* p) {
    while (p < last && *p >= '0' && *p <= '9') ++p;
    return p;
  };
  const char* p = first < last && *first == '-' ? first + 1 : first;
  if (starts_with(p, "infinity")) return p + 8;
  if (starts_with(p, "inf")) return p + 3;
  if (starts_with(p, "nan")) {
    const char* q = p + 3;  // nan(n-char-sequence), when the parenthesis closes
    if (q < last && *q == '(') {
      const char* r = q + 1;
      while (r < last && (std::isalnum(static_cast<unsigned char>(*r)) || *r == '_')) ++r;
      if (r < last && *r == ')') return r + 1;
    }
    return q;
  }
  const char* end = digits(p);
  bool any_digit = end > p;
  if (end < last && *end == '.') {
    const char* fraction_end = digits(end + 1);
    any_digit = any_digit || fraction_end > end + 1;
    end = fraction_end;
  }
  if (!any_digit) return first;  // "", "-", ".", "-.e5"
  if (end < last && (*end == 'e' || *end == 'E')) {
    const char* exponent = end + 1;
    if (exponent < last && (*exponent == '+' || *exponent == '-')) ++exponent;
    const char* exponent_end = digits(exponent);
    if (exponent_end > exponent) end = exponent_end;  // "1e" and "1e+" stop before the 'e'
  }
  return end;
}

template <typename T>
std::from_chars_result from_chars_with_library(const char* first, const char* last, T& value) noexcept {
  const char* end = end_of_number(first, last);
  if (end == first) return {first, std::errc::invalid_argument};
  char small[64];
  std::string large;
  const auto length = static_cast<std::size_t>(end - first);
  const char* text = small;
  if (length < sizeof small) {
    std::memcpy(small, first, length);
    small[length] = '\0';
  } else {
    try {
      large.assign(first, end);
    } catch (...) {
      return {first, std::errc::not_enough_memory};
    }
    text = large.c_str();
  }
  errno = 0;
  char* stop = nullptr;
  const T parsed =
      std::is_same_v<T, float> ? static_cast<T>(std::strtof(text, &stop)) : static_cast<T>(std::strtod(text, &stop));
  if (errno == ERANGE && (std::isinf(parsed) || parsed == T{0})) return {end, std::errc::result_out_of_range};
  value = parsed;
  return {first + (stop - text), std::errc{}};
}
#endif

}  // namespace

std::from_chars_result from_chars_floating(const char* first, const char* last, double& value) noexcept {
  return from_chars_with_library(first, last, value);
}

std::from_chars_result from_chars_floating(const char* first, const char* last, float& value) noexcept {
  return from_chars_with_library(first, last, value);
}

}  // namespace detail

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
  const auto [stop, error] = detail::from_chars_floating(text.data(), end, value);
  if (error == std::errc::result_out_of_range) return {0.0, "out of range for a double"};
  if (error != std::errc{}) return {0.0, "not a number"};
  if (stop != end) return {0.0, "not a number (extra characters after it)"};
  if (!std::isfinite(value)) return {0.0, "not a finite number (NaN or infinity)"};
  return {value, {}};
}

}  // namespace streamlab
