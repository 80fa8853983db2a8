#include "streamlab/sensor_data.hpp"

#include "streamlab/atomic_file.hpp"
#include "streamlab/metrics.hpp"
#include "streamlab/random.hpp"

#include <fmt/format.h>

#include <cmath>
#include <iterator>
#include <string>

namespace streamlab {

SensorData write_sensor_data(std::int64_t rows, std::uint64_t seed, const std::function<void(std::string_view)>& write,
                             const std::function<bool(std::uint64_t)>& keep_going) {
  constexpr std::size_t piece = 64 * 1024;
  constexpr int sensors = 16;
  Random rng{seed};
  SensorData data;
  std::string text = "timestamp_ms,sensor_id,value\n";
  auto out = std::back_inserter(text);
  for (std::int64_t i = 0; i < rows; ++i) {
    if (i % 4096 == 0 && keep_going && !keep_going(data.rows)) {
      write(text);
      return data;
    }
    if (text.size() >= piece) {
      write(text);
      text.clear();
    }
    const std::int64_t ts = 1'700'000'000'000 + i * 10;
    const int sensor = static_cast<int>(i % sensors);
    const double t = static_cast<double>(i / sensors);
    const double value = 20.0 + 2.5 * sensor + 5.0 * std::sin(t / 150.0 + sensor) + rng.normal(0.0, 0.5);
    ++data.rows;
    if (i > 0 && rng.bernoulli(0.002)) {
      switch (data.broken++ % 7) {  // each kind of bad row in turn
        case 0:
          fmt::format_to(out, "{},{}\n", ts, sensor);  // a field missing
          break;
        case 1:
          fmt::format_to(out, "{},,{:.3f}\n", ts, value);  // an empty field
          break;
        case 2:
          fmt::format_to(out, "{},{},n/a\n", ts, sensor);  // not a number
          break;
        case 3:
          fmt::format_to(out, "{},{},1e400\n", ts, sensor);  // a value out of range
          break;
        case 4:
          fmt::format_to(out, "{},{},nan\n", ts, sensor);  // not finite
          break;
        case 5:
          fmt::format_to(out, "{},{},{}\n", ts, sensor, std::string(5000, '9'));  // a line too long
          break;
        default:
          fmt::format_to(out, "{},{},1{}5\n", ts, sensor, '\0');  // a NUL byte
          break;
      }
    } else if (rng.bernoulli(0.002)) {
      ++data.spikes;
      fmt::format_to(out, "{},{},{:.3f}\n", ts, sensor, value + (rng.bernoulli(0.5) ? 12.0 : -12.0));
    } else {
      fmt::format_to(out, "{},{},{:.3f}\n", ts, sensor, value);
    }
  }
  fmt::format_to(out, "{},0,\"12.5\n", 1'700'000'000'000 + rows * 10);  // an unterminated quote, last
  ++data.broken;
  write(text);
  data.complete = true;
  return data;
}

SensorData write_sensor_csv(const std::filesystem::path& path, std::int64_t rows, std::uint64_t seed,
                            const std::function<bool()>& keep_going) {
  AtomicFile file{path};
  ProgressLine progress;  // erased when it goes
  const SensorData data = write_sensor_data(
      rows, seed, [&](std::string_view text) { file.write(text); },
      [&](std::uint64_t written) {
        if (progress.due())
          progress.show(
              fmt::format("generating data: {} of {} rows", fmt::group_digits(written), fmt::group_digits(rows)));
        return !keep_going || keep_going();
      });
  if (data.complete) file.commit();  // otherwise the AtomicFile removes what was written
  return data;
}

}  // namespace streamlab
