# Experiments of lesson 04 (lessons/04_stream_transformations/README.md, "Try this"); see lib.sh.

# 1. `--take 1`: the trace has a single line — the source makes one number, 0, which is kept and
#    handed to the consumer — and the source is never asked for the other nine.
experiment_1() {
  run --take 1
  expect_status 0
  expect_eq "$(count_lines '^  numbers yields')" 1 "traced source numbers"
  expect_line "  numbers yields 0 → square 0 → kept → consumer gets 0"
  expect_line "The consumer got 1 number; the source made 1 of 10 and was never asked for the rest."
}

# 2. `--numbers 20 --take 10`: the source does not run dry. The tenth even number is 18, so the
#    source makes 19 of the 20 numbers (0 to 18) and is never asked for 19. (With `--numbers 19` it
#    makes all 19, the last one just in time.)
experiment_2() {
  run --numbers 20 --take 10
  expect_status 0
  expect_eq "$(count_lines '^  numbers yields')" 19 "traced source numbers"
  expect_line "  numbers yields 18 → square 324 → kept → consumer gets 324"
  expect_no_line "numbers yields 19"
  expect_line "The consumer got 10 numbers; the source made 19 of 20 and was never asked for the rest."
  expect_no_line "ran dry"

  run --numbers 19 --take 10
  expect_status 0
  expect_eq "$(count_lines '^  numbers yields')" 19 "traced source numbers"
  expect_line "The consumer got 10 numbers; the source made 19 of 19, the last one just in time."
  expect_no_line "never asked"
}

# 3. `--numbers 20 --take 11`: there are only ten even numbers below 20, so the source runs dry:
#    all 20 numbers are made (19 is dropped), and the consumer gets 10 of the 11 it asked for.
experiment_3() {
  run --numbers 20 --take 11
  expect_status 0
  expect_eq "$(count_lines '^  numbers yields')" 20 "traced source numbers"
  expect_eq "$(count_lines 'consumer gets')" 10 "numbers the consumer got"
  expect_line "  numbers yields 19 → square 361 → dropped by filter_even"
  expect_line "The consumer asked for 11 numbers and got 10: the source ran dry after making all 20."
  expect_no_line "never asked"
}

# 4. `--count 20000000`: the materialised version holds 50,000,000 numbers (400 MB) at the end and
#    its peak RSS grows by at least that — about 20 times its growth at the default 1,000,000 — while
#    the lazy pipeline's growth stays under 1 MiB. The sum, 1333333133333340000000, is exact: it is
#    the closed form 4·(m − 1)·m·(2m − 1)/6 for the even squares below n = 2m, far past what int64
#    holds (9223372036854775807), so the lesson sums in 128 bits. (The issue's case, --count
#    4000000, is checked too: 10666658666668000000, which int64 printed as -7780085407041551616.)
experiment_4() {
  run
  expect_status 0
  local default_growth
  default_growth=$(number_after "Peak RSS growth, materialising:")

  run --count 20000000
  expect_status 0
  expect_line "Same sum both ways: yes (1333333133333340000000)"
  expect_line "Materialised: 3 vectors, 50000000 numbers held at the end (400.0 MB)"
  local lazy_growth eager_growth
  lazy_growth=$(number_after "Peak RSS growth, lazy pipeline:")
  eager_growth=$(number_after "Peak RSS growth, materialising:")
  expect_le "$lazy_growth" 1.0 "lazy pipeline's peak RSS growth at 20 M (MiB)"
  # 400 MB held = 381.5 MiB: the three vectors are all written, so all resident at the end.
  expect_ge "$eager_growth" 381.4 "materialising's peak RSS growth at 20 M (MiB) vs the 400 MB it holds"
  expect_ge "$eager_growth" "$(calc "10 * $default_growth")" \
    "materialising's growth at 20 M vs 10 × its growth at 1 M"

  run --count 4000000
  expect_status 0
  expect_line "Same sum both ways: yes (10666658666668000000)"
}

# Predict first, 1: `build/release/lessons/04_stream_transformations --take 2` makes the source
# produce 3 numbers: 0 (kept), 1 (dropped by filter_even) and 2 (kept); then the consumer has 2.
predict_1() {
  run --take 2 --count 1000
  expect_status 0
  expect_line "The consumer got 2 numbers; the source made 3 of 10 and was never asked for the rest."
  expect_eq "$(count_lines '^  numbers yields ')" 3 "numbers made by the source"
}

# Predict first, 2: std::views::transform | std::views::filter calls square 15 times for 10 numbers:
# once each, and once more for each of the 5 kept (once for the filter, once for the consumer).
predict_2() {
  run --count 1000
  expect_status 0
  expect_line "Calls to square for 10 numbers: 10 with streamlab::map, 15 with std::views (kept ones twice)"
}
