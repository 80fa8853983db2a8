// Exercise 05.1 ★★ — A reorder buffer: results in input order, whatever order they finish in
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
    // TODO: if item next_ has finished, take its result out of finished_, move on to the next item, return it.
    return std::nullopt;
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
