#include "streamlab/dictionary.hpp"

#include <stdexcept>
#include <string>

namespace streamlab {

Dictionary::Dictionary(std::size_t capacity) : table_(64), capacity_(capacity) {
  if (capacity == 0 || capacity > max_capacity)
    throw std::invalid_argument("Dictionary: the capacity must be between 1 and 2^32 - 1");
}

Dictionary::~Dictionary() = default;

std::uint32_t Dictionary::add(std::string_view text, std::uint64_t hash, std::size_t position) {
  const std::size_t id = size_.load(std::memory_order_relaxed);  // only this thread changes it
  const std::size_t block = static_cast<std::size_t>(std::bit_width(id / first_block + 1)) - 1;
  if (!blocks_[block]) blocks_[block] = std::make_unique<std::string[]>(first_block << block);
  slot(id) = std::string(text);
  size_.store(id + 1, std::memory_order_release);  // the string first, then its id becomes valid
  table_[position] = Entry{hash, static_cast<std::uint32_t>(text.size()), static_cast<std::uint32_t>(id)};
  if (2 * (id + 1) > table_.size()) grow_table();  // at most half full: probes stay short
  return static_cast<std::uint32_t>(id);
}

void Dictionary::grow_table() {
  std::vector<Entry> table(2 * table_.size());
  const std::size_t mask = table.size() - 1;
  for (const Entry& entry : table_) {
    if (entry.id == no_id) continue;
    std::size_t position = entry.hash & mask;
    while (table[position].id != no_id) position = (position + 1) & mask;
    table[position] = entry;
  }
  table_.swap(table);
}

void Dictionary::throw_full() const {
  throw std::length_error("Dictionary: full (" + std::to_string(capacity_) + " distinct strings)");
}

void Dictionary::throw_no_such_id(std::uint32_t id) {
  throw std::out_of_range("Dictionary::name: no string has id " + std::to_string(id));
}

}  // namespace streamlab
