// Tests of AtomicFile: the file appears whole on commit, never half-written, and no temporary is left.
#include "streamlab/atomic_file.hpp"
#include "streamlab/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>

namespace fs = std::filesystem;

namespace {
std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}
std::size_t files_in(const fs::path& folder) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(folder)) ++n;
  return n;
}
}  // namespace

TEST_CASE("commit makes the complete file appear and removes the temporary") {
  streamlab::TempDir dir;
  const fs::path path = dir.path() / "out.csv";
  std::string expected;
  {
    streamlab::AtomicFile out{path};
    CHECK(out.temporary_path().parent_path() == dir.path());
    CHECK(out.temporary_path().filename().string().rfind("out.csv.tmp-", 0) == 0);
    for (int i = 0; i < 20000; ++i) {  // more than the 64 KiB buffer
      const std::string line = "line " + std::to_string(i) + "\n";
      out.write(line);
      expected += line;
    }
    out.write(std::string(100000, 'x'));  // one write larger than the buffer: written as it is
    expected += std::string(100000, 'x');
    out.write("after\n");  // and what follows it comes after it
    expected += "after\n";
    CHECK_FALSE(fs::exists(path));  // nothing at the final path before commit
    out.commit();
    CHECK(out.committed());
    CHECK(out.bytes_written() == expected.size());
  }
  CHECK(slurp(path) == expected);
  CHECK(files_in(dir.path()) == 1);
}

TEST_CASE("without commit the old file stays and the temporary is removed") {
  streamlab::TempDir dir;
  const fs::path path = dir.path() / "out.csv";
  std::ofstream(path) << "old contents\n";
  try {
    streamlab::AtomicFile out{path};
    out.write("half of the new");
    throw std::runtime_error("a stage failed");
  } catch (const std::runtime_error&) {
  }
  CHECK(slurp(path) == "old contents\n");
  CHECK(files_in(dir.path()) == 1);
}

TEST_CASE("commit replaces an existing file") {
  streamlab::TempDir dir;
  const fs::path path = dir.path() / "out.csv";
  std::ofstream(path) << "old\n";
  streamlab::AtomicFile out{path};
  out.write("new\n");
  out.commit();
  CHECK(slurp(path) == "new\n");
}

TEST_CASE("a missing folder throws, naming the file") {
  streamlab::TempDir dir;
  const fs::path path = dir.path() / "no-such-folder" / "out.csv";
  CHECK_THROWS_WITH(streamlab::AtomicFile{path}, Catch::Contains("out.csv"));
  CHECK_THROWS_AS(streamlab::AtomicFile{path}, std::system_error);  // with errno: ENOENT
}

TEST_CASE("misuse: write or commit after commit throws, discard after commit is harmless") {
  streamlab::TempDir dir;
  streamlab::AtomicFile out{dir.path() / "a.txt"};
  out.commit();
  CHECK_THROWS_AS(out.write("x"), std::logic_error);
  CHECK_THROWS_AS(out.commit(), std::logic_error);
  out.discard();
  CHECK(fs::exists(dir.path() / "a.txt"));
}
