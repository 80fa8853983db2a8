// Exercise 02.2 ★★ — Batches bounded by bytes: send the batch before it would overflow
//
// KNOWN MISTAKE: the "would it fit?" test forgets that the batch may be empty: a string longer than max_bytes
//   first sends out the empty batch, then starts a new one.
//
// Real batchers bound a batch by its size in bytes as well as by count (Kafka's batch.size, a
// 1 MB request limit), and items differ in size. Write batched_by_bytes(items, max_bytes): strings
// go into the current batch in order; when the next string would take the batch's total length
// past max_bytes, the batch goes out first and that string starts the next one. A batch may fill
// up to exactly max_bytes. A string longer than max_bytes on its own goes out alone, in a batch
// of one: it has to go somewhere. The last batch goes out at the end; no batch is ever empty.
//
// Check it:  scripts/exercise 02.2        Stuck?  scripts/exercise --hint 02.2
#pragma once

#include "streamlab/generator.hpp"

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace exercise {

/// `items` in batches whose total length is at most `max_bytes` (a longer string goes alone).
inline streamlab::Generator<std::vector<std::string>> batched_by_bytes(streamlab::Generator<std::string> items,
                                                                       std::size_t max_bytes) {
  std::vector<std::string> batch;  // the batch being filled
  std::size_t batch_bytes = 0;     // the total length of the strings in it
  for (std::string& item : items) {
    if (batch_bytes + item.size() > max_bytes) {
      co_yield std::move(batch);
      batch.clear();
      batch_bytes = 0;
    }
    batch_bytes += item.size();
    batch.push_back(std::move(item));
  }
  if (!batch.empty()) co_yield std::move(batch);
}

}  // namespace exercise
