#include "streamlab/keyed_fan_out.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using streamlab::KeyedFanOut;

namespace {
struct Item {
  int key;
  int seq;
  int running = 0;  // set by the worker: the count of this key's items so far
};

// Runs items through a fan-out of `workers` in batches of `batch`: each worker numbers each key's
// items (state per key, so it only works if a key's items reach one worker in order) and writes
// a row per item; the collector returns the rows merged in order.
std::string run(int workers, int items, int batch_size, std::size_t parts_in_flight = 0) {
  KeyedFanOut<Item> fan_out{static_cast<std::size_t>(workers), parts_in_flight};
  std::atomic<int> problems{0};  // counted in the threads, checked after the join (Catch2 is not thread-safe)
  std::thread batching([&] {
    std::vector<Item> batch;
    for (int i = 0; i < items; ++i) {
      batch.push_back({i % 7, i});
      if (static_cast<int>(batch.size()) == batch_size || i + 1 == items) {
        if (!fan_out.send(batch, [&](const Item& x) { return static_cast<std::size_t>(x.key % workers); })) ++problems;
        if (!batch.empty()) ++problems;
      }
    }
    fan_out.close();
  });
  std::vector<std::thread> pool;
  for (int w = 0; w < workers; ++w) {
    pool.emplace_back([&, w] {
      std::map<int, int> seen;  // per key: this worker's state
      fan_out.work(static_cast<std::size_t>(w), [&](KeyedFanOut<Item>::Part& part) {
        if (part.worker != static_cast<std::size_t>(w)) ++problems;
        for (Item& x : part.items) {
          x.running = ++seen[x.key];
          part.rows.integer(x.seq).integer(x.key).integer(x.running).end_row();
        }
        if (w == 0) std::this_thread::yield();  // one worker slower: the others run ahead
      });
    });
  }
  std::string out;
  std::uint64_t expected_batch = 0;
  while (auto parts = fan_out.next_in_order()) {
    CHECK(parts->size() == static_cast<std::size_t>(workers));
    for (const auto& part : *parts) CHECK(part.batch == expected_batch);
    ++expected_batch;
    out += fan_out.rows_in_order();
  }
  batching.join();
  for (auto& thread : pool) thread.join();
  CHECK(problems == 0);
  return out;
}
}  // namespace

TEST_CASE("the output is the same, in input order, with 1, 2, 3 or 7 workers") {
  const std::string one = run(1, 5000, 64);
  CHECK(std::count(one.begin(), one.end(), '\n') == 5000);
  CHECK(one.rfind("0,0,1\n1,1,1\n", 0) == 0);
  CHECK(one.find("7,0,2\n") != std::string::npos);  // key 0's second item, counted by one worker
  for (int workers : {2, 3, 7}) CHECK(run(workers, 5000, 64) == one);
  CHECK(run(3, 5000, 1) == one);      // batches of one item: many parts empty
  CHECK(run(2, 5000, 64, 2) == one);  // the fewest parts in flight: the batching thread waits often
}

TEST_CASE("with one worker the batch's memory becomes the part: no copy") {
  KeyedFanOut<int> fan_out{1};
  std::vector<int> batch{1, 2, 3};
  const int* storage = batch.data();
  REQUIRE(fan_out.send(batch, [](int) { return std::size_t{0}; }));
  fan_out.close();
  bool same_memory = false;
  std::thread worker([&] { fan_out.work(0, [&](auto& part) { same_memory = part.items.data() == storage; }); });
  auto parts = fan_out.next_in_order();
  REQUIRE(parts);
  CHECK((*parts)[0].items == std::vector<int>{1, 2, 3});
  CHECK_FALSE(fan_out.next_in_order().has_value());
  worker.join();
  CHECK(same_memory);
}

