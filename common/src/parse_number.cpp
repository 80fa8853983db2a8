#include "streamlab/parse_number.hpp"

#include "kernels/decimal.hpp"

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
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

namespace {
constexpr bool is_blank(char c) noexcept { return c == ' ' || c == '\t'; }
}  // namespace

template <ParsableNumber T>
ParseResult<T> parse_number(std::string_view text) noexcept {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  if (text.empty()) return {T{}, RowError::empty_field};
  // from_chars takes no '+' sign; allow one, but not "+-1" or "++1".
  if (text.front() == '+' && text.size() > 1 && text[1] != '-' && text[1] != '+') text.remove_prefix(1);
  const char* const first = text.data();
  const char* const last = first + text.size();
  ParseResult<T> parsed;
  std::from_chars_result result{};
  if constexpr (std::is_floating_point_v<T>) {
    if constexpr (std::is_same_v<T, double>) {
      if (detail::parse_plain_decimal(first, last, parsed.value)) return parsed;  // the common case, exactly
    }
    result = detail::from_chars_floating(first, last, parsed.value);
  } else {
    // Fast path: up to digits10 plain digits cannot overflow T, so no checks are needed per digit.
    const bool minus = std::is_signed_v<T> && *first == '-';
    const char* digits = minus ? first + 1 : first;
    const auto count = static_cast<std::size_t>(last - digits);
    if (count > 0 && count <= static_cast<std::size_t>(std::numeric_limits<T>::digits10)) {
      T value = 0;
      const char* p = digits;
      if constexpr (std::numeric_limits<T>::digits10 >= 8) {  // a timestamp's 13 digits: 8 at once, then 5
        std::uint32_t eight = 0;
        for (; last - p >= 8 && detail::parse_eight_digits(p, eight); p += 8)
          value = static_cast<T>(value * 100'000'000 + static_cast<T>(eight));
      }
      for (; p < last && static_cast<unsigned char>(*p - '0') < 10; ++p)
        value = static_cast<T>(value * 10 + static_cast<T>(*p - '0'));
      if (p == last) {
        parsed.value = minus ? static_cast<T>(-value) : value;
        return parsed;
      }
    }
    result = std::from_chars(first, last, parsed.value, 10);
    if constexpr (std::is_unsigned_v<T>) {
      // from_chars rejects any '-' for unsigned types; a negative whole number is out of range, not text.
      if (result.ec == std::errc::invalid_argument && text.size() > 1 && text.front() == '-') {
        std::intmax_t negative = 0;
        const auto signed_result = std::from_chars(first, last, negative, 10);
        if ((signed_result.ec == std::errc{} || signed_result.ec == std::errc::result_out_of_range) &&
            signed_result.ptr == last) {
          return {T{}, RowError::out_of_range};
        }
      }
    }
  }
  if (result.ec == std::errc::result_out_of_range) return {T{}, RowError::out_of_range};
  if (result.ec != std::errc{} || result.ptr != last) return {T{}, RowError::not_a_number};
  if constexpr (std::is_floating_point_v<T>) {
    if (!std::isfinite(parsed.value)) return {T{}, RowError::non_finite};
  }
  return parsed;
}

template ParseResult<short> parse_number<short>(std::string_view) noexcept;
template ParseResult<unsigned short> parse_number<unsigned short>(std::string_view) noexcept;
template ParseResult<int> parse_number<int>(std::string_view) noexcept;
template ParseResult<unsigned> parse_number<unsigned>(std::string_view) noexcept;
template ParseResult<long> parse_number<long>(std::string_view) noexcept;
template ParseResult<unsigned long> parse_number<unsigned long>(std::string_view) noexcept;
template ParseResult<long long> parse_number<long long>(std::string_view) noexcept;
template ParseResult<unsigned long long> parse_number<unsigned long long>(std::string_view) noexcept;
template ParseResult<float> parse_number<float>(std::string_view) noexcept;
template ParseResult<double> parse_number<double>(std::string_view) noexcept;

}  // namespace streamlab
