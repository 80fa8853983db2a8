// Dictionary: dictionary encoding — each distinct string (a sensor id, a name) gets a small number, 0, 1, 2, ...
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace streamlab {

/// Gives each distinct string a dense id — 0 for the first one seen, 1 for the next new one, and so
/// on — and gives the string back for an id. Keys that are strings (`temp-1`, `pump/7`) are kept
/// exactly as given, while everything downstream handles a small integer: per-key state in a plain
/// vector indexed by the id, 4 bytes per item instead of a string, a key's part computed from it.
/// Columnar formats (Parquet, Arrow) call this dictionary encoding.
///
/// Thread safety: intern() and find() from one thread at a time (the one that adds strings);
/// name(id) from any thread, for an id that reached it after intern() returned it through
/// something that synchronises (a queue, a mutex, a thread's start): a string, once added, never
/// moves or changes, even while more are added.
///
/// **Example**
/// \code
/// streamlab::Dictionary sensors;
/// std::uint32_t a = sensors.intern("temp-1");   // 0
/// std::uint32_t b = sensors.intern("temp-2");   // 1
/// std::uint32_t c = sensors.intern("temp-1");   // 0 again
/// std::string_view name = sensors.name(b);      // "temp-2"
/// \endcode
class Dictionary {
 public:
  Dictionary();
  Dictionary(const Dictionary&) = delete;
  Dictionary& operator=(const Dictionary&) = delete;
  ~Dictionary();

  /// The id of `text`, adding it if it is new (its id is then size() − 1). Throws
  /// std::length_error past 2^32 − 1 distinct strings.
  std::uint32_t intern(std::string_view text);
  /// The id of `text`, if it has been added.
  std::optional<std::uint32_t> find(std::string_view text) const;
  /// The string of `id` (less than size(), or std::out_of_range), valid as long as the dictionary.
  std::string_view name(std::uint32_t id) const;
  /// How many distinct strings have been added.
  std::size_t size() const noexcept { return size_.load(std::memory_order_acquire); }

 private:
  // The strings live in blocks that never move: block b holds first_block << b of them, so
  // `blocks_` never grows and name() can read it while intern() adds a block.
  static constexpr std::size_t first_block = 64;
  static constexpr std::size_t block_count = 27;  // 64 · (2^27 − 1) ids: more than 2^32
  std::string& slot(std::size_t id) const noexcept;
  std::optional<std::uint32_t> lookup(std::string_view text, std::uint64_t hash, std::size_t& position) const;
  void grow_table();

  std::array<std::unique_ptr<std::string[]>, block_count> blocks_;
  std::atomic<std::size_t> size_{0};  // atomic: name() checks it on other threads
  // Open addressing, linear probing: the id of each string (none: empty) and its hash.
  std::vector<std::uint32_t> ids_;
  std::vector<std::uint64_t> hashes_;
};

}  // namespace streamlab
