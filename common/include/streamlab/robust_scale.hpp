// robust_scale(values): a centre and a spread that a few wild values cannot move — the median and the MAD.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <vector>

namespace streamlab {

/// The centre and spread of some values, estimated robustly: see robust_scale().
struct RobustScale {
  double median = 0;  ///< the middle value (the mean of the two middle ones for an even count)
  double sigma = 0;   ///< the spread, on the scale of a standard deviation (0: all values alike)

  /// True when `x` is more than `k` sigmas from the median. Never true when sigma is 0.
  bool is_outlier(double x, double k) const noexcept { return sigma > 0 && std::abs(x - median) > k * sigma; }
};

/// The median of `values` and their spread as 1.4826 × the median absolute deviation from it
/// (MAD; the factor makes it the standard deviation for normal data). The mean and the standard
/// deviation are moved without bound by a single wild value — one `-999999` sentinel among 30
/// readings near 20 makes their standard deviation about 180,000 — while the median and the MAD
/// ignore up to half of the values being wild. When more than half the values are equal the MAD is 0; then
/// the mean absolute deviation from the median (× 1.2533) is the spread, and 0 only when all are
/// equal. An empty span gives {0, 0}. O(n) time (std::nth_element on a copy), O(n) memory.
///
/// **Example** (a warm-up with a sentinel: the sentinel is the one outlier)
/// \code
/// std::vector<double> warm_up{20.1, 19.8, -999999, 20.3, 20.0, 19.9};
/// streamlab::RobustScale scale = streamlab::robust_scale(warm_up);   // median 19.95, sigma ≈ 0.22
/// for (double v : warm_up) if (!scale.is_outlier(v, 5)) model.learn(v);   // skips -999999
/// \endcode
inline RobustScale robust_scale(std::span<const double> values) {
  if (values.empty()) return {};
  std::vector<double> work(values.begin(), values.end());
  const auto middle_of = [](std::vector<double>& v) {
    const std::size_t half = v.size() / 2;
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(half), v.end());
    const double upper = v[half];
    if (v.size() % 2 == 1) return upper;
    const double lower = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(half));
    return lower + (upper - lower) / 2;
  };
  RobustScale scale;
  scale.median = middle_of(work);
  double total = 0;
  for (double& v : work) {
    v = std::abs(v - scale.median);
    total += v;
  }
  const double mad = middle_of(work);
  scale.sigma = mad > 0 ? 1.4826 * mad : 1.2533 * total / static_cast<double>(work.size());
  return scale;
}

}  // namespace streamlab
