// Private fast kernel of the CSV scan: which of 16 bytes end an unquoted run, with SSE2 or SWAR.
// Internal to the library (never installed): csv.cpp uses it, and the tests reach it through the
// streamlab_internal target.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace streamlab::detail {

namespace swar {
// SWAR ("SIMD within a register"): eight bytes in one 64-bit word, tested all at once.
inline constexpr std::uint64_t low_bits = 0x7F7F7F7F7F7F7F7FULL;
constexpr std::uint64_t every_byte(unsigned char c) { return 0x0101010101010101ULL * c; }

// The high bit of each byte of `word` that is zero, and no other bit. Exact for every byte (the
// shorter `(x - 0x01..) & ~x` trick may also flag the byte above a zero): adding 0x7F to the low
// seven bits carries into the high bit unless they are all zero.
constexpr std::uint64_t zero_bytes(std::uint64_t word) { return ~(((word & low_bits) + low_bits) | word | low_bits); }
}  // namespace swar

/// special_bytes() without SIMD instructions (SWAR: eight bytes in a word, tested at once).
inline std::uint32_t special_bytes_portable(const char* p, char delimiter) noexcept {
  static_assert(std::endian::native == std::endian::little, "p[i] is byte i of the word (as in parse_eight_digits)");
  const std::uint64_t delimiters = swar::every_byte(static_cast<unsigned char>(delimiter));
  std::uint32_t bits = 0;
  for (int half = 0; half < 2; ++half) {
    std::uint64_t word;
    std::memcpy(&word, p + 8 * half, 8);
    const std::uint64_t hits = swar::zero_bytes(word ^ delimiters) | swar::zero_bytes(word ^ swar::every_byte('\n')) |
                               swar::zero_bytes(word ^ swar::every_byte('"')) | swar::zero_bytes(word);
    // The high bit of byte k is bit 8k + 7: one multiply gathers the eight into the top byte.
    bits |= static_cast<std::uint32_t>(((hits >> 7) * 0x0102040810204080ULL) >> 56) << (8 * half);
  }
  return bits;
}

/// The bytes among the 16 at `p` that end an unquoted CSV run — `delimiter`, '\n', '"' and NUL —
/// one bit each, bit i for p[i]. Reads exactly 16 bytes. With SSE2 (every x86-64 CPU has it) the
/// 16 are compared at once; special_bytes_portable() gives the same bits in plain C++ on other CPUs.
inline std::uint32_t special_bytes(const char* p, char delimiter) noexcept {
#if defined(__SSE2__)
  const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i ends_of_runs = _mm_or_si128(
      _mm_or_si128(_mm_cmpeq_epi8(block, _mm_set1_epi8(delimiter)), _mm_cmpeq_epi8(block, _mm_set1_epi8('\n'))),
      _mm_or_si128(_mm_cmpeq_epi8(block, _mm_set1_epi8('"')), _mm_cmpeq_epi8(block, _mm_setzero_si128())));
  return static_cast<std::uint32_t>(_mm_movemask_epi8(ends_of_runs));  // the top bit of each byte, bit i for byte i
#else
  return special_bytes_portable(p, delimiter);
#endif
}

}  // namespace streamlab::detail
