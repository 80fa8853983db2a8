// Tests of exercise 09.1, test-then-train scoring (exercises/09_complete_pipeline/1_test_then_train.hpp).
// Run them with: scripts/exercise 09.1
#include "1_test_then_train.hpp"

#include "streamlab/random.hpp"
#include "streamlab/stats.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <optional>
#include <vector>

using exercise::Score;
using exercise::SensorModel;

namespace {
// 40 readings that alternate between 19 and 21: past the warm-up of 30, with forecast errors of
// about 1 either way.
void learn_a_steady_signal(SensorModel& model) {
  for (int i = 0; i < 40; ++i) model.score(i % 2 == 0 ? 19.0 : 21.0);
}
}  // namespace

TEST_CASE("test-then-train: the first reading has no forecast, and is learnt") {
  SensorModel model{0.5};
  const Score first = model.score(10.0);
  CHECK(first.forecast.has_value() == false);
  CHECK(first.error == 0.0);
  CHECK(first.anomaly == false);
  CHECK(model.level().count() == 1);
  CHECK(model.level().value() == 10.0);
}

TEST_CASE(
    "test-then-train: 10, 20, 20 are forecast as none, 10 and 15: each forecast is made before its reading is learnt "
    "(alpha 0.5)") {
  SensorModel model{0.5};
  std::vector<std::optional<double>> forecasts;
  std::vector<double> errors;
  for (double value : {10.0, 20.0, 20.0}) {
    const Score score = model.score(value);
    forecasts.push_back(score.forecast);
    errors.push_back(score.error);
  }
  CHECK(forecasts == std::vector<std::optional<double>>{std::nullopt, 10.0, 15.0});
  CHECK(errors == std::vector<double>{0.0, 10.0, 5.0});
  CHECK(model.level().value() == 17.5);  // all three learnt, after their forecasts
}

TEST_CASE("test-then-train: on a random walk of 1000 readings, every forecast is the level of the readings before it") {
  SensorModel model{0.3, 30, 1e9};  // a threshold nothing reaches: every reading is learnt
  streamlab::ExponentialMovingAverage before{0.3};
  streamlab::Random rng{9};
  double value = 100.0;
  double model_error = 0.0, honest_error = 0.0;
  int forecasts_as_expected = 0;
  for (int i = 0; i < 1000; ++i) {
    const double step = rng.normal(0.0, 1.0);
    value += step;
    const Score score = model.score(value);
    if (i > 0) {
      if (score.forecast && *score.forecast == before.value()) ++forecasts_as_expected;
      honest_error += std::abs(value - before.value());
      model_error += std::abs(score.error);
    }
    before.add(value);
  }
  CHECK(forecasts_as_expected == 999);
  // The mean absolute error the model reports is a real forecast error, not one that saw the answer.
  CHECK(model_error / 999 == Approx(honest_error / 999).epsilon(1e-12));
}

TEST_CASE("test-then-train: a reading 7 standard deviations off, after the warm-up, is an anomaly, and is not learnt") {
  SensorModel model;  // alpha 0.3, warm-up 30, threshold 5
  learn_a_steady_signal(model);
  const double level = model.level().value();
  const double sigma = model.errors().stddev();
  const auto errors_learnt = model.errors().count();
  const Score spike = model.score(level + 7.0 * sigma);
  REQUIRE(spike.forecast.has_value());
  CHECK(*spike.forecast == level);
  CHECK(spike.anomaly);
  // Neither the level nor the errors have learnt it.
  CHECK(model.level().value() == level);
  CHECK(model.errors().count() == errors_learnt);
}

TEST_CASE("test-then-train: two spikes in a row are both anomalies: the first has not widened what counts as normal") {
  SensorModel model;
  learn_a_steady_signal(model);
  const double spike = model.level().value() + 7.0 * model.errors().stddev();
  const Score first = model.score(spike);
  const Score second = model.score(spike);
  CHECK(first.anomaly);
  CHECK(second.anomaly);
  const Score back_to_normal = model.score(21.0);
  CHECK(back_to_normal.anomaly == false);
}

TEST_CASE("test-then-train: nothing is an anomaly before warm_up errors are learnt, and a spike then is learnt") {
  SensorModel model{0.3, 30, 5.0};
  for (double value : {20.0, 20.5, 19.8, 20.1}) model.score(value);
  const double level = model.level().value();
  const Score early_spike = model.score(50.0);
  CHECK(early_spike.anomaly == false);
  CHECK(model.level().value() > level);  // learnt: in the warm-up, a model cannot tell a spike yet
}
