#include "streamlab/json_writer.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>

using streamlab::JsonWriter;

TEST_CASE("objects, arrays, keys and values on one line") {
  JsonWriter json;
  json.begin_object();
  json.key("count").value(3).key("mean").value(2.5).key("ok").value(true);
  json.key("sensors").begin_array().value("temp-1").value("temp-2").end_array();
  json.key("empty").begin_object().end_object();
  json.key("none").null();
  json.end_object();
  CHECK(json.str() ==
        R"({"count": 3, "mean": 2.5, "ok": true, "sensors": ["temp-1", "temp-2"], "empty": {}, "none": null})");
  CHECK(json.complete());
}

TEST_CASE("numbers: integers of every width, doubles in their shortest form, NaN and infinity as null") {
  JsonWriter json;
  json.begin_array();
  json.value(std::numeric_limits<std::uint64_t>::max()).value(std::numeric_limits<std::int64_t>::min());
  json.value(0.1).value(100.0).value(1e20).value(-0.0).value(std::nan("")).value(-INFINITY);
  json.end_array();
  CHECK(json.str() == "[18446744073709551615, -9223372036854775808, 0.1, 100, 1e+20, -0, null, null]");
}

TEST_CASE("strings are escaped, and what is not UTF-8 becomes U+FFFD") {
  JsonWriter json;
  json.begin_array();
  json.value("say \"hi\"\\").value("tab\there\nnext").value(std::string("nul\0byte", 8)).value("été €");
  json.value(
          "\xff"
          "bad")
      .value("\xc3");  // a byte that never starts UTF-8; a sequence cut short
  json.end_array();
  CHECK(json.str() ==
        "[\"say \\\"hi\\\"\\\\\", \"tab\\there\\nnext\", \"nul\\u0000byte\", \"été €\", \"\\ufffdbad\", \"\\ufffd\"]");
}

TEST_CASE("keys are escaped too") {
  JsonWriter json;
  json.begin_object().key("a\"b").value(1).end_object();
  CHECK(json.str() == R"({"a\"b": 1})");
}

TEST_CASE("misuse throws: a value without a key, a key outside an object, unbalanced ends, a second document") {
  JsonWriter json;
  json.begin_object();
  CHECK_THROWS_AS(json.value(1), std::logic_error);
  json.key("a");
  CHECK_THROWS_AS(json.key("b"), std::logic_error);
  CHECK_THROWS_AS(json.end_object(), std::logic_error);  // "a" has no value yet
  json.value(1);
  CHECK_THROWS_AS(json.end_array(), std::logic_error);
  CHECK_FALSE(json.complete());
  json.end_object();
  CHECK_THROWS_AS(json.value(2), std::logic_error);  // the document is complete
  JsonWriter array;
  array.begin_array();
  CHECK_THROWS_AS(array.key("a"), std::logic_error);
}

TEST_CASE("streaming: the text goes out in pieces as it grows, the same text, with a line end when complete") {
  const auto document = [](JsonWriter& json) {
    json.begin_object().key("sensors").begin_object();
    for (int i = 0; i < 1000; ++i)
      json.key("sensor-" + std::to_string(i)).begin_object().key("mean").value(i * 0.5).end_object();
    json.end_object().end_object();
  };
  JsonWriter whole;
  document(whole);
  std::string streamed;
  std::size_t pieces = 0, largest_held = 0;
  JsonWriter json{[&](std::string_view text) {
                    streamed += text;
                    ++pieces;
                  },
                  1024};
  json.begin_object().key("sensors").begin_object();
  for (int i = 0; i < 1000; ++i) {
    json.key("sensor-" + std::to_string(i)).begin_object().key("mean").value(i * 0.5).end_object();
    largest_held = std::max(largest_held, json.str().size());
  }
  CHECK_FALSE(json.complete());
  json.end_object().end_object();
  CHECK(json.complete());
  CHECK(json.str().empty());  // all of it went out
  CHECK(streamed == whole.str() + "\n");
  CHECK(pieces >= 20);                                     // about 25 KiB in pieces of about 1 KiB
  CHECK(largest_held < 1024 + 64);                         // never much more than a piece in memory
  CHECK_THROWS_AS(json.begin_object(), std::logic_error);  // one document
  CHECK_THROWS_AS(JsonWriter(std::function<void(std::string_view)>{}), std::invalid_argument);
  CHECK_THROWS_AS(JsonWriter([](std::string_view) {}, 0), std::invalid_argument);
}
