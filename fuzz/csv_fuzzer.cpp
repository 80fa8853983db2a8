// libFuzzer target for CsvReader: any bytes must give rows or bad rows, never a crash, a hang, a
// sanitizer report, or a result that depends on how the input was cut into reads.
#include "streamlab/csv.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

struct Record {
  std::uint64_t line = 0;
  std::optional<streamlab::RowError> error;
  std::vector<std::string> fields;
  std::string raw;
  bool operator==(const Record&) const = default;
};

// Reads everything, touching every field through the typed parsers too.
std::optional<std::vector<Record>> read_all(std::string_view text, streamlab::CsvOptions options) {
  std::vector<Record> records;
  try {
    auto reader = streamlab::CsvReader::from_string(text, options);
    std::uint64_t last_line = 0;
    while (auto row = reader.next()) {
      if (row->line() <= last_line) __builtin_trap();  // line numbers only go up
      last_line = row->line();
      if (row->raw().size() > options.max_record_bytes) __builtin_trap();
      Record record{row->line(), row->error(), {}, std::string(row->raw())};
      for (std::size_t i = 0; i < row->size(); ++i) {
        record.fields.emplace_back((*row)[i]);
        (void)row->get<double>(i);
        (void)row->get<std::int64_t>(i);
        (void)row->get<unsigned>(i);
      }
      if (!row->ok() && row->to_bad_row().text.size() > streamlab::BadRow::max_text_bytes) __builtin_trap();
      records.push_back(std::move(record));
    }
  } catch (const std::runtime_error&) {
    return std::nullopt;  // a malformed header: the one data error that is thrown
  }
  return records;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  // The first byte picks the options, the rest is the CSV text.
  const std::uint8_t knobs = data[0];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  streamlab::CsvOptions options;
  constexpr char delimiters[] = {',', ';', '\t', '|'};
  options.delimiter = delimiters[knobs & 3u];
  options.has_header = (knobs & 4u) != 0;
  // Either larger than any input (-max_len) or small enough that records hit the limit. Not the
  // 1 MiB default: allocating its buffers would make each run a hundred times slower.
  options.max_record_bytes = (knobs & 8u) != 0 ? 8192u : 8u + (knobs >> 4u) * 4u;

  for (const bool span : {true, false}) {  // records across lines (RFC 4180), or one record a line
    options.records_span_lines = span;
    options.read_bytes = text.size() + 1;  // one read: the reference result
    const auto whole = read_all(text, options);
    options.read_bytes = 1u + (knobs >> 5u);  // tiny reads: every record crosses the buffer's end
    const auto pieces = read_all(text, options);
    if (whole != pieces) __builtin_trap();
    if (!span && whole) {
      for (const auto& record : *whole) {
        if (record.raw.find('\n') != std::string::npos) __builtin_trap();  // one line, at most
      }
    }
  }

  // The chunked reader on the same input.
  try {
    options.read_bytes = 64;
    for (auto& chunk : streamlab::chunks(streamlab::CsvReader::from_string(text, options), 3)) {
      for (const auto& column : chunk.columns) {
        if (column.size() != chunk.rows) __builtin_trap();
      }
    }
  } catch (const std::runtime_error&) {
  }
  return 0;
}
