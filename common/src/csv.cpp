#include "streamlab/csv.hpp"

#include "kernels/special_bytes.hpp"
#include "streamlab/input_file.hpp"

#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace streamlab {

namespace {
constexpr std::string_view utf8_bom = "\xEF\xBB\xBF";
}  // namespace

std::string escape_control_bytes(std::string_view text) {
  constexpr std::string_view hex = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte != 0x7F) {
      out += c;
    } else {
      out += "\\x";
      out += hex[byte >> 4];
      out += hex[byte & 0xF];
    }
  }
  return out;
}

namespace {
// The options, checked: a bad one is a programming error, so it throws (std::invalid_argument).
const CsvOptions& checked(const CsvOptions& options) {
  const char d = options.delimiter;
  if (d == '"' || d == '\n' || d == '\r' || d == '\0') {
    throw std::invalid_argument("CsvReader: the delimiter cannot be a quote, a line break or NUL");
  }
  if (options.max_record_bytes == 0) throw std::invalid_argument("CsvReader: max_record_bytes must be at least 1");
  if (options.read_bytes == 0) throw std::invalid_argument("CsvReader: read_bytes must be at least 1");
  return options;
}

// A whole record (its line ending too) must fit, with room for one more read after it.
std::size_t buffer_bytes(const CsvOptions& options) { return options.max_record_bytes + 2 + options.read_bytes; }
}  // namespace

CsvReader CsvReader::open(const std::filesystem::path& path, CsvOptions options) {
  checked(options);  // before the file is opened
  return CsvReader(BufferedInput(open_input_file(path), path.string(), buffer_bytes(options), load_padding), options);
}

CsvReader CsvReader::from_fd(int fd, CsvOptions options) {
  checked(options);
  return CsvReader(
      BufferedInput(FileDescriptor::borrowed(fd), "fd " + std::to_string(fd), buffer_bytes(options), load_padding),
      options);
}

CsvReader CsvReader::from_stdin(CsvOptions options) {
  checked(options);
  return CsvReader(BufferedInput(FileDescriptor::borrowed(STDIN_FILENO), "stdin", buffer_bytes(options), load_padding),
                   options);
}

CsvReader CsvReader::from_string(std::string_view text, CsvOptions options) {
  checked(options);
  return CsvReader(BufferedInput::from_string(text, buffer_bytes(options), load_padding), options);
}

CsvReader::CsvReader(BufferedInput input, CsvOptions options) : options_(checked(options)), input_(std::move(input)) {
  special_[static_cast<unsigned char>(options_.delimiter)] = true;
  special_[static_cast<unsigned char>('\n')] = true;
  special_[0] = true;
  start();
}

bool CsvReader::fill() { return input_.fill(options_.read_bytes); }

void CsvReader::start() {
  while (input_.buffered() < utf8_bom.size() && fill()) {
  }
  if (std::string_view(input_.data() + input_.begin(), input_.buffered()).starts_with(utf8_bom)) {
    input_.consume(input_.begin() + utf8_bom.size());
  }
  if (!options_.has_header) return;
  Scan result = Scan::blank;
  while ((result = scan()) == Scan::blank) {
  }
  if (result == Scan::end) return;
  empty_ = false;
  if (error_) {
    throw std::runtime_error(input_.name() + ": line " + std::to_string(record_line_) + ": bad header row (" +
                             std::string(row_error_text(*error_)) + ")");
  }
  header_.assign(fields_.begin(), fields_.end());
  expected_fields_ = header_.size();
}

std::optional<std::size_t> CsvReader::column(std::string_view name) const noexcept {
  for (std::size_t i = 0; i < header_.size(); ++i) {
    if (header_[i] == name) return i;
  }
  return std::nullopt;
}

std::size_t CsvReader::require_column(std::string_view name) const {
  if (auto index = column(name)) {
    for (std::size_t i = *index + 1; i < header_.size(); ++i) {
      if (header_[i] == name)
        throw std::runtime_error(input_.name() + ": the header names column '" + escape_control_bytes(name) +
                                 "' twice (columns " + std::to_string(*index + 1) + " and " + std::to_string(i + 1) +
                                 ")");
    }
    return *index;
  }
  std::string known;
  for (const auto& column_name : header_) known += (known.empty() ? "" : ", ") + escape_control_bytes(column_name);
  throw std::runtime_error(input_.name() + ": no column named '" + escape_control_bytes(name) +
                           "' (columns: " + (known.empty() ? "none" : known) + ")");
}

