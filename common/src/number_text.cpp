#include "streamlab/number_text.hpp"

#include "kernels/decimal.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>

namespace streamlab {

namespace {

using detail::exact_powers_of_ten;

// "00", "01", ... "99": two digits per step halve the chain of divisions a number's digits need.
constexpr std::array<char, 200> digit_pairs = [] {
  std::array<char, 200> pairs{};
  for (int i = 0; i < 100; ++i) {
    pairs[static_cast<std::size_t>(2 * i)] = static_cast<char>('0' + i / 10);
    pairs[static_cast<std::size_t>(2 * i + 1)] = static_cast<char>('0' + i % 10);
  }
  return pairs;
}();

// Writes the last `count` digits of `units` so that they end at `end`; returns what is left of
// `units` (the digits before them).
std::uint64_t write_digits_backwards(char* end, std::uint64_t units, int count) noexcept {
  for (; count >= 2; count -= 2) {
    const std::uint64_t pair = units % 100;
    units /= 100;
    end -= 2;
    end[0] = digit_pairs[2 * pair];
    end[1] = digit_pairs[2 * pair + 1];
  }
  if (count == 1) {
    *--end = static_cast<char>('0' + units % 10);
    units /= 10;
  }
  return units;
}

// 10^0 to 10^19: every power of ten a std::uint64_t holds.
constexpr std::array<std::uint64_t, 20> powers_of_ten = [] {
  std::array<std::uint64_t, 20> powers{};
  std::uint64_t power = 1;
  for (auto& p : powers) {
    p = power;
    power *= 10;  // wraps after the last one, which is not kept
  }
  return powers;
}();

// How many decimal digits `value` has; 0 has one. Its bit width times log10(2) (1233 / 4096, a
// hair above it) is the digit count or one less, and one comparison decides: no loop, no branch.
int digit_count(std::uint64_t value) noexcept {
  const int guess = static_cast<int>((std::bit_width(value | 1) * 1233) >> 12);
  return guess + (value >= powers_of_ten[static_cast<std::size_t>(guess)] ? 1 : 0);
}

// The eight digits of `value` (< 10^8) as eight ASCII bytes in one register, the first digit in
// the lowest byte (the order memory has on this little-endian machine): the halves, then the
// pairs, then the digits of every lane at once, each division a multiply and a shift.
std::uint64_t eight_digits(std::uint32_t value) noexcept {
  static_assert(std::endian::native == std::endian::little, "the bytes of a register are stored lowest first");
  std::uint64_t lanes = (value / 10000) | (static_cast<std::uint64_t>(value % 10000) << 32);  // 2 × 4 digits
  const std::uint64_t hundreds = ((lanes * 10486) >> 20) & 0x0000007F0000007F;  // ÷ 100, exact below 10^4
  lanes = hundreds | ((lanes - hundreds * 100) << 16);                          // 4 × 2 digits
  const std::uint64_t tens = ((lanes * 103) >> 10) & 0x000F000F000F000F;        // ÷ 10, exact below 100
  return (tens | ((lanes - tens * 10) << 8)) | 0x3030303030303030;              // 8 digits, + '0'
}

// write_scaled() for units < 10^8 and decimals ≤ 7 — nearly every number a pipeline writes — with
// no loop and no branch that depends on how many digits there are: the digits are made in a
// register and stored with two fixed-size 8-byte stores (loading them back from a small array
// instead stalls on every number: the CPU cannot forward four 2-byte stores into one load). It
// writes up to 17 bytes at `first`; every caller has room for max_shortest_chars (24) or more.
char* write_scaled_small(char* first, std::uint32_t units, int decimals) noexcept {
  const std::uint64_t digits = eight_digits(units);              // with leading zeros: byte k is digit k of 8
  const int whole = std::max(digit_count(units) - decimals, 1);  // 0.05, not .05
  const std::uint64_t from_whole = digits >> (8 * (8 - decimals - whole));  // whole digits, then the decimals
  std::memcpy(first, &from_whole, 8);
  if (decimals == 0) return first + whole;
  first[whole] = '.';
  const std::uint64_t fraction = digits >> (8 * (8 - decimals));
  std::memcpy(first + whole + 1, &fraction, 8);
  return first + whole + 1 + decimals;
}

// write_scaled() for the rest: written in place from the last digit back, a pair at a time. Its
// own function, so that the common path does not save and restore the registers this one needs.
[[gnu::noinline]] char* write_scaled_large(char* first, std::uint64_t units, int decimals) noexcept {
  const int whole_digits = std::max(digit_count(units) - decimals, 1);  // 0.05, not .05
  char* const point = first + whole_digits;
  char* const end = point + (decimals > 0 ? 1 + decimals : 0);
  const std::uint64_t whole = write_digits_backwards(end, units, decimals);
  if (decimals > 0) *point = '.';
  write_digits_backwards(point, whole, whole_digits);
  return end;
}

// Writes `units` / 10^decimals: the digits of `units` with a point before the last `decimals`
// (and zeros before them when `units` has fewer digits). The sign is written without a branch:
// z-scores are negative half the time, in no pattern a branch predictor could learn.
char* write_scaled(char* first, bool minus, std::uint64_t units, int decimals) noexcept {
  *first = '-';
  first += minus ? 1 : 0;
  if (units < 100'000'000 && decimals <= 7)
    return write_scaled_small(first, static_cast<std::uint32_t>(units), decimals);
  return write_scaled_large(first, units, decimals);
}

}  // namespace

namespace detail {
char* write_long_unsigned(char* first, std::uint64_t value) noexcept {
  constexpr std::uint64_t ten_to_8 = 100'000'000;
  // The digits before the last eight with to_chars, and the last eight at the same time in a
  // register: two short chains of divisions instead of one long one.
  char* const end = std::to_chars(first, first + max_integer_chars, value / ten_to_8).ptr;
  const std::uint64_t low = eight_digits(static_cast<std::uint32_t>(value % ten_to_8));
  std::memcpy(end, &low, 8);
  return end + 8;
}
}  // namespace detail

char* write_fixed(char* first, double value, int decimals) {
  if (decimals < 0 || decimals > 9) throw std::invalid_argument("write_fixed: decimals must be 0 to 9");
  const double scale = exact_powers_of_ten[static_cast<std::size_t>(decimals)];
  const double magnitude = std::abs(value);
  if (!(magnitude < 0x1p52 / scale)) {  // huge, NaN or infinite: the general algorithm
    return std::to_chars(first, first + max_fixed_chars, value, std::chars_format::fixed, decimals).ptr;
  }
  // The exact product magnitude × scale is `scaled` (rounded) plus an error under half its last
  // bit. Round it to a whole number of units: only when its fraction is within that error of
  // one half does the error decide, and std::fma gives it exactly (rare, and slower).
  const double scaled = magnitude * scale;
  auto units = static_cast<std::uint64_t>(scaled);                       // the whole part: scaled < 2^52
  const double past_half = (scaled - static_cast<double>(units)) - 0.5;  // exact
  bool round_up = past_half > 0;
  if (std::abs(past_half) <= scaled * 0x1p-52) {
    const double exact_past_half = past_half + std::fma(magnitude, scale, -scaled);  // its sign is exact
    round_up = exact_past_half > 0 || (exact_past_half == 0 && units % 2 == 1);      // ties to even
  }
  return write_scaled(first, std::signbit(value), units + (round_up ? 1 : 0), decimals);
}

char* write_shortest(char* first, double value) noexcept {
  const double magnitude = std::abs(value);
  // In this range plain decimals are never longer than scientific notation, so to_chars would
  // choose them too; the fewest decimals that read back give the fewest significant digits.
  if (magnitude >= 1e-3 && magnitude < 1e4) {
    // Up to 15 significant digits at most one whole number of units lies close enough to read
    // back as `value`, and rounding `scaled` finds it (with 16 or 17 two may, and to_chars picks
    // the nearer). Hence: if d decimals read back, fewer than d do only by dropping trailing zeros,
    // and if d do not, fewer do not either. So try 4 first (most readings have 1 to 4), then drop
    // zeros, or go on with 5, 6, ...
    constexpr std::size_t first_try = 4;
    for (std::size_t decimals = first_try; decimals < exact_powers_of_ten.size(); ++decimals) {
      const double scaled = magnitude * exact_powers_of_ten[decimals];
      if (!(scaled < 1e15)) break;
      auto units = static_cast<std::uint64_t>(scaled + 0.5);
      if (detail::exact_decimal(units, decimals) == magnitude) {  // what reading the text back gives
        while (decimals > 0 && units % 10 == 0) {
          units /= 10;
          --decimals;
        }
        return write_scaled(first, std::signbit(value), units, static_cast<int>(decimals));
      }
    }
  }
  return std::to_chars(first, first + max_shortest_chars, value).ptr;
}

}  // namespace streamlab
