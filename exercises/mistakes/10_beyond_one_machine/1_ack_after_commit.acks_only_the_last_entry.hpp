// Exercise 10.1 ★★ — Ack after commit: a batch's state and its XACK in one MULTI/EXEC
//
// KNOWN MISTAKE: only the batch's last entry is acknowledged, as if XACK were a Kafka offset commit
//   that covers everything before it: in Redis each entry is acknowledged on its own, so 99 entries
//   of every batch stay pending for ever, and whoever takes them over counts them again.
//
// A consumer in lesson 10's group reads a batch (XREADGROUP), counts it, and must then tell the
// server two things: its new totals (its state) and that the batch is done (XACK, which takes the
// entries out of the group's pending list). It may die between any two calls to the server. The
// entries it had not acknowledged then stay pending, and a live consumer takes them over
// (XAUTOCLAIM) and counts them. So:
// - acknowledged but not counted: the batch is lost;
// - counted but not acknowledged: the batch is counted twice;
// - both in one MULTI/EXEC transaction: both happen or neither does, and every reading counts once.
//
// Write commit(redis, consumer, batch): add the batch's size to the field `count` and the sum of
// its values to the field `sum` of the hash totals_key(consumer) (HINCRBY), and acknowledge its
// entries (XACK readings totals ID ...), so that a crash between any two calls loses nothing and
// counts nothing twice.
//
// `redis` is a streamlab::redis::Connection — in the tests, one that dies before a call of their
// choosing, as a process can. redis.command({...}) sends one command and waits for its reply;
// redis.pipeline({{...}, {...}}) sends several in one round trip, each run on its own;
// redis.transaction({{...}, {...}}) runs several as one MULTI/EXEC: all of them, or none.
//
// Check it:  scripts/exercise 10.1        Stuck?  scripts/exercise --hint 10.1
#pragma once

#include "streamlab/redis.hpp"

#include <string>
#include <vector>

namespace exercise {

/// The stream the readings are in, and the consumer group that counts them.
inline const std::string stream = "readings";
inline const std::string group = "totals";

/// One entry of the stream, as XREADGROUP or XAUTOCLAIM delivered it.
struct Entry {
  std::string id;       ///< its ID, e.g. "1700000000000-0"
  long long value = 0;  ///< its field `value`
};

/// The hash that holds what `consumer` has counted: fields `count` and `sum`.
inline std::string totals_key(const std::string& consumer) { return "totals:" + consumer; }

/// Counts `batch`, delivered to `consumer`, into totals_key(consumer), and acknowledges it: all of
/// it, once, whatever call the consumer dies before.
template <typename Redis>
void commit(Redis& redis, const std::string& consumer, const std::vector<Entry>& batch) {
  long long sum = 0;
  streamlab::redis::Command ack{"XACK", stream, group};
  for (const Entry& entry : batch) {
    sum += entry.value;
  }
  if (!batch.empty()) ack.push_back(batch.back().id);  // the offset: everything up to here is done
  const std::string key = totals_key(consumer);
  redis.transaction({{"HINCRBY", key, "count", std::to_string(batch.size())},
                     {"HINCRBY", key, "sum", std::to_string(sum)},
                     ack});  // one MULTI/EXEC: the state and the acknowledgement together
}

}  // namespace exercise
