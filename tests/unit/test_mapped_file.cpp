#include "streamlab/mapped_file.hpp"
#include "streamlab/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <fstream>
#include <numeric>
#include <system_error>
#include <vector>

using streamlab::MappedFile;

namespace {

template <typename T>
std::filesystem::path write_values(const streamlab::TempDir& dir, const std::string& name,
                                   const std::vector<T>& values) {
  auto path = dir.path() / name;
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(values.data()), static_cast<std::streamsize>(values.size() * sizeof(T)));
  return path;
}

}  // namespace

TEST_CASE("a float32 file as a span, without reading it into the program") {
  streamlab::TempDir dir{"test"};
  std::vector<float> values(10'000);
  std::iota(values.begin(), values.end(), 0.0f);
  const MappedFile<float> data{write_values(dir, "a.dat", values)};
  REQUIRE(data.size() == values.size());
  CHECK_FALSE(data.empty());
  CHECK(data[0] == 0.0f);
  CHECK(data[9'999] == 9'999.0f);
  CHECK(std::accumulate(data.begin(), data.end(), 0.0) == 49'995'000.0);
  CHECK(std::equal(data.values().begin(), data.values().end(), values.begin()));
  data.map().advise_random();  // hints never fail loudly
}

TEST_CASE("an empty file is an empty span") {
  streamlab::TempDir dir{"test"};
  const MappedFile<double> data{write_values<double>(dir, "empty.dat", {})};
  CHECK(data.empty());
  CHECK(data.values().empty());
  CHECK(data.begin() == data.end());
}

TEST_CASE("errors name the file and the reason") {
  streamlab::TempDir dir{"test"};
  CHECK_THROWS_WITH(MappedFile<float>{dir.path() / "missing.dat"},
                    Catch::Matchers::EndsWith("missing.dat: No such file or directory"));
  CHECK_THROWS_AS(MappedFile<float>{dir.path() / "missing.dat"}, std::system_error);
  CHECK_THROWS_WITH(MappedFile<float>{dir.path()}, Catch::Matchers::EndsWith(": Is a directory"));
  const auto odd = write_values<std::uint8_t>(dir, "odd.dat", {1, 2, 3, 4, 5, 6});
  CHECK_THROWS_WITH(MappedFile<float>{odd},
                    Catch::Matchers::EndsWith("odd.dat: size 6 bytes is not a multiple of 4 (the element size)"));
  CHECK(MappedFile<std::uint16_t>{odd}.size() == 3);
}

TEST_CASE("move-only: the map moves with its owner and is released once") {
  streamlab::TempDir dir{"test"};
  const auto path = write_values<std::int32_t>(dir, "m.dat", {7, 8, 9});
  MappedFile<std::int32_t> first{path};
  const auto* address = first.values().data();
  MappedFile<std::int32_t> second = std::move(first);
  CHECK(second.values().data() == address);
  CHECK(second[2] == 9);
  CHECK(first.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty, by design
  first = std::move(second);
  CHECK(first.size() == 3);
  static_assert(!std::is_copy_constructible_v<MappedFile<float>>);
}
