// write_sensor_data: a synthetic stream of sensor readings as CSV — drifting levels, noise, rare spikes and broken
// rows.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string_view>

namespace streamlab {

/// The largest magnitude of a reading lessons 09 and 10 accept (`value` within ±1e12, and a
/// `timestamp_ms` of 0 or more); outside, a row is an `out_of_range` dead letter. It is beyond any
/// physical sensor, and it keeps what is computed from readings finite and readable: differences
/// and running statistics cannot overflow a double, and a forecast printed with 4 decimals has at
/// most 18 digits (a value of 1e308 would print 310 of them, and its spread as `inf`).
inline constexpr double max_sensor_value = 1e12;

/// What write_sensor_data() wrote.
struct SensorData {
  std::uint64_t rows = 0;    ///< rows written, not counting the header and the unterminated quote at the end
  std::uint64_t spikes = 0;  ///< good rows with a spike of ±12 added: the anomalies a model should flag
  std::uint64_t broken = 0;  ///< rows broken on purpose (the unterminated quote at the end included)
  bool complete = false;     ///< false when `keep_going` stopped it early
};

/// Writes `rows` readings of 16 sensors as CSV (`timestamp_ms,sensor_id,value`, a header first),
/// the data of lessons 09 and 10, of tests and of benchmarks: row i is sensor i mod 16 at
/// 1,700,000,000,000 + 10·i ms, its value a level (20 + 2.5 × sensor) plus a slow wave (amplitude
/// 5) plus normal noise (σ 0.5), with three decimals. About 1 row in 500 carries a spike of ±12,
/// and about 1 in 500 is broken, in turn, in each of the ways a real file breaks: a missing
/// field, an empty field, a value that is not a number, a value out of range (`1e400`), `nan`, a
/// line of 5,000 digits, a NUL byte; the last row is an unterminated quote. The same `seed` gives
/// the same bytes on every machine (streamlab::Random).
///
/// The text goes to `write` in pieces of about 64 KiB. Every 4096 rows `keep_going(rows so far)`
/// is asked (when given) whether to go on: return false to stop early (Ctrl-C, say); what was
/// written is then a partial file, and the result says `complete = false`.
///
/// **Example**
/// \code
/// streamlab::AtomicFile file{"readings.csv"};
/// auto data = streamlab::write_sensor_data(1'000'000, 42, [&](std::string_view text) { file.write(text); });
/// file.commit();   // data.spikes: how many anomalies there are to find
/// \endcode
SensorData write_sensor_data(std::int64_t rows, std::uint64_t seed, const std::function<void(std::string_view)>& write,
                             const std::function<bool(std::uint64_t)>& keep_going = {});

/// write_sensor_data() into the file `path`, written atomically (AtomicFile): it appears whole or
/// not at all — stopped by `keep_going`, it is not kept. While it is written, a progress line goes
/// to stderr when that is a terminal. Throws std::system_error when the file cannot be written.
SensorData write_sensor_csv(const std::filesystem::path& path, std::int64_t rows, std::uint64_t seed,
                            const std::function<bool()>& keep_going = {});

}  // namespace streamlab
