// Tests of AtomicFile: the file appears whole on commit, never half-written, and no temporary is left;
// nothing but a regular file is ever replaced (devices, FIFOs, links, folders), modes and umask are
// kept, descriptors do not leak into child processes, and a killed writer's temporary is cleaned.
#include "streamlab/atomic_file.hpp"
#include "streamlab/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
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
::mode_t mode_of(const fs::path& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}
::mode_t type_of(const fs::path& path) {  // the file itself, not what a link points to
  struct stat st {};
  REQUIRE(::lstat(path.c_str(), &st) == 0);
  return st.st_mode & S_IFMT;
}

// Sets the umask for a scope (the process's, so tests that use it run one at a time, as Catch2 does).
class ScopedUmask {
 public:
  explicit ScopedUmask(::mode_t mask) : old_(::umask(mask)) {}
  ~ScopedUmask() { ::umask(old_); }
  ScopedUmask(const ScopedUmask&) = delete;
  ScopedUmask& operator=(const ScopedUmask&) = delete;

 private:
  ::mode_t old_;
};

// A copy of the device /dev/<name> in `folder` when run as root (as in a container), so that a
// replaced node would be our own; otherwise the device itself (which only root could replace).
fs::path device(const fs::path& folder, const char* name, unsigned minor) {
  if (::geteuid() != 0) return fs::path("/dev") / name;
  const fs::path node = folder / name;
  REQUIRE(::mknod(node.c_str(), S_IFCHR | 0666, ::makedev(1, minor)) == 0);
  return node;
}

// A process id that names no process: a child that has exited and been reaped.
pid_t dead_pid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  REQUIRE(child > 0);
  ::waitpid(child, nullptr, 0);
  return child;
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

TEST_CASE("a new file gets mode 0666 minus the umask") {
  streamlab::TempDir dir;
  for (const auto& [mask, mode] : {std::pair<::mode_t, ::mode_t>{077, 0600}, {022, 0644}, {002, 0664}}) {
    const fs::path path = dir.path() / ("out-" + std::to_string(mode) + ".csv");
    {
      const ScopedUmask umask{mask};
      streamlab::AtomicFile out{path};
      out.write("x\n");
      out.commit();
    }
    INFO("umask 0" << std::oct << mask);
    CHECK(mode_of(path) == mode);
  }
}

TEST_CASE("replacing a file keeps its mode, whatever the umask") {
  streamlab::TempDir dir;
  const ScopedUmask umask{022};
  for (const ::mode_t mode : {0600u, 0640u, 0444u}) {
    const fs::path path = dir.path() / ("kept-" + std::to_string(mode) + ".csv");
    std::ofstream(path) << "old\n";
    REQUIRE(::chmod(path.c_str(), mode) == 0);
    streamlab::AtomicFile out{path};
    out.write("new\n");
    out.commit();
    CHECK(slurp(path) == "new\n");
    CHECK(mode_of(path) == mode);
  }
}

