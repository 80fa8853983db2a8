// Exercise 10.2 ★★★ — Taking over a dead consumer's entries: XAUTOCLAIM, the idle ones, all of them
//
// KNOWN MISTAKE: the entries taken over are processed but never acknowledged: XAUTOCLAIM only moves
//   them to the new consumer, so they stay pending, and once they are idle again the next take-over
//   hands them out a second time — processed again and again.
//
// A consumer that dies leaves the entries it had read pending in the group, owned by it, for ever.
// Lesson 10's consumers take such entries over with XAUTOCLAIM, which hands the caller the entries
// of the group's pending list that have been idle — neither delivered again nor acknowledged — for
// at least a given time. Idle is how a dead consumer is told from a busy one: the entries a live
// consumer is working on now are not idle, and taking those would have two consumers process them.
//
// Write take_over(redis, consumer, min_idle, process): take over for `consumer` every entry idle
// for at least `min_idle`, hand them to process() a batch at a time, and acknowledge (XACK) each
// batch once process() has returned; return how many entries were taken over. One XAUTOCLAIM
// hands out at most COUNT entries (and looks at no more than 10 × COUNT pending ones), then says
// where to go on from: call it again from that cursor until it gives "0-0", the end of the list.
//
//   XAUTOCLAIM readings workers CONSUMER MIN_IDLE_MS CURSOR COUNT 100
//   → [next cursor, [[id, [field, value, ...]], ...], [IDs deleted from the stream]]
//
// entries_of(reply[1]) turns the middle part into Entry values. redis.command({...}) sends one
// command; its words are strings (std::to_string(min_idle.count()) for the milliseconds).
//
// Check it:  scripts/exercise 10.2        Stuck?  scripts/exercise --hint 10.2
#pragma once

#include "streamlab/redis.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace exercise {

/// The stream, and the consumer group that shares it out.
inline const std::string stream = "readings";
inline const std::string group = "workers";

/// One entry of the stream.
struct Entry {
  std::string id;       ///< its ID, e.g. "1700000000000-0"
  long long value = 0;  ///< its field `value`
};

/// The entries of an XAUTOCLAIM or XREADGROUP reply's list, [[id, [field, value, ...]], ...].
inline std::vector<Entry> entries_of(const streamlab::redis::Reply& list) {
  std::vector<Entry> entries;
  for (const streamlab::redis::Reply& entry : list.elements()) {
    if (entry.is_nil()) continue;  // deleted from the stream while pending
    const streamlab::redis::Reply* value = entry[1].field("value");
    entries.push_back(Entry{entry[0].text(), value != nullptr ? std::stoll(value->text()) : 0});
  }
  return entries;
}

/// Takes over for `consumer` every entry of the group idle for at least `min_idle`, hands them to
/// process() a batch at a time, and acknowledges each batch after process() returns. Returns how
/// many entries it took over.
inline std::size_t take_over(streamlab::redis::Connection& redis, const std::string& consumer,
                             std::chrono::milliseconds min_idle,
                             const std::function<void(const std::vector<Entry>&)>& process) {
  std::size_t taken = 0;
  std::string cursor = "0-0";
  do {
    const streamlab::redis::Reply reply = redis.command(
        {"XAUTOCLAIM", stream, group, consumer, std::to_string(min_idle.count()), cursor, "COUNT", "100"});
    cursor = reply[0].text();  // a page may be empty and the list not at its end yet
    const std::vector<Entry> batch = entries_of(reply[1]);
    if (batch.empty()) continue;
    process(batch);
    taken += batch.size();
  } while (cursor != "0-0");
  return taken;
}

}  // namespace exercise
