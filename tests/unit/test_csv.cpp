#include "kernels/special_bytes.hpp"
#include "streamlab/csv.hpp"
#include "streamlab/metrics.hpp"
#include "streamlab/random.hpp"
#include "streamlab/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

using streamlab::CsvOptions;
using streamlab::CsvReader;
using streamlab::RowError;

namespace {

struct Record {
  std::uint64_t line = 0;
  std::optional<RowError> error;
  std::vector<std::string> fields;
  std::string raw;
  bool operator==(const Record&) const = default;
};

std::vector<Record> all_records(CsvReader reader) {
  std::vector<Record> records;
  while (auto row = reader.next()) {
    Record record{row->line(), row->error(), {}, std::string(row->raw())};
    for (auto field : row->fields()) record.fields.emplace_back(field);
    records.push_back(std::move(record));
  }
  return records;
}

std::vector<Record> read_string(std::string_view text, CsvOptions options = {}) {
  return all_records(CsvReader::from_string(text, options));
}

std::filesystem::path write_file(const streamlab::TempDir& dir, const std::string& name, const std::string& bytes) {
  auto path = dir.path() / name;
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

using Fields = std::vector<std::string>;

}  // namespace

TEST_CASE("header, fields and columns by name") {
  auto reader = CsvReader::from_string("timestamp_ms,sensor_id,value,note\n1000,7,2.5,ok\n1001,8,-3e2,\n");
  CHECK(reader.header() == Fields{"timestamp_ms", "sensor_id", "value", "note"});
  CHECK_FALSE(reader.empty());
  CHECK(reader.column("value") == 2u);
  CHECK_FALSE(reader.column("missing").has_value());
  CHECK(reader.require_column("sensor_id") == 1u);
  CHECK_THROWS_WITH(reader.require_column("temp"),
                    "string: no column named 'temp' (columns: timestamp_ms, sensor_id, value, note)");

  auto row = reader.next();
  REQUIRE(row);
  CHECK(row->ok());
  CHECK(row->line() == 2);
  CHECK(row->size() == 4);
  CHECK((*row)[3] == "ok");
  CHECK(row->get<std::int64_t>(0).value == 1000);
  CHECK(row->get<unsigned>(1).value == 7u);
  CHECK(row->get<double>(2).value == 2.5);
  CHECK(row->get<double>(4).error == RowError::wrong_field_count);
  row = reader.next();
  REQUIRE(row);
  CHECK(row->get<double>(2).value == -300.0);
  CHECK(row->get<double>(3).error == RowError::empty_field);
  CHECK_FALSE(reader.next().has_value());
  CHECK_FALSE(reader.next().has_value());  // stays at the end
}

TEST_CASE("RFC 4180 quoting: delimiters, doubled quotes and line breaks inside quotes") {
  const auto records = read_string("a,b\n\"x,y\",\"say \"\"hi\"\"\"\n\"two\nlines\",\"\"\nlast,\"q\"\n");
  REQUIRE(records.size() == 3);
  CHECK(records[0].fields == Fields{"x,y", "say \"hi\""});
  CHECK(records[0].raw == "\"x,y\",\"say \"\"hi\"\"\"");
  CHECK(records[1].fields == Fields{"two\nlines", ""});
  CHECK(records[1].line == 3);
  CHECK(records[2].line == 5);  // the quoted line break counted
  CHECK(records[2].fields == Fields{"last", "q"});
}

TEST_CASE("text after a closing quote and a quote inside an unquoted field are kept (lenient, like Python)") {
  const auto records = read_string("a,b\n\"ab\"cd,x\"y\n");
  REQUIRE(records.size() == 1);
  CHECK(records[0].fields == Fields{"abcd", "x\"y"});
}

TEST_CASE("UTF-8 BOM, CRLF, no trailing newline and blank lines") {
  const auto records = read_string("\xEF\xBB\xBFid,v\r\n1,2\r\n\r\n\n3,\"4\"\r\n5,6");
  auto reader = CsvReader::from_string("\xEF\xBB\xBFid,v\r\n");
  CHECK(reader.header() == Fields{"id", "v"});
  REQUIRE(records.size() == 3);
  CHECK(records[0].fields == Fields{"1", "2"});
  CHECK(records[0].raw == "1,2");
  CHECK(records[1].fields == Fields{"3", "4"});
  CHECK(records[1].line == 5);
  CHECK(records[2].fields == Fields{"5", "6"});
  CHECK(records[2].line == 6);
}

TEST_CASE("empty input, blank input and header only") {
  auto empty = CsvReader::from_string("");
  CHECK(empty.empty());
  CHECK(empty.header().empty());
  CHECK_FALSE(empty.next().has_value());
  CHECK(CsvReader::from_string("\n\r\n").empty());
  CHECK(CsvReader::from_string("\xEF\xBB\xBF").empty());

  auto header_only = CsvReader::from_string("a,b,c");
  CHECK_FALSE(header_only.empty());
  CHECK(header_only.header() == Fields{"a", "b", "c"});
  CHECK_FALSE(header_only.next().has_value());
}

TEST_CASE("without a header the first record sets the field count") {
  const auto records = read_string("1,2\n3,4\n5\n", CsvOptions{.has_header = false});
  REQUIRE(records.size() == 3);
  CHECK(records[0].fields == Fields{"1", "2"});
  CHECK(records[2].error == RowError::wrong_field_count);
}

TEST_CASE("another delimiter") {
  const auto records = read_string("a;b\n1,5;\"x;y\"\n", CsvOptions{.delimiter = ';'});
  REQUIRE(records.size() == 1);
  CHECK(records[0].fields == Fields{"1,5", "x;y"});
}

TEST_CASE("bad rows are values with line number and reason, and the stream goes on") {
  std::string input =
      "a,b\n"
      "1,2\n"                               // 2 good
      "1,2,3\n"                             // 3 wrong_field_count
      "4\n"                                 // 4 wrong_field_count
      "5,6\n";                              // 5 good
  input += std::string_view("x,\0y\n", 5);  // 6 nul_byte
  input +=
      "7,8\n"        // 7 good
      "\"open,9\n";  // 8 unterminated quote, to the end of the input
  const auto records = read_string(input);
  REQUIRE(records.size() == 7);
  CHECK(records[0].error == std::nullopt);
  CHECK(records[1].line == 3);
  CHECK(records[1].error == RowError::wrong_field_count);
  CHECK(records[2].line == 4);
  CHECK(records[2].error == RowError::wrong_field_count);
  CHECK(records[3].fields == Fields{"5", "6"});
  CHECK(records[4].line == 6);
  CHECK(records[4].error == RowError::nul_byte);
  CHECK(records[5].fields == Fields{"7", "8"});
  CHECK(records[5].line == 7);
  CHECK(records[6].line == 8);
  CHECK(records[6].error == RowError::unterminated_quote);
  CHECK(records[6].raw == "\"open,9");  // a stray quote: its record ends with its line
}

TEST_CASE("records_span_lines off: a stray quote costs its own line, not the records after it") {
  const std::string input =
      "timestamp_ms,sensor_id,value\n"
      "1,a,2.5\n"
      "2,\"b,3.5\r\n"  // a stray quote, never closed
      "3,c,4.5\n"
      "4,\"d\",5.5\n"  // quotes closed on their line: fine
      "5,e,\"6.5";     // open at the end of the input
  // Spanning lines (the default, RFC 4180), the stray quote takes the next lines with it.
  const auto spanning = read_string(input);
  CHECK(spanning.size() < 5);
  for (const auto& record : spanning) CHECK(record.fields != Fields{"3", "c", "4.5"});
  for (std::size_t read_bytes : {1u, 4u, 1000u}) {
    INFO("read_bytes = " << read_bytes);
    const auto records = read_string(input, CsvOptions{.records_span_lines = false, .read_bytes = read_bytes});
    REQUIRE(records.size() == 5);
    CHECK(records[0].fields == Fields{"1", "a", "2.5"});
    CHECK(records[1].line == 3);
    CHECK(records[1].error == RowError::unterminated_quote);
    CHECK(records[1].raw == "2,\"b,3.5");  // its line, without the line ending
    CHECK(records[2] == Record{4, std::nullopt, {"3", "c", "4.5"}, "3,c,4.5"});
    CHECK(records[3].fields == Fields{"4", "d", "5.5"});
    CHECK(records[4].line == 6);
    CHECK(records[4].error == RowError::unterminated_quote);
  }
  // A line break inside quotes is no longer part of a field: a header cannot hold one either.
  CHECK_THROWS_WITH(CsvReader::from_string("\"a\nb\",c\n1,2\n", CsvOptions{.records_span_lines = false}),
                    "string: line 1: bad header row (unterminated quote)");
}

TEST_CASE("records spanning lines: a quote never closed costs the line it opened on, not the rest") {
  // Closed by nothing before the end of the input: the rows after it are read as rows.
  std::string input = "a,b\n1,2\n3,\"x\r\n5,6\n7,8\n";
  for (std::size_t read_bytes : {1u, 3u, 1000u}) {
    INFO("read_bytes = " << read_bytes);
    const auto records = read_string(input, CsvOptions{.read_bytes = read_bytes});
    REQUIRE(records.size() == 4);
    CHECK(records[1] == Record{3, RowError::unterminated_quote, {"3", "x"}, "3,\"x"});
    CHECK(records[2] == Record{4, std::nullopt, {"5", "6"}, "5,6"});
    CHECK(records[3] == Record{5, std::nullopt, {"7", "8"}, "7,8"});
  }
  // Not closed within max_record_bytes, with more input after: the same.
  input = "a,b\n1,2\n3,\"x\n";
  for (int i = 0; i < 2000; ++i) input += std::to_string(i) + ",9\n";
  const auto records = read_string(input, CsvOptions{.max_record_bytes = 1000, .read_bytes = 64});
  REQUIRE(records.size() == 2002);
  CHECK(records[1].error == RowError::unterminated_quote);
  CHECK(records[2] == Record{4, std::nullopt, {"0", "9"}, "0,9"});
  CHECK(records.back() == Record{2003, std::nullopt, {"1999", "9"}, "1999,9"});
  // A quoted line break that is closed is still a field's line break (RFC 4180).
  CHECK(read_string("a,b\n1,\"x\ny\"\n")[0].fields == Fields{"1", "x\ny"});
}

TEST_CASE("a record longer than the limit is line_too_long; the rest of its line is skipped") {
  const CsvOptions options{.max_record_bytes = 16, .read_bytes = 5};
  const std::string long_line(100, 'x');
  const auto records = read_string("a,b\n1,2\n" + long_line + ",y\n3,4\n\"quoted\n" + long_line + "\n5,6\n", options);
  REQUIRE(records.size() == 6);
  CHECK(records[1].line == 3);
  CHECK(records[1].error == RowError::line_too_long);
  CHECK(records[1].raw == std::string(16, 'x'));
  CHECK(records[2].fields == Fields{"3", "4"});
  CHECK(records[2].line == 4);
  CHECK(records[3].error == RowError::unterminated_quote);  // not closed within the limit: a stray quote
  CHECK(records[3].line == 5);
  CHECK(records[3].raw == "\"quoted");
  CHECK(records[4].error == RowError::line_too_long);
  CHECK(records[4].line == 6);
  CHECK(records[5].fields == Fields{"5", "6"});
  CHECK(records[5].line == 7);

  // Exactly at the limit is fine, one byte more is not; the line ending does not count.
  const auto edge = read_string("a\n" + std::string(16, 'y') + "\r\n" + std::string(17, 'z') + "\n", options);
  REQUIRE(edge.size() == 2);
  CHECK(edge[0].error == std::nullopt);
  CHECK(edge[1].error == RowError::line_too_long);
}

TEST_CASE("an 8 MB line under the default 1 MiB limit") {
  const std::string input = "a,b\n" + std::string(8 << 20, '7') + ",1\n1,2\n";
  const auto records = read_string(input);
  REQUIRE(records.size() == 2);
  CHECK(records[0].error == RowError::line_too_long);
  CHECK(records[0].raw.size() == streamlab::BadRow::max_text_bytes);
  CHECK(records[1].fields == Fields{"1", "2"});
}

TEST_CASE("to_bad_row keeps the line, the reason and at most max_text_bytes of text") {
  const std::string input = "a,b\n1," + std::string(1000, 'q') + "\n";
  auto reader = CsvReader::from_string(input);
  auto row = reader.next();
  REQUIRE(row);
  const auto value = row->get<double>(1);
  REQUIRE(value.error == RowError::not_a_number);
  const auto bad = row->to_bad_row(*value.error);
  CHECK(bad.line == 2);
  CHECK(bad.reason == RowError::not_a_number);
  CHECK(bad.text.size() == streamlab::BadRow::max_text_bytes);
  CHECK(bad.text.starts_with("1,qqq"));
}

TEST_CASE("special_bytes: the delimiter, newline, quote and NUL among 16 bytes, SIMD and portable alike") {
  // The bits the scan needs, the slow way: one test per byte.
  const auto expected_bits = [](const char* p, char delimiter) {
    std::uint32_t bits = 0;
    for (int i = 0; i < 16; ++i) {
      if (p[i] == delimiter || p[i] == '\n' || p[i] == '"' || p[i] == '\0') bits |= std::uint32_t{1} << i;
    }
    return bits;
  };
  const auto check = [&](const char* p, char delimiter) {
    const std::uint32_t expected = expected_bits(p, delimiter);
    CHECK(streamlab::detail::special_bytes(p, delimiter) == expected);
    CHECK(streamlab::detail::special_bytes_portable(p, delimiter) == expected);
  };
  // Every byte value at every one of the 16 places, among plain text.
  for (const char delimiter : {',', ';', '\t', '|'}) {
    for (int position = 0; position < 16; ++position) {
      for (int byte = 0; byte < 256; ++byte) {
        char block[16];
        std::memcpy(block, "ab1.x7yz-Q0%t~e9", 16);
        block[position] = static_cast<char>(byte);
        INFO("delimiter " << int(delimiter) << ", byte " << byte << " at " << position);
        check(block, delimiter);
      }
    }
  }
  // Random blocks, dense in special bytes and their neighbours (0x01, 0x80 and up, '!', '#', '-').
  const char alphabet[] = {',',    ';',    '\n', '\r', '"', '\0', '\x01', '\x7f',
                           '\x80', '\xff', '!',  '#',  '-', 'a',  '0',    '\t'};
  streamlab::Random random{23};
  for (int i = 0; i < 20'000; ++i) {
    char block[16];
    for (char& c : block) c = alphabet[random.uniform_int(0, sizeof alphabet - 1)];
    check(block, i % 2 == 0 ? ',' : ';');
  }
}

TEST_CASE("reason names are stable") {
  REQUIRE(streamlab::all_row_errors.size() == streamlab::row_error_count);
  std::vector<std::string> names;
  for (auto error : streamlab::all_row_errors) names.emplace_back(streamlab::row_error_name(error));
  CHECK(names == Fields{"wrong_field_count", "empty_field", "not_a_number", "out_of_range", "non_finite",
                        "unterminated_quote", "line_too_long", "nul_byte", "too_many_keys"});
  CHECK(streamlab::row_error_text(RowError::non_finite) == "NaN or infinity");
  CHECK(streamlab::row_error_index(RowError::nul_byte) == 7);
}

TEST_CASE("records that cross the internal buffer give the same result for every read size") {
  std::string input = "id,text,v\n";
  for (int i = 0; i < 40; ++i) {
    input += std::to_string(i) + ",\"multi\nline, \"\"quoted\"\"\r\nfield " + std::to_string(i) + "\"," +
             std::to_string(i * 0.5) + "\r\n";
    if (i % 7 == 0) input += "bad,row\n";
    if (i % 11 == 0) input += "\n";
  }
  input += "99,\"last\",1";  // no trailing newline
  const auto expected = read_string(input, CsvOptions{.read_bytes = input.size() + 1});
  REQUIRE(expected.size() == 47);
  CHECK(expected[0].fields == Fields{"0", "multi\nline, \"quoted\"\r\nfield 0", "0.000000"});
  CHECK(expected.back().fields == Fields{"99", "last", "1"});
  for (std::size_t read_bytes : {1u, 2u, 3u, 7u, 64u, 1000u}) {
    INFO("read_bytes = " << read_bytes);
    CHECK(read_string(input, CsvOptions{.read_bytes = read_bytes}) == expected);
  }
}

TEST_CASE("random text: the eight-bytes-at-a-time path and the byte-by-byte path agree") {
  // With one big read most records take the fast path; with reads of a few bytes no record is
  // whole in the buffer when its scan starts, so all of them go byte by byte.
  constexpr std::string_view alphabet = "ab1.,,,\"\"\n\n\r\0 ;\t";
  streamlab::Random random{11};
  for (int round = 0; round < 300; ++round) {
    std::string input;
    const auto length = random.uniform_int(0, 400);
    for (int i = 0; i < length; ++i) {
      input += alphabet[static_cast<std::size_t>(random.uniform_int(0, static_cast<int>(alphabet.size()) - 1))];
    }
    INFO("round " << round);
    for (bool header : {true, false}) {
      for (std::size_t max_record_bytes : {std::size_t{8}, std::size_t{4096}}) {
        const char delimiter = ",;\t"[round % 3];
        CsvOptions options{.delimiter = delimiter,
                           .has_header = header,
                           .records_span_lines = round % 2 == 0,
                           .max_record_bytes = max_record_bytes,
                           .read_bytes = input.size() + 1};
        std::optional<std::vector<Record>> whole, pieces;
        try {
          whole = read_string(input, options);
        } catch (const std::runtime_error&) {  // a malformed header: must throw both ways
        }
        options.read_bytes = 3;
        try {
          pieces = read_string(input, options);
        } catch (const std::runtime_error&) {
        }
        CHECK(whole == pieces);
      }
    }
  }
}

TEST_CASE("a quoted field across the 128 KiB buffer boundary of a real file") {
  streamlab::TempDir dir{"test"};
  std::string input = "k,v\n";
  while (input.size() < 128 * 1024 - 20) input += "1,plain\n";
  const std::size_t good_rows = (input.size() - 4) / 8;
  input += "2,\"" + std::string(50, 'a') + "\n,\"\"" + std::string(50, 'b') + "\"\n3,end";
  const auto records = all_records(CsvReader::open(write_file(dir, "big.csv", input)));
  REQUIRE(records.size() == good_rows + 2);
  CHECK(records[good_rows].fields == Fields{"2", std::string(50, 'a') + "\n,\"" + std::string(50, 'b')});
  CHECK(records[good_rows + 1].fields == Fields{"3", "end"});
  CHECK(records[good_rows + 1].line == good_rows + 4);
}

TEST_CASE("files: missing, a directory, and a pipe") {
  streamlab::TempDir dir{"test"};
  CHECK_THROWS_WITH(CsvReader::open(dir.path() / "missing.csv"),
                    Catch::Matchers::EndsWith("missing.csv: No such file or directory"));
  CHECK_THROWS_AS(CsvReader::open(dir.path() / "missing.csv"), std::system_error);
  CHECK_THROWS_WITH(CsvReader::open(dir.path()), Catch::Matchers::EndsWith(": Is a directory"));

  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  std::thread writer([fd = fds[1]] {
    const std::string parts[] = {"a,b\n1,", "\"x\n", "y\"\n2,3"};
    for (const auto& part : parts) {
      REQUIRE(::write(fd, part.data(), part.size()) == static_cast<ssize_t>(part.size()));
    }
    ::close(fd);
  });
  auto records = all_records(CsvReader::from_fd(fds[0]));
  writer.join();
  ::close(fds[0]);
  REQUIRE(records.size() == 2);
  CHECK(records[0].fields == Fields{"1", "x\ny"});
  CHECK(records[1].fields == Fields{"2", "3"});
}

TEST_CASE("buffered_bytes: 0 exactly when the next record needs another read") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const auto send = [&](std::string_view text) {
    REQUIRE(::write(fds[1], text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  };
  send("a,b\n1,2\n3,4\n");  // what a writer has sent so far: the reader gets it in one read
  auto reader = CsvReader::from_fd(fds[0]);
  CHECK(reader.next()->line() == 2);
  CHECK(reader.buffered_bytes() == 4);  // "3,4\n"
  CHECK(reader.next()->line() == 3);
  CHECK(reader.buffered_bytes() == 0);  // the next record is not here yet
  send("5,6\n7,");
  CHECK(reader.next()->line() == 4);
  CHECK(reader.buffered_bytes() == 2);  // half a record
  send("8\n");
  ::close(fds[1]);
  CHECK(reader.next()->line() == 5);
  CHECK(reader.buffered_bytes() == 0);
  CHECK_FALSE(reader.next().has_value());
  ::close(fds[0]);
}

TEST_CASE("misuse: a delimiter that cannot work, a size of 0, a malformed header") {
  CHECK_THROWS_AS(CsvReader::from_string("a\n", CsvOptions{.delimiter = '"'}), std::invalid_argument);
  CHECK_THROWS_AS(CsvReader::from_string("a\n", CsvOptions{.delimiter = '\n'}), std::invalid_argument);
  // Sizes of 0 are mistakes, not requests for the smallest size: no silent clamping to 1.
  CHECK_THROWS_AS(CsvReader::from_string("a\n", CsvOptions{.max_record_bytes = 0}), std::invalid_argument);
  CHECK_THROWS_AS(CsvReader::from_string("a\n", CsvOptions{.read_bytes = 0}), std::invalid_argument);
  CHECK_THROWS_AS(CsvReader::from_stdin(CsvOptions{.read_bytes = 0}), std::invalid_argument);
  CHECK_THROWS_AS(streamlab::chunks(CsvReader::from_string("a\n1\n"), 0), std::invalid_argument);  // at the call
  CHECK_THROWS_WITH(CsvReader::from_string("\"a,b\n1,2\n"), "string: line 1: bad header row (unterminated quote)");
}

TEST_CASE("a moved reader goes on where the other stopped") {
  auto first = CsvReader::from_string("a\n1\n2\n");
  CHECK(first.next()->line() == 2);
  CsvReader second = std::move(first);
  CHECK((*second.next())[0] == "2");
  first = std::move(second);
  CHECK_FALSE(first.next().has_value());
}

TEST_CASE("chunks: column-oriented blocks of rows, bad rows reported with them") {
  std::string input = "time,name,value\n";
  for (int i = 0; i < 25; ++i)
    input += std::to_string(i) + ",n" + std::to_string(i) + "," + std::to_string(i * 2) + "\n";
  input += "25,bad,abc\n26,x\n27,y,nan\n";
  std::vector<std::size_t> rows;
  std::vector<std::size_t> bad;
  std::vector<std::uint64_t> first_lines;
  double total = 0;
  for (auto& chunk : streamlab::chunks(CsvReader::from_string(input), 10)) {
    CHECK(chunk.names == Fields{"time", "value"});  // `name` is text: not a numeric column
    rows.push_back(chunk.rows);
    bad.push_back(chunk.bad_rows.size());
    first_lines.push_back(chunk.first_line);
    for (double v : chunk.column("value")) total += v;
    CHECK(chunk.column("time").size() == chunk.rows);
    CHECK_THROWS_AS(chunk.column("name"), std::out_of_range);
    if (!chunk.bad_rows.empty()) {
      CHECK(chunk.bad_rows[0].line == 27);
      CHECK(chunk.bad_rows[0].reason == RowError::not_a_number);
      CHECK(chunk.bad_rows[1].reason == RowError::wrong_field_count);
      CHECK(chunk.bad_rows[2].reason == RowError::non_finite);
    }
  }
  CHECK(rows == std::vector<std::size_t>{10, 10, 5});
  CHECK(bad == std::vector<std::size_t>{0, 0, 3});
  CHECK(first_lines == std::vector<std::uint64_t>{2, 12, 22});
  CHECK(total == 600.0);
}

TEST_CASE("chunks: chosen columns, and a consumer that moves the chunk away") {
  const std::string input = "a,b,c\n1,2,3\n4,5,6\n7,8,9\n";
  std::vector<streamlab::CsvChunk> kept;
  for (auto& chunk : streamlab::chunks(CsvReader::from_string(input), 2, {"c", "a"})) kept.push_back(std::move(chunk));
  REQUIRE(kept.size() == 2);
  CHECK(kept[0].names == Fields{"c", "a"});
  CHECK(kept[0].columns == std::vector<std::vector<double>>{{3, 6}, {1, 4}});
  CHECK(kept[1].index == 1);
  CHECK(kept[1].columns == std::vector<std::vector<double>>{{9}, {7}});
  CHECK_THROWS_WITH(streamlab::chunks(CsvReader::from_string(input), 2, {"zz"}).begin(),
                    "string: no column named 'zz' (columns: a, b, c)");
}

// Tagged [slow] (CTest label slow): it writes and reads 200 MB. It runs with every test in
// scripts/test, but not in the sanitizer and clang runs, which choose their tests by label.
TEST_CASE("streaming a 200 MB file keeps peak memory growth under 16 MB", "[slow]") {
  streamlab::TempDir dir{"test"};
  const auto path = dir.path() / "big.csv";
  constexpr std::uint64_t target_bytes = 200'000'000;
  {
    std::FILE* out = std::fopen(path.c_str(), "wb");
    REQUIRE(out != nullptr);
    std::string block = "timestamp_ms,sensor_id,value\n";
    std::uint64_t written = 0;
    for (std::uint64_t i = 0; written < target_bytes; ++i) {
      block += std::to_string(1'700'000'000'000 + i);
      block += ',';
      block += std::to_string(i % 100);
      block += ',';
      block += std::to_string(static_cast<double>(i % 1000) * 0.25);
      block += '\n';
      if (block.size() > 60'000) {
        written += std::fwrite(block.data(), 1, block.size(), out);
        block.clear();
      }
    }
    written += std::fwrite(block.data(), 1, block.size(), out);
    std::fclose(out);
    REQUIRE(written >= target_bytes);
  }

  auto reader = CsvReader::open(path);
  const std::size_t t = reader.require_column("timestamp_ms");
  const std::size_t id = reader.require_column("sensor_id");
  const std::size_t v = reader.require_column("value");
  std::uint64_t rows = 0;
  std::uint64_t bad_rows = 0;
  double sum = 0;
  auto read_row = [&] {
    auto row = reader.next();
    if (!row) return false;
    const auto ts = row->get<std::int64_t>(t);
    const auto sensor = row->get<unsigned>(id);
    const auto value = row->get<double>(v);
    if (streamlab::first_error(ts, sensor, value)) ++bad_rows;  // counted, not REQUIREd: 7 M rows
    sum += value.value;
    ++rows;
    return true;
  };
  // Warm up first (buffers allocated, pages touched), then take the baseline: under ASan the
  // allocator's own bookkeeping makes the first megabytes noisy, and they are not the reader's.
  for (int i = 0; i < 100'000; ++i) read_row();
  const std::uint64_t baseline = streamlab::current_rss_bytes();
  const std::uint64_t peak_before = streamlab::peak_rss_bytes();
  REQUIRE(baseline > 0);
  // ru_maxrss never goes down, so an earlier test's peak could hide growth: sample the current RSS
  // as we go too, and check both.
  std::uint64_t highest = baseline;
  while (read_row()) {
    if (rows % 262'144 == 0) highest = std::max(highest, streamlab::current_rss_bytes());
  }
  highest = std::max(highest, streamlab::current_rss_bytes());
  const std::uint64_t peak_after = streamlab::peak_rss_bytes();
  constexpr std::uint64_t limit = 16u << 20;
  INFO("baseline " << baseline << " highest " << highest << " peak before " << peak_before << " after " << peak_after);
  CHECK(reader.bytes_read() >= target_bytes);
  CHECK(rows > 5'000'000);
  CHECK(bad_rows == 0);
  CHECK(sum > 0);
  CHECK(highest - baseline < limit);
  // ru_maxrss and /proc/self/statm are counted differently (ru_maxrss is updated lazily), so the
  // peak may read a little below the baseline: growth saturates at zero.
  const std::uint64_t reference = std::max(peak_before, baseline);
  CHECK((peak_after > reference ? peak_after - reference : 0) < limit);
}

TEST_CASE("a column's range: a number outside it is out_of_range, like one too large for its type") {
  auto reader = CsvReader::from_string("timestamp_ms,value\n5,1e12\n-5,-1e12\n0,1.5e12\n7,1e308\n");
  std::vector<std::pair<std::optional<RowError>, std::optional<RowError>>> errors;
  while (auto row = reader.next()) {
    errors.emplace_back(row->get<std::int64_t>(0, 0).error, row->get<double>(1, -1e12, 1e12).error);
  }
  REQUIRE(errors.size() == 4);
  CHECK(errors[0] == std::pair{std::optional<RowError>{}, std::optional<RowError>{}});  // the bounds are in
  CHECK(errors[1].first == RowError::out_of_range);                                     // a time before 1970
  CHECK(errors[1].second == std::nullopt);
  CHECK(errors[2].second == RowError::out_of_range);
  CHECK(errors[3].second == RowError::out_of_range);
  CHECK(CsvReader::from_string("v\nnan\n").next()->get<double>(0, -1.0, 1.0).error == RowError::non_finite);
}

TEST_CASE("require_column: a column the header names twice is an error naming it; control bytes are escaped") {
  auto reader = CsvReader::from_string("a,value,b,value\n1,2,3,4\n");
  CHECK(reader.column("value") == 1u);  // column(): the first one
  CHECK(reader.require_column("a") == 0u);
  CHECK_THROWS_WITH(reader.require_column("value"), "string: the header names column 'value' twice (columns 2 and 4)");
  auto escaped = CsvReader::from_string("ti\x1b[2Jme,v\x07\n1,2\n");
  CHECK_THROWS_WITH(escaped.require_column("value"),
                    "string: no column named 'value' (columns: ti\\x1b[2Jme, v\\x07)");  // it used to print them raw
  CHECK(streamlab::escape_control_bytes(std::string_view("a\0b\n\x7f\xc3\xa9", 7)) == "a\\x00b\\x0a\\x7f\xc3\xa9");
}