TEST_CASE("the temporary file's descriptor is close-on-exec: a child process does not hold it") {
  streamlab::TempDir dir;
  streamlab::AtomicFile out{dir.path() / "out.csv"};
  const std::string temporary = out.temporary_path().string();
  CHECK(out.temporary_path().filename().string().rfind("out.csv.tmp-" + std::to_string(::getpid()) + "-", 0) == 0);
  // The descriptor, found by the file it names, has FD_CLOEXEC...
  int found = -1;
  for (const auto& entry : fs::directory_iterator("/proc/self/fd")) {
    std::error_code error;
    if (fs::read_symlink(entry.path(), error).string() == temporary) found = std::stoi(entry.path().filename());
  }
  REQUIRE(found >= 0);
  CHECK((::fcntl(found, F_GETFD) & FD_CLOEXEC) != 0);
  // ...so a program started now (as ProcessPool's workers are) does not have it among its files.
  const fs::path listing = dir.path() / "listing.txt";
  const pid_t child = ::fork();
  if (child == 0) {
    const int fd = ::open(listing.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(fd, STDOUT_FILENO);
    ::execlp("ls", "ls", "-l", "/proc/self/fd/", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  const std::string files = slurp(listing);
  CHECK(files.find("listing.txt") != std::string::npos);  // the listing shows the child's files
  CHECK(files.find(temporary) == std::string::npos);
}

TEST_CASE("a character device is written directly, never replaced", "[faults]") {
  streamlab::TempDir dir;
  const fs::path null = device(dir.path(), "null", 3);
  const std::size_t files = files_in(dir.path());
  streamlab::AtomicFile out{null};
  CHECK(out.direct());
  CHECK(out.temporary_path().empty());
  out.write(std::string(200000, 'x'));
  out.write("end\n");
  out.commit();
  CHECK(out.committed());
  CHECK(type_of(null) == S_IFCHR);  // still the device, not a regular file named null
  CHECK(files_in(dir.path()) == files);
}

TEST_CASE("a full device: the error is reported, the device stays", "[faults]") {
  streamlab::TempDir dir;
  const fs::path full = device(dir.path(), "full", 7);
  const std::size_t files = files_in(dir.path());
  {
    streamlab::AtomicFile out{full};
    out.write("a few bytes: buffered, so the write fails at commit\n");
    try {
      out.commit();
      FAIL("commit on a full device did not throw");
    } catch (const std::system_error& error) {
      CHECK(error.code().value() == ENOSPC);
      CHECK_THAT(error.what(), Catch::Contains(full.string()) && Catch::Contains("write failed"));
    }
    CHECK_FALSE(out.committed());
  }
  CHECK(type_of(full) == S_IFCHR);
  CHECK(files_in(dir.path()) == files);
}

TEST_CASE("a FIFO is written into, not replaced", "[faults]") {
  streamlab::TempDir dir;
  const fs::path fifo = dir.path() / "pipe";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);  // a reader first: the writer's open then returns
  REQUIRE(reader >= 0);
  {
    streamlab::AtomicFile out{fifo};
    CHECK(out.direct());
    out.write("through the pipe\n");
    out.commit();
  }
  char text[64] = {};
  const ssize_t n = ::read(reader, text, sizeof text);
  ::close(reader);
  CHECK(std::string(text, n > 0 ? static_cast<std::size_t>(n) : 0) == "through the pipe\n");
  CHECK(type_of(fifo) == S_IFIFO);
  CHECK(files_in(dir.path()) == 1);
}

TEST_CASE("a symbolic link is followed: the file it points to is replaced, the link stays", "[faults]") {
  streamlab::TempDir dir;
  fs::create_directories(dir.path() / "data");
  fs::create_directories(dir.path() / "links");
  const fs::path real = dir.path() / "data" / "real.csv";
  std::ofstream(real) << "old\n";
  REQUIRE(::chmod(real.c_str(), 0640) == 0);
  const fs::path link = dir.path() / "links" / "out.csv";
  fs::create_symlink("../data/real.csv", link);
  const fs::path chain = dir.path() / "links" / "chain.csv";  // a link to the link
  fs::create_symlink("out.csv", chain);
  for (const fs::path& given : {link, chain}) {
    streamlab::AtomicFile out{given};
    CHECK(fs::equivalent(out.target(), real));
    CHECK(fs::equivalent(out.temporary_path().parent_path(), real.parent_path()));  // renamed within its folder
    out.write("new from " + given.filename().string() + "\n");
    out.commit();
    CHECK(slurp(real) == "new from " + given.filename().string() + "\n");
    CHECK(type_of(link) == S_IFLNK);
    CHECK(type_of(chain) == S_IFLNK);
    CHECK(mode_of(real) == 0640);
  }
  CHECK(files_in(dir.path() / "data") == 1);
  CHECK(files_in(dir.path() / "links") == 2);

  SECTION("a link to a file not made yet: the file is made, the link stays") {
    const fs::path dangling = dir.path() / "links" / "new.csv";
    fs::create_symlink("../data/new.csv", dangling);
    streamlab::AtomicFile out{dangling};
    out.write("made\n");
    out.commit();
    CHECK(type_of(dangling) == S_IFLNK);
    CHECK(slurp(dir.path() / "data" / "new.csv") == "made\n");
  }
  SECTION("a loop of links is refused") {
    fs::create_symlink("b", dir.path() / "a");
    fs::create_symlink("a", dir.path() / "b");
    CHECK_THROWS_AS(streamlab::AtomicFile{dir.path() / "a"}, std::system_error);
    CHECK(type_of(dir.path() / "a") == S_IFLNK);
  }
}

TEST_CASE("a directory is refused at once: nothing is written", "[faults]") {
  streamlab::TempDir dir;
  const fs::path folder = dir.path() / "results";
  fs::create_directories(folder);
  try {
    streamlab::AtomicFile out{folder};
    FAIL("a directory was accepted");
  } catch (const std::system_error& error) {
    CHECK(error.code().value() == EISDIR);
    CHECK_THAT(error.what(), Catch::Contains("results"));
  }
  CHECK(files_in(dir.path()) == 1);  // no temporary file next to it
  CHECK(fs::is_empty(folder));
}

TEST_CASE("a socket is refused: only regular files are replaced", "[faults]") {
  streamlab::TempDir dir;
  const fs::path path = dir.path() / "socket";
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  REQUIRE(path.string().size() < sizeof address.sun_path);
  std::strcpy(address.sun_path, path.c_str());
  REQUIRE(::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
  CHECK_THROWS_AS(streamlab::AtomicFile{path}, std::system_error);
  ::close(fd);
  CHECK(type_of(path) == S_IFSOCK);
  CHECK(files_in(dir.path()) == 1);
}

TEST_CASE("a killed writer's temporary file is removed, a live writer's is not", "[faults]") {
  streamlab::TempDir dir;
  const std::string gone = std::to_string(dead_pid());
  const auto make = [&](const std::string& name) {
    std::ofstream(dir.path() / name) << "half a file";
    return dir.path() / name;
  };
  const fs::path stale = make("out.csv.tmp-" + gone + "-aB3dE9");
  const fs::path locked = make("out.csv.tmp-" + gone + "-zzzzzz");  // pid gone, but its lock is held:
  const int lock = ::open(locked.c_str(), O_RDONLY);                // a writer in another PID namespace
  REQUIRE(::flock(lock, LOCK_EX) == 0);
  const fs::path alive = make("out.csv.tmp-" + std::to_string(::getpid()) + "-qwerty");
  const fs::path old_form = make("out.csv.tmp-Xy12Zw");              // no pid: whose it is cannot be told
  const fs::path other = make("other.csv.tmp-" + gone + "-aB3dE9");  // another file's
  {
    streamlab::AtomicFile out{dir.path() / "out.csv"};
    CHECK_FALSE(fs::exists(stale));
    out.write("whole\n");
    out.commit();
  }
  ::close(lock);
  CHECK(slurp(dir.path() / "out.csv") == "whole\n");
  CHECK_FALSE(fs::exists(stale));
  CHECK(fs::exists(locked));
  CHECK(fs::exists(alive));
  CHECK(fs::exists(old_form));
  CHECK(fs::exists(other));
}