std::optional<CsvRow> CsvReader::next() {
  for (;;) {
    const Scan result = scan();
    if (result == Scan::end) return std::nullopt;
    if (result == Scan::blank) continue;
    empty_ = false;
    if (!error_) {
      if (expected_fields_ == 0) {
        expected_fields_ = fields_.size();
      } else if (fields_.size() != expected_fields_) {
        error_ = RowError::wrong_field_count;
      }
    }
    // Built in place, not made and then copied into the optional (bench/README.md, CSV reader).
    return std::optional<CsvRow>(std::in_place, fields_, raw_, record_line_, error_);
  }
}

void CsvReader::skip_rest_of_line(std::size_t from) {
  input_.consume(from);
  for (;;) {
    const char* start = input_.data() + input_.begin();
    const auto* newline = static_cast<const char*>(std::memchr(start, '\n', input_.buffered()));
    if (newline != nullptr) {
      input_.consume(static_cast<std::size_t>(newline - input_.data()) + 1);
      ++lines_;
      return;
    }
    input_.consume(input_.end());
    if (!fill()) {
      ++lines_;  // the last line had no newline
      return;
    }
  }
}

// The fast path of scan(), for the common record: no quote, no NUL, its newline already in the
// buffer, not too long, not blank. It tests sixteen bytes per step for the four bytes that matter
// (delimiter, newline, quote, NUL; detail::special_bytes) instead of one byte per step. Any other
// record returns false without moving the reader on, and scan() takes it byte by byte.
bool CsvReader::scan_plain_record() {
  char* const base = input_.data();
  char* const record = base + input_.begin();
  char* const limit = base + std::min(input_.end(), input_.begin() + options_.max_record_bytes);  // longer: not plain
  fields_.clear();
  char* field = record;
  for (char* p = record; p < limit; p += 16) {
    // May read past limit into the padding: those bytes are masked off.
    std::uint32_t hits = detail::special_bytes(p, options_.delimiter);
    if (limit - p < 16) hits &= (std::uint32_t{1} << (limit - p)) - 1;
    for (; hits != 0; hits &= hits - 1) {  // each special byte, lowest address first
      char* const at = p + std::countr_zero(hits);
      if (*at == options_.delimiter) {
        fields_.emplace_back(field, static_cast<std::size_t>(at - field));
        field = at + 1;
        continue;
      }
      if (*at != '\n') return false;  // a quote or a NUL
      char* end = at;
      if (end > field && end[-1] == '\r') --end;
      if (end == record) return false;  // a blank line
      fields_.emplace_back(field, static_cast<std::size_t>(end - field));
      unquoted_.clear();
      error_.reset();
      raw_ = std::string_view(record, static_cast<std::size_t>(end - record));
      record_line_ = ++lines_;
      input_.consume(static_cast<std::size_t>(at - base) + 1);
      return true;
    }
  }
  return false;  // no newline yet, or too long
}

