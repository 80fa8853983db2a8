// Tests of exercise 10.1, ack after commit (exercises/10_beyond_one_machine/1_ack_after_commit.hpp).
// Run them with: scripts/exercise 10.1
//
// Against a real Redis: a private redis-server on a unix socket (streamlab::redis::LocalServer),
// started once for these tests. A consumer "dies" as a process would: its connection refuses the
// call the test chose and every one after, and is closed — the server then discards whatever that
// connection left half done (a MULTI without its EXEC). A pipeline it dies in has sent only its
// first half: its commands run one by one, as they arrive. Another consumer then takes over what
// the dead one left pending (XAUTOCLAIM) and reads the rest, committing with the same commit().
#include "1_ack_after_commit.hpp"

#include "streamlab/redis.hpp"

#include <catch2/catch.hpp>

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

using exercise::Entry;
namespace redis = streamlab::redis;

namespace {
// The server for these tests, started on first use (about 10 ms) and stopped at exit.
redis::LocalServer& server() {
  static redis::LocalServer local;
  return local;
}

// An empty server with the group and a stream of `count` readings, values 1 to count.
void fresh_stream(int count) {
  redis::Connection admin{server().address()};
  admin.command({"FLUSHALL"});
  admin.command({"XGROUP", "CREATE", exercise::stream, exercise::group, "$", "MKSTREAM"});
  std::vector<redis::Command> adds;
  for (int value = 1; value <= count; ++value)
    adds.push_back({"XADD", exercise::stream, "*", "value", std::to_string(value)});
  admin.pipeline(adds);
}

// The consumer died: what it was about to do never happens.
struct Crash {};

// A connection that dies before the n-th call from the moment die_before_call(n) is called.
class MortalConnection {
 public:
  explicit MortalConnection(redis::Connection& connection) : connection_(connection) {}
  void die_before_call(int n) { calls_left_ = n; }

  redis::Reply command(const redis::Command& words) {
    step();
    return connection_.command(words);
  }
  redis::Reply command(std::initializer_list<std::string_view> words) {
    step();
    return connection_.command(words);
  }
  std::vector<redis::Reply> pipeline(const std::vector<redis::Command>& commands) {
    if (dies_now()) {  // died while writing it: the server got the first half
      const std::vector<redis::Command> sent(commands.begin(),
                                             commands.begin() + static_cast<std::ptrdiff_t>((commands.size() + 1) / 2));
      if (!sent.empty()) connection_.pipeline(sent);
      throw Crash{};
    }
    return connection_.pipeline(commands);
  }
  std::vector<redis::Reply> transaction(const std::vector<redis::Command>& commands) {
    step();
    return connection_.transaction(commands);
  }

 private:
  bool dies_now() { return calls_left_ > 0 && --calls_left_ == 0; }
  void step() {
    if (dies_now()) throw Crash{};
  }
  redis::Connection& connection_;
  int calls_left_ = 0;
};

// XREADGROUP's or XAUTOCLAIM's list of entries, [[id, [field, value, ...]], ...], as Entry values.
std::vector<Entry> entries_of(const redis::Reply& list) {
  std::vector<Entry> entries;
  for (const redis::Reply& entry : list.elements()) {
    if (entry.is_nil()) continue;  // deleted from the stream while pending
    const redis::Reply* value = entry[1].field("value");
    REQUIRE(value != nullptr);
    entries.push_back(Entry{entry[0].text(), std::stoll(value->text())});
  }
  return entries;
}

// One consumer's life: first it takes over what others left pending (XAUTOCLAIM with no idle
// time: here the others are known to be dead), then it reads new entries, 100 a batch; each batch
// is counted with commit(). Ends when there is nothing more. With die_in_batch > 0, the consumer
// dies before its die_before_call-th call to the server from the start of that batch's commit on.
void consume(const std::string& name, int die_in_batch = 0, int die_before_call = 0) {
  redis::Connection connection{server().address()};  // closed on the way out: at the crash too
  MortalConnection mortal{connection};
  int batches = 0;
  const auto commit = [&](const std::vector<Entry>& batch) {
    if (++batches == die_in_batch) mortal.die_before_call(die_before_call);
    exercise::commit(mortal, name, batch);
  };
  std::string cursor = "0-0";
  do {
    const redis::Reply claimed =
        connection.command({"XAUTOCLAIM", exercise::stream, exercise::group, name, "0", cursor, "COUNT", "100"});
    cursor = claimed[0].text();
    const std::vector<Entry> batch = entries_of(claimed[1]);
    if (!batch.empty()) commit(batch);
  } while (cursor != "0-0");
  for (;;) {
    const redis::Reply read = connection.command(
        {"XREADGROUP", "GROUP", exercise::group, name, "COUNT", "100", "STREAMS", exercise::stream, ">"});
    if (read.is_nil()) return;
    const std::vector<Entry> batch = entries_of(read[0][1]);
    if (batch.empty()) return;
    commit(batch);
  }
}

struct Totals {
  long long count = 0;
  long long sum = 0;
  long long pending = 0;  // entries delivered and not acknowledged
};

// What the consumers `names` committed, added up, and what is still pending in the group.
Totals totals(std::initializer_list<std::string> names) {
  redis::Connection redis{server().address()};
  Totals totals;
  for (const std::string& name : names) {
    const redis::Reply state = redis.command({"HGETALL", exercise::totals_key(name)});
    if (const redis::Reply* count = state.field("count")) totals.count += count->integer();
    if (const redis::Reply* sum = state.field("sum")) totals.sum += sum->integer();
  }
  totals.pending = redis.command({"XPENDING", exercise::stream, exercise::group})[0].integer();
  return totals;
}

// Consumer a dies before its call number `call` to the server, counted from the start of its 3rd
// commit (call 1: that commit's first); consumer b takes over what a left pending and reads the rest.
Totals a_dies_b_takes_over(int call) {
  fresh_stream(1000);
  try {
    consume("a", 3, call);
  } catch (const Crash&) {
  }
  consume("b");
  return totals({"a", "b"});
}
}  // namespace

TEST_CASE("ack after commit: 1000 readings in batches of 100 are each counted once, and none is left pending") {
  fresh_stream(1000);
  consume("a");
  const Totals after = totals({"a"});
  CHECK(after.count == 1000);
  CHECK(after.sum == 500500);  // 1 + 2 + ... + 1000
  CHECK(after.pending == 0);
}

TEST_CASE("ack after commit: a consumer killed after reading a batch, before it commits: that batch counts once") {
  const Totals after = a_dies_b_takes_over(1);
  CHECK(after.count == 1000);
  CHECK(after.sum == 500500);
  CHECK(after.pending == 0);
}

TEST_CASE("ack after commit: a consumer killed between any two calls to the server: none lost, none counted twice") {
  for (int call = 2; call <= 4; ++call) {
    INFO("consumer a killed before its call " << call << " to the server, counted from its 3rd commit on");
    const Totals after = a_dies_b_takes_over(call);
    CHECK(after.count == 1000);
    CHECK(after.sum == 500500);
    CHECK(after.pending == 0);
  }
}
