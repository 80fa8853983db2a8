// Dictionary: dictionary encoding — each distinct string (a sensor id, a name) gets a small number, 0, 1, 2, ...
#pragma once

#include <array>
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
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
/// A capacity bounds its memory when the strings come from outside (a file with millions of ids):
/// try_intern() gives nothing for a new string once it is full, and the caller rejects that item
/// (RowError::too_many_keys) — the strings already in keep their ids.
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
  /// The most distinct strings it may hold.
  static constexpr std::size_t max_capacity = 0xFFFF'FFFF;

  /// A dictionary of at most `capacity` distinct strings (1 to max_capacity, or std::invalid_argument).
  explicit Dictionary(std::size_t capacity = max_capacity);
  Dictionary(const Dictionary&) = delete;
  Dictionary& operator=(const Dictionary&) = delete;
  ~Dictionary();

  /// The id of `text`, adding it if it is new (its id is then size() − 1). Throws
  /// std::length_error for a new string when size() is capacity().
  std::uint32_t intern(std::string_view text) {
    if (const auto id = try_intern(text)) return *id;
    throw_full();
  }
  /// The id of `text`, adding it if it is new and there is room; nothing for a new string when
  /// size() is capacity().
  std::optional<std::uint32_t> try_intern(std::string_view text) {
    const std::uint64_t hash = hash_of(text);
    std::size_t position = 0;
    if (const auto id = lookup(text, hash, position)) return id;
    if (size_.load(std::memory_order_relaxed) >= capacity_) return std::nullopt;
    return add(text, hash, position);
  }
  /// The id of `text`, if it has been added.
  std::optional<std::uint32_t> find(std::string_view text) const {
    std::size_t position = 0;
    return lookup(text, hash_of(text), position);
  }
  /// The string of `id` (less than size(), or std::out_of_range), valid as long as the dictionary.
  std::string_view name(std::uint32_t id) const {
    if (id >= size_.load(std::memory_order_relaxed)) throw_no_such_id(id);
    return slot(id);
  }
  /// How many distinct strings have been added.
  std::size_t size() const noexcept { return size_.load(std::memory_order_acquire); }
  /// The most distinct strings it holds (given at construction).
  std::size_t capacity() const noexcept { return capacity_; }

 private:
  static constexpr std::uint32_t no_id = 0xFFFF'FFFF;
  // A slot of the table: a string's hash, length and id (no_id: empty). Strings of up to 8 bytes
  // are told apart by hash and length alone (for them the hash is one-to-one), the rest also by
  // comparing the text.
  struct Entry {
    std::uint64_t hash = 0;
    std::uint32_t size = 0;
    std::uint32_t id = no_id;
  };

  // A fast hash for short keys (ids are mostly a few bytes): eight bytes at a time, the tail read
  // as two overlapping words (or three bytes), so there is no loop over single bytes.
  static std::uint64_t hash_of(std::string_view text) noexcept {
    constexpr std::uint64_t mix = 0x9E3779B97F4A7C15ULL;
    const char* p = text.data();
    std::size_t n = text.size();
    std::uint64_t h = (n + 1) * mix;
    for (; n > 8; n -= 8, p += 8) h = (h ^ load(p, 8)) * mix;
    std::uint64_t tail = 0;
    if (n >= 4) {
      tail = load(p, 4) | (load(p + n - 4, 4) << 32);
    } else if (n > 0) {
      tail = static_cast<unsigned char>(p[0]) | (std::uint64_t{static_cast<unsigned char>(p[n / 2])} << 8) |
             (std::uint64_t{static_cast<unsigned char>(p[n - 1])} << 16);
    }
    h = (h ^ tail) * mix;
    return h ^ (h >> 29);
  }
  static std::uint64_t load(const char* p, std::size_t bytes) noexcept {
    std::uint64_t word = 0;
    std::memcpy(&word, p, bytes);
    return word;
  }

  std::optional<std::uint32_t> lookup(std::string_view text, std::uint64_t hash, std::size_t& position) const {
    const std::size_t mask = table_.size() - 1;
    for (position = hash & mask;; position = (position + 1) & mask) {
      const Entry& entry = table_[position];
      if (entry.id == no_id) return std::nullopt;
      if (entry.hash == hash && entry.size == text.size() && (text.size() <= 8 || slot(entry.id) == text))
        return entry.id;
    }
  }

  // Block b holds first_block << b strings, starting at first_block · (2^b − 1).
  std::string& slot(std::size_t id) const noexcept {
    const std::size_t block = static_cast<std::size_t>(std::bit_width(id / first_block + 1)) - 1;
    return blocks_[block][id - first_block * ((std::size_t{1} << block) - 1)];
  }
  std::uint32_t add(std::string_view text, std::uint64_t hash, std::size_t position);
  void grow_table();
  [[noreturn]] static void throw_no_such_id(std::uint32_t id);
  [[noreturn]] void throw_full() const;

  // The strings live in blocks that never move, so `blocks_` never grows and name() can read it
  // while intern() adds a block. What name() reads (on any thread) is on cache lines of its own,
  // apart from the table intern() reads for every string: no line goes back and forth.
  static constexpr std::size_t first_block = 64;
  static constexpr std::size_t block_count = 27;  // 64 · (2^27 − 1) ids: more than 2^32
  alignas(64) std::array<std::unique_ptr<std::string[]>, block_count> blocks_;
  std::atomic<std::size_t> size_{0};      // atomic: name() checks it on other threads
  alignas(64) std::vector<Entry> table_;  // open addressing, linear probing
  std::size_t capacity_;
};

}  // namespace streamlab
