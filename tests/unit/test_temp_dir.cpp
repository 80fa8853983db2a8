#include "streamlab/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fstream>

TEST_CASE("a temporary folder exists while in scope and is removed with its contents") {
  std::filesystem::path kept;
  {
    streamlab::TempDir dir{"unit"};
    kept = dir.path();
    REQUIRE(std::filesystem::is_directory(kept));
    std::filesystem::create_directories(kept / "sub");
    std::ofstream(kept / "sub" / "data.txt") << "x";
    CHECK(dir.relative(kept / "sub" / "data.txt") == "sub/data.txt");
  }
  CHECK_FALSE(std::filesystem::exists(kept));
}

TEST_CASE("two temporary folders are distinct") {
  streamlab::TempDir a{"unit"};
  streamlab::TempDir b{"unit"};
  CHECK(a.path() != b.path());
}
