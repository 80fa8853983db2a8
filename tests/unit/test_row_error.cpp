#include "streamlab/row_error.hpp"

#include <catch2/catch.hpp>

TEST_CASE("refused values are the reasons a record fails although its fields parsed") {
  using streamlab::RowError;
  int refused = 0;
  for (const RowError e : streamlab::all_row_errors) refused += streamlab::is_refused_value(e);
  CHECK(refused == 3);
  CHECK(streamlab::is_refused_value(RowError::out_of_range));
  CHECK(streamlab::is_refused_value(RowError::non_finite));
  CHECK(streamlab::is_refused_value(RowError::too_many_keys));
  CHECK_FALSE(streamlab::is_refused_value(RowError::not_a_number));  // the field's text: Parse
  CHECK_FALSE(streamlab::is_refused_value(RowError::wrong_field_count));
  CHECK_FALSE(streamlab::is_refused_value(RowError::unterminated_quote));
}
