# Experiments of lesson 03 (lessons/03_memory_efficient_loading/README.md, "Try this"); see lib.sh.

# 1. `--big-mb 200`: the file is 199.8 MB (8695652 rows), yet the RSS growth while streaming stays
#    about 1 MiB — no more than with the default 32 MB file, and far below the 8 MiB budget — while
#    the peak RSS growth of loading everything grows with the file: more than twice the file's size
#    (the text plus the parsed rows), over five times the growth at 32 MB.
experiment_1() {
  run
  expect_status 0
  local stream_32 greedy_32
  stream_32=$(number_after "RSS growth while streaming:")
  greedy_32=$(number_after "Peak RSS growth, loading everything:")

  run --big-mb 200
  expect_status 0
  expect_line "big.csv: 8695652 rows, 199.8 MB (23.8× the budget)"
  expect_line "Streaming: 8695652 rows; loading everything: 8695652 rows; same sum: yes"
  local stream_200 greedy_200
  stream_200=$(number_after "RSS growth while streaming:")
  greedy_200=$(number_after "Peak RSS growth, loading everything:")
  expect_le "$stream_200" 2.0 "RSS growth while streaming 200 MB (MiB)"
  expect_le "$stream_200" "$(calc "$stream_32 + 0.5")" \
    "RSS growth while streaming 200 MB vs 32 MB + 0.5 MiB"
  expect_lt "$stream_200" "$(number_after "Memory budget:")" "RSS growth while streaming vs the budget (MiB)"
  # 199.8 MB = 190.5 MiB: the text and the parsed rows (24 bytes each) are held together.
  expect_ge "$greedy_200" 381 "peak RSS growth loading 200 MB whole vs twice the file (MiB)"
  expect_ge "$greedy_200" "$(calc "5 * $greedy_32")" \
    "peak RSS growth loading 200 MB whole vs 5 × loading 32 MB whole"
}

# 2. `--chunk-size 3000`: 17 chunks (16 of 3000 records, the last of 2000); the bad rows at lines
#    25002 and 35002 land in different chunks, 9 and 12, which have 2999 good rows each. With
#    `--chunk-size 20000` both land in chunk 2, which has 19998 good rows.
experiment_2() {
  run --chunk-size 3000
  expect_status 0
  expect_eq "$(count_lines '→ chunk [0-9]+:')" 17 "chunks"
  expect_line "→ chunk 9: lines 24002–27001, 2999 rows"
  expect_line "→ chunk 12: lines 33002–36001, 2999 rows"
  expect_line "→ chunk 17: lines 48002–50001, 2000 rows"
  expect_eq "$(count_lines ' 3000 rows,')" 14 "chunks of 3000 good rows"
  local chunks_of_bad_rows
  chunks_of_bad_rows=$(awk '/→ chunk/ { chunk = $3 } /bad row, line/ { printf "%s%s", chunk, $4 }' <<<"$out")
  [ "$chunks_of_bad_rows" = "9:25002:12:35002:" ] ||
    fail "chunk:line of the bad rows is '$chunks_of_bad_rows', want '9:25002:12:35002:'"

  run --chunk-size 20000
  expect_status 0
  expect_eq "$(count_lines '→ chunk [0-9]+:')" 3 "chunks"
  expect_line "→ chunk 2: lines 20002–40001, 19998 rows"
  chunks_of_bad_rows=$(awk '/→ chunk/ { chunk = $3 } /bad row, line/ { printf "%s%s", chunk, $4 }' <<<"$out")
  [ "$chunks_of_bad_rows" = "2:25002:2:35002:" ] ||
    fail "chunk:line of the bad rows is '$chunks_of_bad_rows', want '2:25002:2:35002:'"
}

# 3. `--input bad.csv` on a CSV with a quoted field across two lines (lines 3–4), a NaN (line 5),
#    an empty field (line 6) and a row with an extra column (line 7): the quoted field is read as
#    one good row, each of the three problems is named with its reason and line number, and the
#    three good rows are still summarised.
experiment_3() {
  printf 'sensor,value,note\n1,20.5,ok\n2,21.0,"two\nlines"\n3,NaN,bad\n4,,empty\n5,22.5,extra,column\n6,23.0,fine\n' \
    >bad.csv
  run --input bad.csv
  expect_status 0
  expect_line "Read 1 chunk(s) of up to 10000 rows: 3 good rows, 3 bad rows"
  expect_line "  sensor: count 3, mean 3.0000, min 1.0000, max 6.0000"
  expect_line "  value: count 3, mean 21.5000, min 20.5000, max 23.0000"
  expect_line "  non_finite: 1 (line 5)"
  expect_line "  empty_field: 1 (line 6)"
  expect_line "  wrong_field_count: 1 (line 7)"
  expect_eq "$(count_lines '^  [a-z_]+: [0-9]+ \(line')" 3 "reasons listed"
}

# Predict first, 1: a chunk is 10000 records, good and bad together, so the chunk that holds a bad
# row reports 9999 rows: chunk 3 (lines 20002–30001, the bad row on line 25002) and chunk 4.
predict_1() {
  run --big-mb 1
  expect_status 0
  expect_line "   → chunk 3: lines 20002–30001, 9999 rows, mean value 19.986"
  expect_line "     bad row, line 25002: not_a_number (1700000000000,3,n/a)"
  expect_line "   → chunk 4: lines 30002–40001, 9999 rows, mean value 19.990"
  expect_eq "$(count_lines '^   → chunk [0-9]+: .*, 10000 rows')" 3 "chunks of 10000 good rows"
}

# Predict first, 2: with room for 2 shards, asking for shards 3, 5, 3, 0 evicts shard 5 when shard 0
# is loaded — the least recently used, since shard 3 was asked for again after 5.
predict_2() {
  run --big-mb 1
  expect_status 0
  expect_line "   → shard 0: first value 0.6013; in memory (most recent first): 0, 3"
  expect_line "   → 3 loads, 1 evictions; at most 2 of 8 shards held at once"
}
