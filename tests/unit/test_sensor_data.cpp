#include "streamlab/sensor_data.hpp"

#include "streamlab/csv.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace {
std::string generate(std::int64_t rows, std::uint64_t seed, streamlab::SensorData* data = nullptr) {
  std::string text;
  const auto result = streamlab::write_sensor_data(rows, seed, [&](std::string_view piece) { text += piece; });
  if (data) *data = result;
  return text;
}
}  // namespace

TEST_CASE("the same seed gives the same bytes; another seed other bytes") {
  CHECK(generate(5000, 42) == generate(5000, 42));
  CHECK(generate(5000, 42) != generate(5000, 43));
}

TEST_CASE("a header, the rows asked for and an unterminated quote last; every broken row is rejected") {
  streamlab::SensorData data;
  const std::string text = generate(20'000, 7, &data);
  CHECK(data.complete);
  CHECK(data.rows == 20'000);
  CHECK(data.spikes > 0);
  CHECK(data.broken > 7);  // every kind at least once
  auto reader = streamlab::CsvReader::from_string(text);
  CHECK(reader.header() == std::vector<std::string>{"timestamp_ms", "sensor_id", "value"});
  std::uint64_t records = 0, bad = 0;
  while (auto row = reader.next()) {
    ++records;
    const auto ts = row->get<std::int64_t>(0);
    const auto sensor = row->get<std::uint64_t>(1);
    const auto value = row->get<double>(2);
    if (!row->ok() || streamlab::first_error(ts, sensor, value)) ++bad;
  }
  CHECK(records == 20'001);
  CHECK(bad == data.broken);
}

TEST_CASE("keep_going is asked every 4096 rows and can stop it") {
  std::string text;
  std::uint64_t asked = 0;
  const auto data = streamlab::write_sensor_data(
      100'000, 1, [&](std::string_view piece) { text += piece; },
      [&](std::uint64_t rows) {
        asked = rows;
        return rows < 8192;
      });
  CHECK_FALSE(data.complete);
  CHECK(data.rows == 8192);
  CHECK(asked == 8192);
  CHECK(std::count(text.begin(), text.end(), '\n') == 8193);  // the header and 8192 rows
}
