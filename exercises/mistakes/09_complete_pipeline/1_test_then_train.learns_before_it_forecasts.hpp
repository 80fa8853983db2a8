// Exercise 09.1 ★★ — Test-then-train: each reading forecast before the model learns it
//
// KNOWN MISTAKE: the reading is learnt first and forecast after: the forecast has already seen the
//   answer. Every error comes out 30 % too small (alpha 0.3), the first reading gets a forecast of
//   itself, and a spike moves the level before it is judged, so 30 % of it is hidden.
//
// Lesson 09's model learns as the stream goes by, and the error it reports is a real forecast
// error because each reading is forecast first and learnt only after: the model never sees the
// answer before it guesses. Write score(value), one reading of one sensor, in three steps:
//
// 1. Forecast: the level (an exponential moving average of the readings learnt so far) is the
//    forecast. The first reading has none: nothing has been learnt yet.
// 2. Test: the error is value − forecast. The reading is an anomaly when at least `warm_up` errors
//    have been learnt and |error| > `threshold` × the standard deviation of those past errors.
// 3. Train: unless it is an anomaly, learn its error (into errors_) and its value (into level_).
//    An anomaly is learnt by neither: a spike must not move the level, nor widen what counts as
//    normal.
//
// Check it:  scripts/exercise 09.1        Stuck?  scripts/exercise --hint 09.1
#pragma once

#include "streamlab/stats.hpp"

#include <cmath>
#include <cstddef>
#include <optional>

namespace exercise {

/// What the model made of one reading.
struct Score {
  std::optional<double> forecast;  ///< the forecast made before the reading was learnt (none for the first)
  double error = 0.0;              ///< value − forecast (0 without a forecast)
  bool anomaly = false;            ///< |error| over threshold × the standard deviation of the past errors
};

/// One sensor's model, learning as it goes: it forecasts each reading, then learns it.
class SensorModel {
 public:
  /// A level of smoothing `alpha`; nothing is an anomaly before `warm_up` errors are learnt; an
  /// anomaly is more than `threshold` standard deviations of the past errors off its forecast.
  explicit SensorModel(double alpha = 0.3, std::size_t warm_up = 30, double threshold = 5.0)
      : level_(alpha), warm_up_(warm_up), threshold_(threshold) {}

  /// Scores one reading against what the model learnt before it, then learns it (unless it is an anomaly).
  Score score(double value) {
    Score result;
    level_.add(value);                 // learnt first...
    result.forecast = level_.value();  // ...then forecast: the forecast has seen the value
    result.error = value - *result.forecast;
    result.anomaly = errors_.count() >= warm_up_ && std::abs(result.error) > threshold_ * errors_.stddev();
    if (!result.anomaly) errors_.add(result.error);
    return result;
  }

  /// The readings learnt: their moving average is the next forecast.
  const streamlab::ExponentialMovingAverage& level() const { return level_; }
  /// The forecast errors learnt.
  const streamlab::OnlineStats& errors() const { return errors_; }
  /// How many errors must be learnt before anything is an anomaly.
  std::size_t warm_up() const { return warm_up_; }
  /// How many standard deviations of the past errors make an anomaly.
  double threshold() const { return threshold_; }

 private:
  streamlab::ExponentialMovingAverage level_;
  streamlab::OnlineStats errors_;
  std::size_t warm_up_;
  double threshold_;
};

}  // namespace exercise