// Scans one record starting at input_.begin(). The record must lie whole in the buffer: when the scan runs
// into the end of the buffered bytes it reads more and starts the record again (records are short
// next to a read, so rescanning costs little). A record cannot grow past max_record_bytes, so the
// buffer never grows.
CsvReader::Scan CsvReader::scan() {
  if (scan_plain_record()) return Scan::record;
  const char delimiter = options_.delimiter;
  const std::size_t max_bytes = options_.max_record_bytes;
  for (;;) {
    char* const base = input_.data();
    char* const record = base + input_.begin();
    const bool capped = input_.buffered() > max_bytes + 2;  // longer than any record with its "\r\n"
    char* const limit = capped ? record + max_bytes + 2 : base + input_.end();
    const bool at_eof = input_.at_end() && !capped;  // no byte will follow `limit`
    fields_.clear();
    unquoted_.clear();
    error_.reset();
    bool nul = false;
    bool open_quote = false;
    std::uint64_t inner_newlines = 0;
    char* p = record;
    bool need_more = false;
    // Moves p to the next delimiter or newline (or to limit); a NUL on the way is noted, not a stop.
    const auto skip_to_delimiter_or_newline = [&] {
      for (;;) {
        while (p < limit && !special_[static_cast<unsigned char>(*p)]) ++p;
        if (p == limit || *p != '\0') return;
        nul = true;
        ++p;
      }
    };

    for (;;) {  // one field per iteration
      char* field_begin = p;
      char* field_end = nullptr;
      bool use_unquoted = false;
      if (p < limit && *p == '"') {
        ++p;
        char* const content = p;
        bool doubled = false;
        char* first_newline = nullptr;  // in this field: where its line ends, should the quote be stray
        std::uint64_t newlines_before = inner_newlines;
        bool nul_before = nul;
        for (;;) {
          while (p < limit && *p != '"') {
            if (*p == '\n') {
              if (!options_.records_span_lines) break;  // the line ends the record, quote or not
              if (first_newline == nullptr) first_newline = p, newlines_before = inner_newlines, nul_before = nul;
              ++inner_newlines;
            } else if (*p == '\0') {
              nul = true;
            }
            ++p;
          }
          if (p == limit || *p == '\n') break;  // still inside the quotes
          if (p + 1 == limit && !at_eof) {
            p = limit;
            break;
          }  // is it `""`? need the next byte
          if (p + 1 < limit && p[1] == '"') {
            doubled = true;
            p += 2;
            continue;
          }
          break;  // the closing quote
        }
        if (p == limit && first_newline != nullptr && (at_eof || capped)) {
          // Never closed (by the end of the input or within max_record_bytes): a stray quote. The
          // record ends where the quote's line ends, and reading goes on with the next line.
          p = first_newline;
          inner_newlines = newlines_before;
          nul = nul_before;
        }
        if (p < limit && *p == '\n') {
          open_quote = true;  // the line ended inside the quotes (a stray quote, or records_span_lines off)
          field_begin = content;
          field_end = p > content && p[-1] == '\r' ? p - 1 : p;
        } else if (p == limit) {
          if (!at_eof) {
            need_more = true;
            break;
          }
          open_quote = true;  // the input ended inside the quotes
          field_begin = content;
          field_end = limit;
        } else {
          char* const closing = p++;
          // Text after the closing quote (not RFC 4180) is kept, as Python's csv module does.
          char* const tail = p;
          skip_to_delimiter_or_newline();
          if (p == limit && !at_eof) {
            need_more = true;
            break;
          }
          char* tail_end = p;
          if (p < limit && *p == '\n' && tail_end > tail && tail_end[-1] == '\r') --tail_end;
          if (p == limit && tail_end > tail && tail_end[-1] == '\r') --tail_end;
          if (!doubled && tail_end == tail) {
            field_begin = content;
            field_end = closing;
          } else {
            if (unquoted_.capacity() < max_bytes + 2) unquoted_.reserve(max_bytes + 2);  // views must not move
            const std::size_t at = unquoted_.size();
            for (const char* q = content; q < closing; ++q) {
              unquoted_.push_back(*q);
              if (*q == '"') ++q;  // the second quote of a doubled pair
            }
            unquoted_.append(tail, tail_end);
            fields_.emplace_back(unquoted_.data() + at, unquoted_.size() - at);
            use_unquoted = true;
          }
        }
      } else {
        skip_to_delimiter_or_newline();
        if (p == limit && !at_eof) {
          need_more = true;
          break;
        }
        field_end = p;
        const bool line_end = p == limit || *p == '\n';
        if (line_end && field_end > field_begin && field_end[-1] == '\r') --field_end;
      }
      if (!use_unquoted) fields_.emplace_back(field_begin, static_cast<std::size_t>(field_end - field_begin));
      if (p < limit && *p == delimiter) {
        ++p;
        continue;
      }
      break;  // at '\n' or the end of the input
    }

    if (need_more) {
      if (capped) {  // no end within max_record_bytes: too long
        const std::size_t keep = std::min(max_bytes, BadRow::max_text_bytes);
        long_text_.assign(record, keep);
        record_line_ = lines_ + 1;
        for (const char* q = record; q < limit; ++q) lines_ += (*q == '\n') ? 1 : 0;
        skip_rest_of_line(static_cast<std::size_t>(limit - base));
        fields_.clear();
        raw_ = long_text_;
        error_ = RowError::line_too_long;
        return Scan::record;
      }
      fill();  // at the end of the input the next pass sees at_eof
      continue;
    }

    // The record ends at p: a '\n', or the end of the input.
    const bool newline = p < limit;
    if (!newline && p == record && fields_.size() == 1) {
      input_.consume(input_.end());
      return Scan::end;  // nothing left
    }
    std::size_t length = static_cast<std::size_t>(p - record);
    if (length > 0 && record[length - 1] == '\r' && (!open_quote || newline))
      --length;  // inside quotes at the end: data
    record_line_ = lines_ + 1;
    lines_ += inner_newlines + 1;
    input_.consume(static_cast<std::size_t>(p - base) + (newline ? 1 : 0));
    raw_ = std::string_view(record, length);
    if (length > max_bytes) {
      long_text_.assign(record, std::min({length, max_bytes, BadRow::max_text_bytes}));  // as when capped
      raw_ = long_text_;
      fields_.clear();
      error_ = RowError::line_too_long;
      return Scan::record;
    }
    if (length == 0) return Scan::blank;
    if (nul) {
      error_ = RowError::nul_byte;
    } else if (open_quote) {
      error_ = RowError::unterminated_quote;
    }
    return Scan::record;
  }
}

