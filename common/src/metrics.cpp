#include "streamlab/metrics.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace streamlab {

std::uint64_t peak_rss_bytes() {
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  return static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;  // Linux reports kilobytes
}

std::uint64_t current_rss_bytes() {
  std::FILE* statm = std::fopen("/proc/self/statm", "r");
  if (statm == nullptr) return 0;
  unsigned long long total_pages = 0;
  unsigned long long resident_pages = 0;
  const int fields = std::fscanf(statm, "%llu %llu", &total_pages, &resident_pages);
  std::fclose(statm);
  if (fields != 2) return 0;
  return resident_pages * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
}

ProgressLine::ProgressLine() noexcept
    : ProgressLine(STDERR_FILENO, ::isatty(STDERR_FILENO) == 1, std::chrono::seconds(1)) {}

ProgressLine::ProgressLine(int fd, bool enabled, std::chrono::steady_clock::duration interval) noexcept
    : fd_(fd), enabled_(enabled), interval_(interval), last_(std::chrono::steady_clock::now()) {}

ProgressLine::~ProgressLine() { clear(); }

bool ProgressLine::due() noexcept {
  if (!enabled_) return false;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_ < interval_) return false;
  last_ = now;
  return true;
}

namespace {
// All of `text`, or as much as the terminal takes: progress is a courtesy, never an error.
void write_fully(int fd, std::string_view text) noexcept {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}
}  // namespace

void ProgressLine::show(std::string_view text) noexcept {
  if (!enabled_) return;
  // Back to the start of the line, the text, then erase whatever a longer line left after it.
  write_fully(fd_, "\r");
  write_fully(fd_, text);
  write_fully(fd_, "\033[K");
  shown_ = true;
}

void ProgressLine::clear() noexcept {
  if (!shown_) return;
  write_fully(fd_, "\r\033[K");
  shown_ = false;
}

}  // namespace streamlab
