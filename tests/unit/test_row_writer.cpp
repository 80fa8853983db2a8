#include "streamlab/row_writer.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

using streamlab::RowWriter;

TEST_CASE("rows of numbers and text, with their ends remembered") {
  RowWriter rows;
  rows.integer(17).integer(std::int64_t{1'700'000'000'000}).text("temp-1").shortest(23.5).fixed(0.123456, 4);
  rows.end_row();
  rows.integer(-3).empty().flag(true).flag(false).end_row();
  CHECK(rows.text() == "17,1700000000000,temp-1,23.5,0.1235\n-3,,1,0\n");
  CHECK(rows.rows() == 2);
  CHECK(rows.row(0) == "17,1700000000000,temp-1,23.5,0.1235\n");
  CHECK(rows.row(1) == "-3,,1,0\n");
  CHECK(std::vector<std::size_t>(rows.ends().begin(), rows.ends().end()) == std::vector<std::size_t>{36, 44});
}

TEST_CASE("text is quoted only when it must be, quotes doubled") {
  RowWriter rows;
  rows.text("plain").text("a,b").text("say \"hi\"").text("two\nlines").text("").end_row();
  CHECK(rows.text() == "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\n");
  RowWriter semicolons{';'};
  semicolons.text("a,b").text("c;d").end_row();
  CHECK(semicolons.text() == "a,b;\"c;d\"\n");
}

TEST_CASE("the widest numbers fit, and the buffer grows as needed") {
  RowWriter rows;
  for (int i = 0; i < 2000; ++i) {
    rows.integer(std::numeric_limits<std::int64_t>::min()).fixed(std::numeric_limits<double>::max(), 9);
    rows.shortest(-2.2250738585072014e-308).end_row();
  }
  CHECK(rows.rows() == 2000);
  CHECK(rows.row(1999) == rows.row(0));
  CHECK(rows.row(0).starts_with("-9223372036854775808,17976931348623157"));
  CHECK(rows.row(0).ends_with(".000000000,-2.2250738585072014e-308\n"));
}

TEST_CASE("clear keeps the memory for the next rows; a row without fields is an empty line") {
  RowWriter rows;
  rows.text("x").end_row();
  rows.clear();
  CHECK(rows.text().empty());
  CHECK(rows.rows() == 0);
  rows.end_row();
  CHECK(rows.text() == "\n");
}

TEST_CASE("misuse: a quote or a line break as delimiter, a row that is not there") {
  CHECK_THROWS_AS(RowWriter('"'), std::invalid_argument);
  CHECK_THROWS_AS(RowWriter('\n'), std::invalid_argument);
  RowWriter rows;
  CHECK_THROWS_AS(rows.row(0), std::out_of_range);
}

TEST_CASE("shrink forgets the rows and gives back the memory beyond what it is asked to keep") {
  streamlab::RowWriter rows;
  for (int i = 0; i < 100'000; ++i) rows.integer(i).end_row();
  CHECK(rows.capacity() >= rows.text().size());
  CHECK(rows.capacity() > 500'000);
  rows.shrink(1000);
  CHECK(rows.rows() == 0);
  CHECK(rows.text().empty());
  CHECK(rows.capacity() == 1000);
  rows.integer(7).end_row();  // and it is still a writer
  CHECK(rows.text() == "7\n");
}
