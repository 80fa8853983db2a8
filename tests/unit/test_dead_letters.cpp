#include "streamlab/dead_letters.hpp"

#include <catch2/catch.hpp>

#include <string>

using streamlab::DeadLetters;
using streamlab::RowError;

TEST_CASE("each rejected row is one CSV line: line, reason with its column, the text quoted") {
  std::string file;
  DeadLetters dead{[&](std::string_view text) { file += text; }};
  CHECK(file == "line,reason,text\n");
  dead.add(17, RowError::not_a_number, "value", "5,temp-1,n/a");
  dead.add(18, RowError::wrong_field_count, "", "5,temp-1");
  dead.add(19, RowError::unterminated_quote, "", "1,\"say \"\"hi\"\"\nnext");
  dead.add(20, RowError::nul_byte, "", std::string_view("1,2,3\0", 6));
  CHECK(file ==
        "line,reason,text\n"
        "17,not_a_number(value),\"5,temp-1,n/a\"\n"
        "18,wrong_field_count,\"5,temp-1\"\n"
        "19,unterminated_quote,\"1,\"\"say \"\"\"\"hi\"\"\"\"?next\"\n"
        "20,nul_byte,\"1,2,3?\"\n");
}

TEST_CASE("a long row is cut to BadRow::max_text_bytes") {
  std::string file;
  DeadLetters dead{[&](std::string_view text) { file += text; }};
  dead.add(2, RowError::line_too_long, "", std::string(5000, '9'));
  CHECK(file.size() ==
        std::string("line,reason,text\n2,line_too_long,\"\"\n").size() + streamlab::BadRow::max_text_bytes);
}

TEST_CASE("counts by reason and column, in RowError's order, and summaries of a choice of reasons") {
  DeadLetters dead{[](std::string_view) {}};
  dead.add(2, RowError::non_finite, "value", "");
  dead.add(3, RowError::not_a_number, "value", "");
  dead.add(4, RowError::not_a_number, "timestamp_ms", "");
  dead.add(5, RowError::not_a_number, "value", "");
  dead.add(6, RowError::wrong_field_count, "", "");
  CHECK(dead.total() == 5);
  CHECK(dead.count(RowError::not_a_number) == 3);
  CHECK(dead.count(RowError::empty_field) == 0);
  using Counts = std::vector<std::pair<std::string, std::uint64_t>>;
  CHECK(dead.counts() == Counts{{"wrong_field_count", 1},
                                {"not_a_number(timestamp_ms)", 1},
                                {"not_a_number(value)", 2},
                                {"non_finite(value)", 1}});
  const auto finite = [](RowError e) { return e == RowError::non_finite; };
  CHECK(dead.total(finite) == 1);
  CHECK(dead.summary(finite) == "1 non_finite(value)");
  CHECK(dead.summary() ==
        "1 wrong_field_count, 1 not_a_number(timestamp_ms), 2 not_a_number(value), 1 non_finite(value)");
  DeadLetters none{[](std::string_view) {}};
  CHECK(none.summary() == "none");
}
