#include "streamlab/dictionary.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using streamlab::Dictionary;

TEST_CASE("each distinct string gets the next number, and gives it back") {
  Dictionary sensors;
  CHECK(sensors.intern("temp-1") == 0);
  CHECK(sensors.intern("temp-2") == 1);
  CHECK(sensors.intern("temp-1") == 0);
  CHECK(sensors.size() == 2);
  CHECK(sensors.name(1) == "temp-2");
  CHECK(sensors.find("temp-2") == 1u);
  CHECK_FALSE(sensors.find("temp-3").has_value());
}

TEST_CASE("strings are kept exactly as given: case, spaces, empty, long, binary") {
  Dictionary words;
  const std::vector<std::string> given{
      "a",   "A", " a", "a ",        "",        std::string(1000, 'x'), std::string("n\0l", 3),
      "été", "0", "00", "123456789", "12345678"};
  for (std::size_t i = 0; i < given.size(); ++i) CHECK(words.intern(given[i]) == i);
  for (std::size_t i = 0; i < given.size(); ++i) CHECK(words.name(static_cast<std::uint32_t>(i)) == given[i]);
}

TEST_CASE("a hundred thousand strings: ids stay dense, names stay put while more are added") {
  Dictionary many;
  const std::string_view first = [&] {
    many.intern("id-0");
    return many.name(0);
  }();
  for (int i = 1; i < 100'000; ++i) REQUIRE(many.intern("id-" + std::to_string(i)) == static_cast<std::uint32_t>(i));
  CHECK(first.data() == many.name(0).data());  // never moved
  CHECK(many.intern("id-99999") == 99'999);
  CHECK(many.name(65'432) == "id-65432");
}

TEST_CASE("name() on another thread while intern() adds strings") {
  Dictionary sensors;
  std::atomic<std::uint32_t> published{0};
  std::atomic<bool> wrong{false};
  std::thread reader([&] {
    for (std::uint32_t seen = 0; seen < 20'000;) {
      const std::uint32_t up_to = published.load(std::memory_order_acquire);
      for (; seen < up_to; ++seen) {
        if (sensors.name(seen) != "s" + std::to_string(seen)) wrong = true;
      }
    }
  });
  for (std::uint32_t i = 0; i < 20'000; ++i) {
    sensors.intern("s" + std::to_string(i));
    published.store(i + 1, std::memory_order_release);
  }
  reader.join();
  CHECK_FALSE(wrong.load());
}

TEST_CASE("an id that was never given is an error") {
  Dictionary empty;
  CHECK_THROWS_AS(empty.name(0), std::out_of_range);
}

TEST_CASE("a capacity: a new string past it gets no id, the ones already in keep theirs") {
  Dictionary sensors{3};
  CHECK(sensors.capacity() == 3);
  CHECK(sensors.try_intern("a") == 0u);
  CHECK(sensors.try_intern("b") == 1u);
  CHECK(sensors.intern("c") == 2u);
  CHECK(sensors.try_intern("d") == std::nullopt);  // full: memory stays bounded by the capacity
  CHECK_THROWS_AS(sensors.intern("d"), std::length_error);
  CHECK(sensors.try_intern("b") == 1u);  // a string already in is still found
  CHECK(sensors.intern("a") == 0u);
  CHECK(sensors.size() == 3);
  CHECK_FALSE(sensors.find("d"));
  CHECK(Dictionary{}.capacity() == Dictionary::max_capacity);
  CHECK_THROWS_AS(Dictionary{0}, std::invalid_argument);
}
