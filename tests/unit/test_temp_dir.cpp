#include "streamlab/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <string>
#include <system_error>

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

TEST_CASE("a missing TMPDIR: the error names it, and nothing is made", "[faults]") {
  const char* old = std::getenv("TMPDIR");
  const std::string saved = old != nullptr ? old : "";
  ::setenv("TMPDIR", "/nonexistent/streamlab-test", 1);
  try {
    streamlab::TempDir dir{"unit"};
    FAIL("a temporary folder was made in a missing folder: " << dir.path());
  } catch (const std::system_error& error) {
    CHECK(error.code().value() == ENOENT);
    CHECK_THAT(error.what(),
               Catch::StartsWith("cannot create a temporary folder in /nonexistent/streamlab-test (TMPDIR)"));
  }
  old != nullptr ? ::setenv("TMPDIR", saved.c_str(), 1) : ::unsetenv("TMPDIR");
  CHECK_FALSE(std::filesystem::exists("/nonexistent/streamlab-test"));
}

TEST_CASE("TMPDIR is where the folder is made, as an absolute path") {
  streamlab::TempDir outer{"unit"};
  const char* old = std::getenv("TMPDIR");
  const std::string saved = old != nullptr ? old : "";
  ::setenv("TMPDIR", outer.path().c_str(), 1);
  {
    streamlab::TempDir inner{"unit"};
    CHECK(inner.path().parent_path() == outer.path());
    CHECK(inner.path().filename().string().rfind("streamlab-unit-", 0) == 0);
  }
  old != nullptr ? ::setenv("TMPDIR", saved.c_str(), 1) : ::unsetenv("TMPDIR");
}

TEST_CASE("path_or: the file the user named, or a name in the temporary folder") {
  streamlab::TempDir dir{"test"};
  CHECK(dir.path_or("", "scored.csv") == dir.path() / "scored.csv");
  CHECK(dir.path_or("out/kept.csv", "scored.csv") == std::filesystem::path("out/kept.csv"));
}
