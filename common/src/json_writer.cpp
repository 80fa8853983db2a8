#include "streamlab/json_writer.hpp"

#include <fmt/format.h>

#include <cmath>
#include <iterator>
#include <stdexcept>
#include <utility>

namespace streamlab {

namespace {

// The length of the valid UTF-8 sequence that starts `text` (RFC 3629: no overlong forms, no
// surrogates, nothing past U+10FFFF), or 0 when it does not start with one.
std::size_t utf8_sequence(std::string_view text) noexcept {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(0);
  std::size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // the range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (text.size() < length || byte(1) < low || byte(1) > high) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
  }
  return length;
}

}  // namespace

JsonWriter::JsonWriter(std::function<void(std::string_view)> write, std::size_t piece_bytes)
    : write_(std::move(write)), piece_bytes_(piece_bytes) {
  if (!write_) throw std::invalid_argument("JsonWriter: no write function");
  if (piece_bytes == 0) throw std::invalid_argument("JsonWriter: piece_bytes must be at least 1");
}

JsonWriter& JsonWriter::written() {
  if (!write_) return *this;
  if (open_.empty()) {
    text_ += '\n';
  } else if (text_.size() < piece_bytes_) {
    return *this;
  }
  write_(text_);
  text_.clear();  // its memory is kept for the next piece
  return *this;
}

void JsonWriter::before_value() {
  if (open_.empty()) {
    if (started_) throw std::logic_error("JsonWriter: the document is already complete");
    started_ = true;
    return;
  }
  if (open_.back() == Open::object) {
    if (!key_given_) throw std::logic_error("JsonWriter: a value in an object needs a key first");
    key_given_ = false;
    return;
  }
  if (!first_) text_ += ", ";
  first_ = false;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  if (open_.empty() || open_.back() != Open::object) throw std::logic_error("JsonWriter: a key outside an object");
  if (key_given_) throw std::logic_error("JsonWriter: two keys in a row");
  if (!first_) text_ += ", ";
  first_ = false;
  write_string(name);
  text_ += ": ";
  key_given_ = true;
  return written();
}

JsonWriter& JsonWriter::begin_object() {
  before_value();
  text_ += '{';
  open_.push_back(Open::object);
  first_ = true;
  return written();
}

JsonWriter& JsonWriter::begin_array() {
  before_value();
  text_ += '[';
  open_.push_back(Open::array);
  first_ = true;
  return written();
}

JsonWriter& JsonWriter::end_object() { return close(Open::object, '}'); }
JsonWriter& JsonWriter::end_array() { return close(Open::array, ']'); }

JsonWriter& JsonWriter::close(Open what, char bracket) {
  if (open_.empty() || open_.back() != what)
    throw std::logic_error(what == Open::object ? "JsonWriter: end_object() without an open object"
                                                : "JsonWriter: end_array() without an open array");
  if (key_given_) throw std::logic_error("JsonWriter: a key without its value");
  text_ += bracket;
  open_.pop_back();
  first_ = false;  // the closed container is a value of its parent
  return written();
}

JsonWriter& JsonWriter::value(std::string_view text) {
  before_value();
  write_string(text);
  return written();
}

JsonWriter& JsonWriter::value(bool flag) {
  before_value();
  text_ += flag ? "true" : "false";
  return written();
}

JsonWriter& JsonWriter::value(double number) {
  before_value();
  if (std::isfinite(number)) {
    fmt::format_to(std::back_inserter(text_), "{}", number);  // shortest round trip
  } else {
    text_ += "null";  // JSON has no NaN or infinity
  }
  return written();
}

JsonWriter& JsonWriter::null() {
  before_value();
  text_ += "null";
  return written();
}

JsonWriter& JsonWriter::signed_value(std::int64_t number) {
  before_value();
  fmt::format_to(std::back_inserter(text_), "{}", number);
  return written();
}

JsonWriter& JsonWriter::unsigned_value(std::uint64_t number) {
  before_value();
  fmt::format_to(std::back_inserter(text_), "{}", number);
  return written();
}

void JsonWriter::write_string(std::string_view text) {
  text_ += '"';
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const std::size_t length = utf8_sequence(text.substr(i));
      if (length == 0) {
        text_ += "\\ufffd";  // not UTF-8: the replacement character, one per bad byte
        ++i;
      } else {
        text_.append(text, i, length);
        i += length;
      }
      continue;
    }
    switch (c) {
      case '"':
        text_ += "\\\"";
        break;
      case '\\':
        text_ += "\\\\";
        break;
      case '\n':
        text_ += "\\n";
        break;
      case '\r':
        text_ += "\\r";
        break;
      case '\t':
        text_ += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          fmt::format_to(std::back_inserter(text_), "\\u{:04x}", static_cast<unsigned>(c));
        } else {
          text_ += static_cast<char>(c);
        }
    }
    ++i;
  }
  text_ += '"';
}

}  // namespace streamlab