TEST_CASE("cancel stops the batching thread, the workers and the collector") {
  KeyedFanOut<int> fan_out{2, 2};  // one batch in flight at most
  std::vector<int> batch{1, 2};
  REQUIRE(fan_out.send(batch, [](int x) { return static_cast<std::size_t>(x % 2); }));
  bool sent = true;
  std::thread batching([&] {
    std::vector<int> more{3, 4};
    sent = fan_out.send(more, [](int x) { return static_cast<std::size_t>(x % 2); });  // waits, then refused
  });
  fan_out.cancel();
  batching.join();
  CHECK_FALSE(sent);
  std::thread worker0([&] { fan_out.work(0, [](auto&) {}); });  // ends at once: its queue is closed
  std::thread worker1([&] { fan_out.work(1, [](auto&) {}); });
  worker0.join();
  worker1.join();
  CHECK_FALSE(fan_out.next_in_order().has_value());
}

TEST_CASE("misuse: no workers, more than 256, fewer parts than workers") {
  CHECK_THROWS_AS(KeyedFanOut<int>(0), std::invalid_argument);
  CHECK_THROWS_AS(KeyedFanOut<int>(257), std::invalid_argument);
  CHECK_THROWS_AS(KeyedFanOut<int>(4, 3), std::invalid_argument);
}

TEST_CASE("release gives the current batch's parts back at once: with one part, the next send need not wait") {
  KeyedFanOut<int> fan_out{1, 1};
  std::thread worker([&] { fan_out.work(0, [](auto&) {}); });
  std::vector<int> batch{1, 2};
  REQUIRE(fan_out.send(batch, [](int) { return std::size_t{0}; }));
  auto parts = fan_out.next_in_order();
  REQUIRE(parts);
  fan_out.release();  // the only part is back in the pool
  batch = {3};
  REQUIRE(fan_out.send(batch, [](int) { return std::size_t{0}; }));  // would wait for ever without the release
  fan_out.close();
  parts = fan_out.next_in_order();
  REQUIRE(parts);
  CHECK((*parts)[0].items == std::vector<int>{3});
  CHECK_FALSE(fan_out.next_in_order().has_value());
  worker.join();
}

TEST_CASE("skewed keys: a part that held the busiest worker's share does not keep that memory for good") {
  // Every item has key 0: worker 0's part holds the whole batch, the other 7 hold nothing. Parts
  // serve any worker in turn; a part returns to the pool trimmed to what its batch needed, so a
  // part big from worker 0 reaches another worker at most once before it shrinks. Without the
  // trim every part grows to a whole batch, sooner or later, and stays so.
  constexpr std::size_t workers = 8, batch_size = 8192, batches = 200;
  KeyedFanOut<Item> fan_out{workers};
  std::atomic<std::size_t> big_parts_elsewhere{0};
  std::thread batching([&] {
    std::vector<Item> batch;
    for (std::size_t b = 0; b < batches; ++b) {
      batch.assign(batch_size, Item{0, 0});
      if (!fan_out.send(batch, [](const Item& x) { return static_cast<std::size_t>(x.key); })) break;
    }
    fan_out.close();
  });
  std::vector<std::thread> pool;
  for (std::size_t w = 0; w < workers; ++w) {
    pool.emplace_back([&, w] {
      fan_out.work(w, [&](KeyedFanOut<Item>::Part& part) {
        for (const Item& x : part.items) part.rows.integer(x.seq).fixed(1234567.0, 9).end_row();  // 20 bytes
        if (w != 0 && (part.items.capacity() >= batch_size / 2 || part.rows.capacity() >= 100'000))
          ++big_parts_elsewhere;
      });
    });
  }
  std::size_t rows = 0;
  while (fan_out.next_in_order()) {
    const std::string_view text = fan_out.rows_in_order();
    rows += static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
  }
  batching.join();
  for (auto& thread : pool) thread.join();
  CHECK(rows == batches * batch_size);
  // At most once per batch (one part served worker 0 in each); untrimmed, nearly every part every batch.
  CHECK(big_parts_elsewhere <= batches);
}