const std::vector<double>& CsvChunk::column(std::string_view name) const {
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return columns[i];
  }
  throw std::out_of_range("CsvChunk: no numeric column named '" + std::string(name) + "'");
}

namespace {
Generator<CsvChunk> chunks_of(CsvReader reader, std::size_t records_per_chunk,
                              std::vector<std::string> numeric_columns) {
  std::vector<std::size_t> indices;
  bool decided = false;
  if (!numeric_columns.empty()) {
    for (const auto& name : numeric_columns) indices.push_back(reader.require_column(name));
    decided = true;
  }
  std::vector<std::string> names = numeric_columns;
  CsvChunk chunk;
  std::size_t records = 0;
  // The consumer may have moved from the chunk: give it back its shape before reusing it.
  auto reset = [&] {
    chunk.rows = 0;
    chunk.first_line = 0;
    chunk.bad_rows.clear();
    if (chunk.names != names) chunk.names = names;
    chunk.columns.resize(names.size());
    for (auto& column : chunk.columns) column.clear();
    records = 0;
  };
  reset();
  while (auto row = reader.next()) {
    if (records == 0) chunk.first_line = row->line();
    ++records;
    if (!row->ok()) {
      chunk.bad_rows.push_back(row->to_bad_row());
    } else {
      if (!decided) {
        // The first well-formed row decides which columns are numeric.
        for (std::size_t i = 0; i < row->size(); ++i) {
          const auto error = row->get<double>(i).error;
          if (error == RowError::not_a_number || error == RowError::empty_field) continue;
          indices.push_back(i);
          names.push_back(i < reader.header().size() ? reader.header()[i] : "column " + std::to_string(i + 1));
        }
        chunk.names = names;
        chunk.columns.resize(names.size());
        decided = true;
      }
      std::optional<RowError> error;
      for (std::size_t c = 0; c < indices.size() && !error; ++c) {
        const auto field = row->get<double>(indices[c]);
        if (field.error) {
          error = field.error;
        } else {
          chunk.columns[c].push_back(field.value);
        }
      }
      if (error) {
        for (auto& column : chunk.columns) column.resize(chunk.rows);  // undo this row's values
        chunk.bad_rows.push_back(row->to_bad_row(*error));
      } else {
        ++chunk.rows;
      }
    }
    if (records == records_per_chunk) {
      co_yield std::move(chunk);  // hands out the chunk itself, no copy
      ++chunk.index;
      reset();
    }
  }
  if (records > 0) co_yield std::move(chunk);
}
}  // namespace

Generator<CsvChunk> chunks(CsvReader reader, std::size_t records_per_chunk, std::vector<std::string> numeric_columns) {
  // Checked here, outside the coroutine, so that the error surfaces where the mistake was made.
  if (records_per_chunk == 0) throw std::invalid_argument("chunks: records_per_chunk must be at least 1");
  return chunks_of(std::move(reader), records_per_chunk, std::move(numeric_columns));
}

}  // namespace streamlab
