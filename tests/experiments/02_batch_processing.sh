# Experiments of lesson 02 (lessons/02_batch_processing/README.md, "Try this"); see lib.sh.

# 1. `build/release/lessons/02_batch_processing --batch-size 1`: every batch is one item —
#    `Total: 100 batches, 100 items processed`, `One call per batch: 50000 calls per run`, the same
#    number of calls both ways, and the bound `never more than 1 x (the batch size)`. The measured
#    speed-up (about 1.0 x) is a thing to watch, not asserted: tests do not depend on timing.
experiment_1() {
  run --batch-size 1
  expect_status 0
  expect_line "  Batch 1: 1 item"
  expect_line "  Batch 100: 1 item"
  expect_line "Total: 100 batches, 100 items processed"
  expect_line "  One call per item:  50000 calls per run"
  expect_line "  One call per batch: 50000 calls per run"
  expect_line "  Same scores both ways: yes"
  expect_line "  never more than 1 x (the batch size)"
}

# 2. `build/release/lessons/02_batch_processing --batch-size 256`, then `--batch-size 4096`: 196 and
#    13 calls per run (the last batch partial), and the bounds `never more than 256 x` and `never
#    more than 4096 x`. The speed-up levelling off near (F + c) / c is a thing to watch (and
#    bench_generator's to measure), not asserted.
experiment_2() {
  run --batch-size 256
  expect_status 0
  expect_line "Total: 1 batch, 100 items processed"
  expect_line "So 0 full batches and one partial batch of 100 items."
  expect_line "  One call per batch: 196 calls per run"
  expect_line "  Same scores both ways: yes"
  expect_line "  never more than 256 x (the batch size)"
  run --batch-size 4096
  expect_status 0
  expect_line "  One call per batch: 13 calls per run"
  expect_line "  Same scores both ways: yes"
  expect_line "  never more than 4096 x (the batch size)"
}

# 3. `build/release/lessons/02_batch_processing --items 96`: 96 = 6 × 16, no partial batch: the
#    last batch printed is `Batch 6: 16 items`, then `Total: 6 batches, 96 items processed`,
#    `96 = 6 × 16 + 0` and `The items divide evenly: 6 full batches, no partial one.`
experiment_3() {
  run --items 96
  expect_status 0
  expect_line "Processing 96 items in batches of 16:"
  expect_line "  Batch 6: 16 items"
  expect_no_line "  Batch 7:"
  expect_eq "$(count_lines '^  Batch [0-9]+: ')" 4 "batch lines printed (3 shown, then the last)"
  expect_line "Total: 6 batches, 96 items processed"
  expect_line "96 = 6 × 16 + 0"
  expect_line "The items divide evenly: 6 full batches, no partial one."
  expect_no_line "partial batch of"
}

# Predict first, 1: `build/release/lessons/02_batch_processing --items 100 --batch-size 30` makes 4
# batches, the last of 10 items (100 = 3 × 30 + 10).
predict_1() {
  run --items 100 --batch-size 30 --calls-items 1000
  expect_status 0
  expect_line "  Batch 4: 10 items"
  expect_line "Total: 4 batches, 100 items processed"
  expect_line "100 = 3 × 30 + 10"
}

# Predict first, 2: `build/release/lessons/02_batch_processing --items 96`: 96 = 6 × 16, so 6 full
# batches and no partial one (no empty seventh batch either).
predict_2() {
  run --items 96 --calls-items 1000
  expect_status 0
  expect_line "Total: 6 batches, 96 items processed"
  expect_line "The items divide evenly: 6 full batches, no partial one."
  expect_no_line "Batch 7"
}
