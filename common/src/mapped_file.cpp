#include "streamlab/mapped_file.hpp"

#include "streamlab/input_file.hpp"

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <utility>

namespace streamlab {

MappedBytes::MappedBytes(const std::filesystem::path& path) : name_(path.string()) {
  const FileDescriptor file = open_input_file(path);  // closed on return: the mapping keeps the file open
  struct stat info {};
  if (::fstat(file.get(), &info) != 0) throw std::system_error(errno, std::generic_category(), name_);
  size_ = static_cast<std::size_t>(info.st_size);
  if (size_ > 0) {
    void* data = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, file.get(), 0);
    if (data == MAP_FAILED) throw std::system_error(errno, std::generic_category(), name_ + ": mmap failed");
    data_ = data;
  }
}

MappedBytes::MappedBytes(MappedBytes&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)), name_(std::move(other.name_)) {}

MappedBytes& MappedBytes::operator=(MappedBytes&& other) noexcept {
  if (this != &other) {
    unmap();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    name_ = std::move(other.name_);
  }
  return *this;
}

MappedBytes::~MappedBytes() { unmap(); }

void MappedBytes::unmap() noexcept {
  if (data_ != nullptr) ::munmap(data_, size_);
  data_ = nullptr;
  size_ = 0;
}

void MappedBytes::advise_sequential() const noexcept {
  if (data_ != nullptr) ::madvise(data_, size_, MADV_SEQUENTIAL);  // a hint; failure is harmless
}

void MappedBytes::advise_random() const noexcept {
  if (data_ != nullptr) ::madvise(data_, size_, MADV_RANDOM);
}

}  // namespace streamlab
