// DeadLetters: rejected rows, counted by reason and column, and written to a dead-letter CSV, one line each.
#pragma once

#include "streamlab/csv.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace streamlab {

/// The rows a pipeline rejects, kept as values: each one counted by its reason and the column it
/// concerns, and written as one line of a dead-letter CSV — `line,reason,text` — with the line it
/// started on, its reason as `reason(column)` (`not_a_number(value)`, or `wrong_field_count` for a
/// fault of the whole record) and its text as it was in the input: quoted, cut to
/// BadRow::max_text_bytes, control characters (a NUL, a line break inside quotes) shown as `?`
/// so that each rejected row stays one line. The good rows go on; the dead letters say what to fix.
///
/// Not thread-safe: one thread (the stage that rejects) adds; read the counts after it is done.
///
/// **Example**
/// \code
/// streamlab::AtomicFile file{"rejected.csv"};
/// streamlab::DeadLetters dead{[&](std::string_view text) { file.write(text); }};   // writes the header
/// if (!v) dead.add(row->line(), *v.error, "value", row->raw());   // 17,not_a_number(value),"5,temp-1,n/a"
/// fmt::print("{} rejected ({})\n", dead.total(), dead.summary());  // 1 rejected (1 not_a_number(value))
/// \endcode
class DeadLetters {
 public:
  /// Which reasons a count or a summary takes in (all when empty).
  using Pick = std::function<bool(RowError)>;

  /// Dead letters written through `write` (`line,reason,text` first).
  explicit DeadLetters(std::function<void(std::string_view)> write);

  /// Rejects the record that starts on `line`, for `reason`, about `column` (empty: the record as
  /// a whole), its input text being `text`.
  void add(std::uint64_t line, RowError reason, std::string_view column, std::string_view text);

  /// Rows rejected for the reasons `pick` takes (all reasons when empty).
  std::uint64_t total(const Pick& pick = {}) const;
  /// Rows rejected for `reason`, whatever the column.
  std::uint64_t count(RowError reason) const;
  /// Each reason that occurred, as it is written (`reason` or `reason(column)`), with its count:
  /// in RowError's order, then by column.
  std::vector<std::pair<std::string, std::uint64_t>> counts(const Pick& pick = {}) const;
  /// counts() as text, `58 wrong_field_count, 2 not_a_number(value)`, or `none`.
  std::string summary(const Pick& pick = {}) const;

  /// The reason as written: `not_a_number(value)`, or `wrong_field_count` without a column.
  static std::string label(RowError reason, std::string_view column);

 private:
  std::function<void(std::string_view)> write_;
  std::map<std::pair<RowError, std::string>, std::uint64_t> counts_;
  std::string line_;  // reused for each line written
};

}  // namespace streamlab
