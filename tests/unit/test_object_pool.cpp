#include "streamlab/object_pool.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

using streamlab::ObjectPool;

TEST_CASE("objects are made when first needed, then reused as released") {
  int made = 0;
  ObjectPool<std::vector<int>> pool{2, [&] {
                                      ++made;
                                      std::vector<int> v;
                                      v.reserve(100);
                                      return v;
                                    }};
  auto a = pool.acquire();
  REQUIRE(a);
  CHECK(a->capacity() >= 100);
  a->push_back(7);
  const int* storage = a->data();
  pool.release(std::move(*a));
  auto b = pool.acquire();
  CHECK(made == 1);                  // the released one came back: nothing new
  CHECK(b->data() == storage);       // the same memory
  CHECK(*b == std::vector<int>{7});  // as released: the user resets what it uses
  CHECK(pool.created() == 1);
}

TEST_CASE("acquire waits while every object is out, until one is released") {
  ObjectPool<int> pool{1};
  auto first = pool.acquire();
  REQUIRE(first);
  CHECK_FALSE(pool.try_acquire().has_value());  // all out, never waits
  std::atomic<bool> got{false};
  std::thread waiter([&] {
    auto second = pool.acquire();  // blocks
    got = second.has_value();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK_FALSE(got.load());  // still waiting (not a timing assertion the other way round)
  pool.release(*first);
  waiter.join();
  CHECK(got.load());
  CHECK(pool.created() == 1);
}

TEST_CASE("close wakes a waiting acquire, which then gets nothing") {
  ObjectPool<int> pool{1};
  auto only = pool.acquire();
  REQUIRE(only);
  std::atomic<int> result{-1};
  std::thread waiter([&] { result = pool.acquire().has_value() ? 1 : 0; });
  pool.close();
  waiter.join();
  CHECK(result == 0);
  CHECK_FALSE(pool.try_acquire().has_value());
}

TEST_CASE("a pool bounds the objects in flight between two threads") {
  ObjectPool<std::vector<int>> pool{3};
  std::atomic<int> out{0}, most{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) {
        auto v = pool.acquire();
        const int now = ++out;
        for (int seen = most; now > seen && !most.compare_exchange_weak(seen, now);) {
        }
        --out;
        pool.release(std::move(*v));
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(most <= 3);
  CHECK(pool.created() <= 3);
  CHECK(pool.available() == pool.created());
}

TEST_CASE("a limit of 0 is rejected; a failed make does not use up the limit") {
  CHECK_THROWS_AS(ObjectPool<int>(0), std::invalid_argument);
  bool fail = true;
  ObjectPool<int> pool{1, [&] {
                         if (fail) throw std::runtime_error("no memory");
                         return 5;
                       }};
  CHECK_THROWS_AS(pool.acquire(), std::runtime_error);
  fail = false;
  CHECK(pool.acquire() == 5);
}
