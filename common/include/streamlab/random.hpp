// Random: a seeded random number generator that gives the same numbers on every platform.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>

namespace streamlab {

/// A small, fast, seeded pseudo-random generator (xoshiro256**, seeded through SplitMix64) with
/// its own distributions.
///
/// Why not `std::mt19937` with `std::normal_distribution`? The engines are portable, but the
/// standard leaves the distributions' algorithms to each library: the same seed gives different
/// numbers with libstdc++, libc++ and MSVC, and a golden file would only pass on one of them.
/// Every distribution here is written out, so the same seed gives the same sequence everywhere
/// (normal() uses `std::log` and `std::sqrt`; sqrt is exact in IEEE 754 and log is correctly
/// rounded in glibc, so printed values agree far beyond the digits the lessons print).
///
/// It also satisfies `std::uniform_random_bit_generator`, so `std::shuffle` accepts it.
///
/// **One draw a statement.** The same seed gives the same numbers only if they are drawn in the
/// same order. The order in which a call's arguments (or the operands of `+`, `*`, `==`, ...) are
/// evaluated is unspecified in C++, and g++ and clang do differ: in
/// `fmt::format("{},{}", rng.uniform_int(0, 9), rng.normal(20.0, 5.0))` g++ draws the normal first
/// and clang the integer, so the "same" data differs by compiler. Draw into named variables, one
/// statement each, then use them. (Braced initialisers `T{a(), b()}`, `&&`, `||`, `,` and, since
/// C++17, `<<`, `>>` and the right side of `=` before the left are sequenced, but one draw a
/// statement needs no such rules.)
/// Not thread-safe: one generator per thread, each seeded on its own.
///
/// **Example**
/// \code
/// streamlab::Random rng{42};
/// double x = rng.normal(100.0, 15.0);     // same value on every machine for seed 42
/// int die = rng.uniform_int(1, 6);
/// \endcode
class Random {
 public:
  using result_type = std::uint64_t;  ///< 64 random bits per call

  /// Seeds the four words of state from one 64-bit seed with SplitMix64, as the xoshiro authors advise.
  explicit Random(std::uint64_t seed) noexcept {
    for (auto& word : state_) word = splitmix64(seed);
  }

  /// Smallest value operator() returns (for std::uniform_random_bit_generator).
  static constexpr result_type min() noexcept { return 0; }
  /// Largest value operator() returns.
  static constexpr result_type max() noexcept { return std::numeric_limits<result_type>::max(); }

  /// The next 64 random bits.
  result_type operator()() noexcept { return next_u64(); }
  /// The next 64 random bits (xoshiro256**).
  result_type next_u64() noexcept {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

  /// Uniform in [0, 1): the top 53 bits scaled, so every value is a multiple of 2^-53.
  double uniform01() noexcept { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

  /// Uniform in [low, high).
  double uniform(double low, double high) noexcept { return low + (high - low) * uniform01(); }

  /// Uniform integer in [low, high], both ends included, without modulo bias (Lemire's method).
  std::int64_t uniform_int(std::int64_t low, std::int64_t high) {
    if (low > high) throw std::invalid_argument("Random::uniform_int: low > high");
    const std::uint64_t span = static_cast<std::uint64_t>(high) - static_cast<std::uint64_t>(low);
    if (span == std::numeric_limits<std::uint64_t>::max()) return static_cast<std::int64_t>(next_u64());
    const std::uint64_t range = span + 1;
    uint128 product = static_cast<uint128>(next_u64()) * range;
    auto fraction = static_cast<std::uint64_t>(product);
    if (fraction < range) {
      const std::uint64_t threshold = (0 - range) % range;
      while (fraction < threshold) {
        product = static_cast<uint128>(next_u64()) * range;
        fraction = static_cast<std::uint64_t>(product);
      }
    }
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(low) + static_cast<std::uint64_t>(product >> 64));
  }

  /// Normally distributed with the given mean and standard deviation (Marsaglia's polar method;
  /// it makes values in pairs and keeps the second for the next call).
  double normal(double mean = 0.0, double stddev = 1.0) noexcept {
    if (has_spare_) {
      has_spare_ = false;
      return mean + stddev * spare_;
    }
    double u = 0.0;
    double v = 0.0;
    double s = 0.0;
    do {
      u = uniform(-1.0, 1.0);
      v = uniform(-1.0, 1.0);
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double scale = std::sqrt(-2.0 * std::log(s) / s);
    spare_ = v * scale;
    has_spare_ = true;
    return mean + stddev * u * scale;
  }

  /// True with the given probability.
  bool bernoulli(double probability) noexcept { return uniform01() < probability; }

 private:
  __extension__ using uint128 = unsigned __int128;  // GCC and Clang; __extension__ keeps -Wpedantic quiet
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
  static constexpr std::uint64_t splitmix64(std::uint64_t& x) noexcept {
    std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  std::uint64_t state_[4]{};
  double spare_ = 0.0;
  bool has_spare_ = false;
};

}  // namespace streamlab
