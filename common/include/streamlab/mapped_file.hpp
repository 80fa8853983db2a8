// MappedFile<T>: a read-only memory map of a binary file, seen as a std::span<const T>.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace streamlab {

/// The bytes of a file mapped read-only into memory (`mmap`), unmapped by the destructor. The
/// operating system reads pages in when they are first touched and may drop them again under
/// memory pressure, so a file larger than RAM can be scanned. Move-only. An empty file maps to an
/// empty span (mmap cannot map zero bytes). Mostly used through MappedFile<T>.
/// Thread-safe to read from any number of threads (the bytes never change); one owner moves or destroys it.
class MappedBytes {
 public:
  /// Maps `path`; throws std::system_error carrying errno, naming the file and the reason.
  explicit MappedBytes(const std::filesystem::path& path);
  /// Takes over `other`'s mapping; `other` becomes empty.
  MappedBytes(MappedBytes&& other) noexcept;
  /// Unmaps this mapping and takes over `other`'s.
  MappedBytes& operator=(MappedBytes&& other) noexcept;
  MappedBytes(const MappedBytes&) = delete;
  MappedBytes& operator=(const MappedBytes&) = delete;
  ~MappedBytes();

  /// The file's bytes; valid while this object lives.
  std::span<const std::byte> bytes() const noexcept { return {static_cast<const std::byte*>(data_), size_}; }
  /// The path, for messages.
  const std::string& name() const noexcept { return name_; }
  /// Tells the kernel the pages will be read from start to end (more read-ahead; `madvise`).
  void advise_sequential() const noexcept;
  /// Tells the kernel the pages will be read in no particular order (less read-ahead).
  void advise_random() const noexcept;

 private:
  void unmap() noexcept;
  void* data_ = nullptr;
  std::size_t size_ = 0;
  std::string name_;
};

/// A binary file of `T` values (raw, native byte order, like numpy.memmap) as a read-only
/// `std::span<const T>`: no copy into the program's memory, no parsing. The file size must be a
/// multiple of `sizeof(T)`. Sequential access is advised when it is opened.
/// Thread-safe to read from any number of threads (the values never change); one owner moves or destroys it.
///
/// **Example**
/// \code
/// streamlab::MappedFile<float> data{"large_array.dat"};   // np.memmap(..., dtype='float32', mode='r')
/// double sum = 0;
/// for (float x : data.values()) sum += x;                  // pages are read in as they are touched
/// \endcode
template <typename T>
requires std::is_trivially_copyable_v<T>
class MappedFile {
 public:
  /// Maps `path`; throws std::system_error if it cannot be opened or mapped, and std::runtime_error
  /// if its size is not a multiple of sizeof(T).
  explicit MappedFile(const std::filesystem::path& path) : map_(path) {
    if (map_.bytes().size() % sizeof(T) != 0) {
      throw std::runtime_error(map_.name() + ": size " + std::to_string(map_.bytes().size()) +
                               " bytes is not a multiple of " + std::to_string(sizeof(T)) + " (the element size)");
    }
    map_.advise_sequential();
  }

  /// The values; valid while this object lives.
  std::span<const T> values() const noexcept {
    const auto bytes = map_.bytes();
    return {reinterpret_cast<const T*>(bytes.data()), bytes.size() / sizeof(T)};
  }
  /// The number of values.
  std::size_t size() const noexcept { return values().size(); }
  /// Whether the file is empty.
  bool empty() const noexcept { return values().empty(); }
  /// Value `i` (unchecked, like a span).
  const T& operator[](std::size_t i) const noexcept { return values()[i]; }
  /// The first value, for range-for.
  auto begin() const noexcept { return values().begin(); }
  /// One past the last value.
  auto end() const noexcept { return values().end(); }
  /// The underlying map (for madvise hints).
  const MappedBytes& map() const noexcept { return map_; }

 private:
  MappedBytes map_;
};

}  // namespace streamlab
