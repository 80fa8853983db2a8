// JsonWriter: a JSON document written as a stream of calls — objects, arrays, keys, values — always valid.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace streamlab {

/// Builds one JSON text, call by call, in a string: `begin_object()`, `key("rows")`, `value(12)`,
/// ..., `end_object()`. It writes the commas, escapes strings, and keeps the result valid JSON
/// whatever the data: a double that is NaN or infinite becomes `null`, a string that is not
/// valid UTF-8 (a binary sensor id, say) gets U+FFFD for each bad byte. Doubles are written in the
/// shortest form that reads back as the same value. Misuse — a value where a key is due, a key
/// outside an object, closing what is not open — throws std::logic_error.
///
/// The text is on one line, `{"a": 1, "b": [true, null]}`: easy to read, and one JSON document
/// per line when several are written one after another. Given a function to write with, the writer
/// streams: the text goes out in pieces as it grows, so a document of any size (the statistics of
/// 100,000 sensors) never sits whole in memory. Not thread-safe: one writer per document.
///
/// **Example**
/// \code
/// streamlab::JsonWriter json;
/// json.begin_object();
/// json.key("count").value(stats.count());
/// json.key("mean").value(stats.mean());               // NaN for no data: written as null
/// json.key("sensors").begin_array().value("temp-1").value("temp-2").end_array();
/// json.end_object();
/// file.write(json.str() + "\n");                      // {"count": 3, "mean": 2.5, "sensors": ["temp-1", "temp-2"]}
/// \endcode
class JsonWriter {
 public:
  /// A writer that keeps the whole text in a string: str().
  JsonWriter() = default;
  /// A writer that hands its text to `write` as it goes, in pieces of about `piece_bytes` (at least
  /// 1), and, once the document is complete, the rest with a line ending after it (one document a
  /// line). str() then holds only what has not gone out yet. An exception from `write` goes to the
  /// caller of the call that wrote.
  ///
  /// \code
  /// streamlab::JsonWriter json{[&](std::string_view text) { file.write(text); }};
  /// json.begin_object().key("sensors").begin_array();
  /// for (const auto& name : names) json.value(name);   // out in 64 KiB pieces
  /// json.end_array().end_object();                     // the rest, and "\n"
  /// \endcode
  explicit JsonWriter(std::function<void(std::string_view)> write, std::size_t piece_bytes = 64 * 1024);

  /// Starts an object (as a value: at the top, after a key, or in an array).
  JsonWriter& begin_object();
  /// Ends the innermost object.
  JsonWriter& end_object();
  /// Starts an array.
  JsonWriter& begin_array();
  /// Ends the innermost array.
  JsonWriter& end_array();
  /// The next member's name, in an object; its value must come next.
  JsonWriter& key(std::string_view name);

  /// A string.
  JsonWriter& value(std::string_view text);
  /// A string (so that a literal is not taken for a bool).
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  /// `true` or `false`.
  JsonWriter& value(bool flag);
  /// A whole number.
  template <std::integral T>
  requires(!std::same_as<T, bool>) JsonWriter& value(T number) {
    if constexpr (std::is_signed_v<T>) {
      return signed_value(static_cast<std::int64_t>(number));
    } else {
      return unsigned_value(static_cast<std::uint64_t>(number));
    }
  }
  /// A number in its shortest round-trip form (`0.1`, `1e+20`); `null` when NaN or infinite.
  JsonWriter& value(double number);
  /// `null`.
  JsonWriter& null();

  /// The text so far (when streaming: the text not yet handed to the write function).
  const std::string& str() const noexcept { return text_; }
  /// True when one whole value has been written (every object and array closed).
  bool complete() const noexcept { return open_.empty() && started_; }

 private:
  enum class Open : unsigned char { object, array };
  void before_value();  // the comma, and checks that a value may come here
  JsonWriter& close(Open what, char bracket);
  JsonWriter& signed_value(std::int64_t number);
  JsonWriter& unsigned_value(std::uint64_t number);
  void write_string(std::string_view text);
  JsonWriter& written();  // when streaming: hands on a full piece, or the complete document

  std::string text_;
  std::vector<Open> open_;
  bool first_ = true;                            // nothing yet in the innermost object or array
  bool key_given_ = false;                       // in an object: a key is written and waits for its value
  bool started_ = false;                         // a value has begun
  std::function<void(std::string_view)> write_;  // empty: keep the text
  std::size_t piece_bytes_ = 0;
};

}  // namespace streamlab
