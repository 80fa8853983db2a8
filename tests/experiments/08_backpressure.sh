# Experiments of lesson 08 (lessons/08_backpressure/README.md, "Try this"); see lib.sh.
#
# The virtual-time table is exact (a ManualClock), so its rows are asserted as printed. The
# real-time section is measured: only what cannot vary is asserted there, never a time beyond the
# lower bound that sleeps give (a sleep never ends early).

# row POLICY: the virtual-time table's row for POLICY, from the produced column on.
row() {
  awk -v policy="$1" '$1 == policy { $1 = ""; sub(/^ +/, ""); print }' <<<"$out"
}

# column POLICY N: the N-th number of POLICY's row (1 produced, 2 consumed, 3 dropped, 4 longest
# queue, 5 memory KiB, 7 time taken s, 9 longest wait s).
column() {
  row "$1" | awk -v n="$2" '{ print $n }'
}

# expect_rows_alike: the four policies' rows of the virtual-time table are the same.
expect_rows_alike() {
  local policy
  for policy in block drop_oldest drop_newest; do
    [ "$(row "$policy")" = "$(row unbounded)" ] ||
      fail "the $policy row differs from unbounded's: '$(row "$policy")' vs '$(row unbounded)'"
  done
}

# real POLICY LABEL: the number on the line LABEL of POLICY in the real-time section.
real() {
  awk -v policy="$1:" -v label="    $2:" '$0 == policy { inside = 1; next }
    inside && index($0, label) == 1 { sub(/^[^:]*: */, ""); print $1 + 0; exit }
    inside && /^[^ ]/ { inside = 0 }' <<<"$out"
}

# 1. `build/release/lessons/08_backpressure --capacity 50 --consume-us 1100`: without a bound the
#    queue grows to 178 items, past the capacity of 50, so block holds at most 50, loses nothing and
#    takes the same 2.192 s as unbounded, with the longest wait down from 0.193 s to 0.059 s; the
#    drop policies each lose 128 items and finish at 2.051 s. With `--capacity 500` all four rows are
#    the same.
experiment_1() {
  run --capacity 50 --consume-us 1100
  expect_status 0
  expect_line "Queue capacity 50 (except unbounded); each item holds 1 KiB."
  expect_eq "$(column unbounded 4)" 178 "unbounded: longest queue"
  expect_gt "$(column unbounded 4)" 50 "unbounded: longest queue vs the capacity"
  expect_eq "$(column block 4)" 50 "block: longest queue"
  expect_eq "$(column block 3)" 0 "block: dropped"
  expect_eq "$(column block 7)" "$(column unbounded 7)" "block: time taken (s) vs unbounded's"
  expect_eq "$(column unbounded 9)" 0.193 "unbounded: longest wait (s)"
  expect_eq "$(column block 9)" 0.059 "block: longest wait (s)"
  expect_eq "$(column drop_oldest 3)" 128 "drop_oldest: dropped"
  expect_eq "$(column drop_newest 3)" 128 "drop_newest: dropped"
  expect_eq "$(column drop_oldest 7)" 2.051 "drop_oldest: time taken (s)"
  expect_eq "$(column drop_newest 7)" 2.051 "drop_newest: time taken (s)"
  expect_line "  block            2000     2000        0        50      50 KiB   2.192 s      0.059 s"

  run --capacity 500 --consume-us 1100
  expect_status 0
  expect_eq "$(column unbounded 4)" 178 "unbounded: longest queue"
  expect_rows_alike
}

# 2. `build/release/lessons/08_backpressure --capacity 2000`: the queue grows to 1200 items and never
#    reaches the bound: all four rows are unbounded's, including the 2.981-second wait.
experiment_2() {
  run --capacity 2000
  expect_status 0
  expect_line "  unbounded        2000     2000        0      1200    1200 KiB   4.982 s      2.981 s"
  expect_rows_alike
}

# 3. `build/release/lessons/08_backpressure --consume-us 900`: nothing is dropped under any policy,
#    the queue never holds more than 2 items, and all four rows are the same.
experiment_3() {
  run --consume-us 900
  expect_status 0
  local policy
  for policy in unbounded block drop_oldest drop_newest; do
    expect_eq "$(column "$policy" 3)" 0 "$policy: dropped"
    expect_le "$(column "$policy" 4)" 2 "$policy: longest queue"
  done
  expect_rows_alike
}

# 4. `build/release/lessons/08_backpressure --real-capacity 1 --real-count 400`: unbounded and block
#    consume all 400 and drop none; the bounded queues never hold more than 1; consumed + dropped =
#    400 in every row; block takes at least 300 ms (400 items of at least 0.75 ms of the consumer's
#    sleep), not the 200 ms the producer alone needs. How many the drop policies lose, and every
#    wait, is for watching: it depends on the machine.
experiment_4() {
  run --real-capacity 1 --real-count 400
  expect_status 0
  expect_line "Producer: 400 items, one every 0.50 ms. Consumer: 1.25 ms per item on average. Capacity 1."
  local policy
  for policy in unbounded block; do
    expect_eq "$(real "$policy" Consumed)" 400 "$policy: consumed"
    expect_eq "$(real "$policy" Dropped)" 0 "$policy: dropped"
  done
  for policy in block drop_oldest drop_newest; do
    expect_eq "$(real "$policy" "Longest queue")" 1 "$policy: longest queue"
  done
  for policy in unbounded block drop_oldest drop_newest; do
    expect_eq "$(($(real "$policy" Consumed) + $(real "$policy" Dropped)))" 400 "$policy: consumed + dropped"
  done
  expect_ge "$(real block "Time taken")" 300 "block: time taken (ms)"
}

# Predict first, 1: 1500 items pushed into a drop_oldest buffer of 1000 leave items 500 to 1499.
predict_1() {
  run
  expect_status 0
  expect_line "   drop_oldest: holds 1000 items (500 to 1499), 500 oldest dropped"
}

# Predict first, 2: RateLimiter{100} with a burst of 10 lets 109 items through in the first second,
# not 110: 10 at once at 0 ms, then one every 10 ms from 10 to 990 ms.
predict_2() {
  run
  expect_status 0
  expect_line "   with a burst of 10: 10 at once, 109 in the first second"
}
