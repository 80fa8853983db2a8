#include "streamlab/dictionary.hpp"

#include <bit>
#include <cstring>
#include <limits>
#include <stdexcept>

namespace streamlab {

namespace {

constexpr std::uint32_t no_id = std::numeric_limits<std::uint32_t>::max();
constexpr std::uint64_t mix = 0x9E3779B97F4A7C15ULL;

std::uint64_t load8(const char* p) noexcept {
  std::uint64_t word;
  std::memcpy(&word, p, 8);
  return word;
}
std::uint64_t load4(const char* p) noexcept {
  std::uint32_t word;
  std::memcpy(&word, p, 4);
  return word;
}

// A fast hash for short keys (ids are mostly a few bytes): eight bytes at a time, the tail read
// as two overlapping words, so there is no loop over single bytes.
std::uint64_t hash_of(std::string_view text) noexcept {
  const char* p = text.data();
  std::size_t n = text.size();
  std::uint64_t h = (n + 1) * mix;
  for (; n > 8; n -= 8, p += 8) h = (h ^ load8(p)) * mix;
  std::uint64_t tail = 0;
  if (n >= 4) {
    tail = load4(p) | (load4(p + n - 4) << 32);
  } else if (n > 0) {
    tail = static_cast<unsigned char>(p[0]) | (std::uint64_t{static_cast<unsigned char>(p[n / 2])} << 8) |
           (std::uint64_t{static_cast<unsigned char>(p[n - 1])} << 16);
  }
  h = (h ^ tail) * mix;
  return h ^ (h >> 29);
}

}  // namespace

Dictionary::Dictionary() : ids_(64, no_id), hashes_(64, 0) {}

Dictionary::~Dictionary() = default;

std::string& Dictionary::slot(std::size_t id) const noexcept {
  // Block b starts at first_block · (2^b − 1).
  const std::size_t block = static_cast<std::size_t>(std::bit_width(id / first_block + 1)) - 1;
  const std::size_t start = first_block * ((std::size_t{1} << block) - 1);
  return blocks_[block][id - start];
}

std::optional<std::uint32_t> Dictionary::lookup(std::string_view text, std::uint64_t hash,
                                                std::size_t& position) const {
  const std::size_t mask = ids_.size() - 1;
  for (position = hash & mask;; position = (position + 1) & mask) {
    const std::uint32_t id = ids_[position];
    if (id == no_id) return std::nullopt;
    if (hashes_[position] == hash && slot(id) == text) return id;
  }
}

std::optional<std::uint32_t> Dictionary::find(std::string_view text) const {
  std::size_t position = 0;
  return lookup(text, hash_of(text), position);
}

std::uint32_t Dictionary::intern(std::string_view text) {
  const std::uint64_t hash = hash_of(text);
  std::size_t position = 0;
  if (auto id = lookup(text, hash, position)) return *id;
  const std::size_t id = size_.load(std::memory_order_relaxed);  // only this thread changes it
  if (id >= no_id) throw std::length_error("Dictionary: more than 2^32 - 1 strings");
  const std::size_t block = static_cast<std::size_t>(std::bit_width(id / first_block + 1)) - 1;
  if (!blocks_[block]) blocks_[block] = std::make_unique<std::string[]>(first_block << block);
  slot(id) = std::string(text);
  size_.store(id + 1, std::memory_order_release);
  ids_[position] = static_cast<std::uint32_t>(id);
  hashes_[position] = hash;
  if (2 * (id + 1) > ids_.size()) grow_table();  // at most half full: probes stay short
  return static_cast<std::uint32_t>(id);
}

void Dictionary::grow_table() {
  std::vector<std::uint32_t> ids(2 * ids_.size(), no_id);
  std::vector<std::uint64_t> hashes(2 * ids_.size(), 0);
  const std::size_t mask = ids.size() - 1;
  for (std::size_t i = 0; i < ids_.size(); ++i) {
    if (ids_[i] == no_id) continue;
    std::size_t position = hashes_[i] & mask;
    while (ids[position] != no_id) position = (position + 1) & mask;
    ids[position] = ids_[i];
    hashes[position] = hashes_[i];
  }
  ids_.swap(ids);
  hashes_.swap(hashes);
}

std::string_view Dictionary::name(std::uint32_t id) const {
  if (id >= size()) throw std::out_of_range("Dictionary::name: no string has id " + std::to_string(id));
  return slot(id);
}

}  // namespace streamlab
