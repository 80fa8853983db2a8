// Exercise 05.1 ★★ — A reorder buffer: results in input order, whatever order they finish in
//
// KNOWN MISTAKE: it returns the finished result with the smallest index, whether or not it is the next one:
//   when item 1 is still running and item 2 has finished, item 2 goes out first — the consumer
//   gets results out of order whenever there is a gap.
//
// Lesson 05's parallel_map runs items on several threads. They finish in any order, yet the
// consumer gets the results in input order: a result that finishes early waits in a reorder
// buffer until every result before it has gone out. put(index, result) is given: the result of
// input item `index` (0, 1, 2, ..., each once) has finished and waits in finished_. Write
// pop_next(): the result of item next_ if it has finished — it then leaves the buffer, and the
// item after it becomes the next — or nothing if item next_ has not finished, however many later
// ones have.
//
// Check it:  scripts/exercise 05.1        Stuck?  scripts/exercise --hint 05.1
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <utility>

namespace exercise {

/// Holds results that finished out of order until it is their turn.
class ReorderBuffer {
 public:
  /// The result of input item `index` has finished.
  void put(std::size_t index, std::string result) { finished_.emplace(index, std::move(result)); }

  /// The result of the next item in input order, if it has finished; else nothing.
  std::optional<std::string> pop_next() {
    if (finished_.empty()) return std::nullopt;
    const auto it = finished_.begin();
    std::string result = std::move(it->second);
    next_ = it->first + 1;
    finished_.erase(it);
    return result;
  }

  /// How many finished results wait for their turn.
  std::size_t held() const { return finished_.size(); }
  /// The index of the item whose result goes out next.
  std::size_t next_index() const { return next_; }

 private:
  std::map<std::size_t, std::string> finished_;  // finished results by input index
  std::size_t next_ = 0;                         // the item whose result goes out next
};

}  // namespace exercise
