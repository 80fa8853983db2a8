// Tests of exercise 10.2, taking over a dead consumer's entries (exercises/10_beyond_one_machine/2_take_over.hpp).
// Run them with: scripts/exercise 10.2
//
// Against a real Redis: a private redis-server on a unix socket (streamlab::redis::LocalServer),
// started once for these tests. A consumer "dies" by reading entries and never acknowledging them.
// No test sleeps to make entries idle: XCLAIM ... IDLE sets how long ago an entry was delivered,
// so the dead consumer's entries have been idle an hour, the live consumer's a few milliseconds,
// and take_over() is asked for entries idle a minute.
#include "2_take_over.hpp"

#include "streamlab/redis.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <functional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

using exercise::Entry;
using exercise::take_over;
namespace redis = streamlab::redis;
using namespace std::chrono_literals;

namespace {
redis::LocalServer& server() {  // started on first use (about 10 ms), stopped at exit
  static redis::LocalServer local;
  return local;
}

// A connection to an empty server with the group and a stream of `count` readings, values 1 to count.
redis::Connection fresh_stream(int count) {
  redis::Connection redis{server().address()};
  redis.command({"FLUSHALL"});
  redis.command({"XGROUP", "CREATE", exercise::stream, exercise::group, "$", "MKSTREAM"});
  std::vector<redis::Command> adds;
  for (int value = 1; value <= count; ++value)
    adds.push_back({"XADD", exercise::stream, "*", "value", std::to_string(value)});
  redis.pipeline(adds);
  return redis;
}

// Consumer `name` reads the next `count` entries (and does not acknowledge them); their IDs.
std::set<std::string> read_as(redis::Connection& redis, const std::string& name, int count) {
  const redis::Reply read = redis.command(
      {"XREADGROUP", "GROUP", exercise::group, name, "COUNT", std::to_string(count), "STREAMS", exercise::stream, ">"});
  std::set<std::string> ids;
  for (const Entry& entry : exercise::entries_of(read[0][1])) ids.insert(entry.id);
  return ids;
}

// Consumer `name` died an hour ago: its entries `ids` have been idle since (XCLAIM ... IDLE).
void died_an_hour_ago(redis::Connection& redis, const std::string& name, const std::set<std::string>& ids) {
  redis::Command claim{"XCLAIM", exercise::stream, exercise::group, name, "0"};
  claim.insert(claim.end(), ids.begin(), ids.end());
  claim.insert(claim.end(), {"IDLE", "3600000", "JUSTID"});
  redis.command(claim);
}

// How many entries are pending for `name` (delivered to it, not acknowledged).
long long pending_for(redis::Connection& redis, const std::string& name) {
  const redis::Reply summary = redis.command({"XPENDING", exercise::stream, exercise::group});
  if (summary[3].is_nil()) return 0;
  for (const redis::Reply& consumer : summary[3].elements()) {
    if (consumer[0].text() == name) return consumer[1].integer();
  }
  return 0;
}

// What process() was handed.
struct Processed {
  std::vector<std::string> ids;  // in the order handed over
  int batches = 0;
  std::size_t largest_batch = 0;
  std::function<void(const std::vector<Entry>&)> callback() {
    return [this](const std::vector<Entry>& batch) {
      ++batches;
      largest_batch = std::max(largest_batch, batch.size());
      for (const Entry& entry : batch) ids.push_back(entry.id);
    };
  }
  std::set<std::string> id_set() const { return {ids.begin(), ids.end()}; }
};
}  // namespace

TEST_CASE("take over: all 250 entries a dead consumer left pending, though one XAUTOCLAIM hands out 100 at most") {
  redis::Connection redis = fresh_stream(1000);
  const std::set<std::string> dead = read_as(redis, "dead", 250);
  died_an_hour_ago(redis, "dead", dead);
  Processed processed;
  const std::size_t taken = take_over(redis, "rescuer", 60s, processed.callback());
  CHECK(taken == 250);
  CHECK(processed.ids.size() == 250);  // each once
  CHECK(processed.id_set() == dead);
  CHECK(processed.largest_batch <= 100);
}

TEST_CASE("take over: the entries a live consumer read a moment ago stay with it") {
  redis::Connection redis = fresh_stream(1000);
  const std::set<std::string> dead = read_as(redis, "dead", 250);
  died_an_hour_ago(redis, "dead", dead);
  const std::set<std::string> live = read_as(redis, "live", 100);  // being worked on now
  Processed processed;
  take_over(redis, "rescuer", 60s, processed.callback());
  CHECK(processed.id_set() == dead);
  CHECK(pending_for(redis, "live") == 100);
}

TEST_CASE("take over: dead entries behind 1200 that a live consumer is working on are found too") {
  redis::Connection redis = fresh_stream(2000);
  read_as(redis, "live", 1200);  // first in the pending list: one XAUTOCLAIM looks at 1000 at most
  const std::set<std::string> dead = read_as(redis, "dead", 250);
  died_an_hour_ago(redis, "dead", dead);
  Processed processed;
  const std::size_t taken = take_over(redis, "rescuer", 60s, processed.callback());
  CHECK(taken == 250);
  CHECK(processed.id_set() == dead);
  CHECK(pending_for(redis, "live") == 1200);
}

TEST_CASE("take over: each batch is acknowledged once processed: nothing taken over stays pending") {
  redis::Connection redis = fresh_stream(1000);
  died_an_hour_ago(redis, "dead", read_as(redis, "dead", 250));
  Processed processed;
  take_over(redis, "rescuer", 60s, processed.callback());
  CHECK(pending_for(redis, "rescuer") == 0);
  CHECK(pending_for(redis, "dead") == 0);
  // A second take-over, by anyone, even with no idle time at all, finds nothing left to do.
  Processed again;
  CHECK(take_over(redis, "another", 0ms, again.callback()) == 0);
  CHECK(again.batches == 0);
}

TEST_CASE("take over: a batch whose processing fails is not acknowledged: it stays pending") {
  redis::Connection redis = fresh_stream(1000);
  died_an_hour_ago(redis, "dead", read_as(redis, "dead", 50));
  const auto failing = [](const std::vector<Entry>&) { throw std::runtime_error("the database is down"); };
  CHECK_THROWS_AS(take_over(redis, "rescuer", 60s, failing), std::runtime_error);
  CHECK(pending_for(redis, "rescuer") == 50);  // taken over, not done: the next take-over finds them
}

TEST_CASE("take over: nothing idle, nothing taken, and process() is never called") {
  redis::Connection redis = fresh_stream(1000);
  read_as(redis, "live", 100);
  Processed processed;
  CHECK(take_over(redis, "rescuer", 60s, processed.callback()) == 0);
  CHECK(processed.batches == 0);
  CHECK(pending_for(redis, "live") == 100);
}
