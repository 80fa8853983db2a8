# Experiments of lesson 05 (lessons/05_parallel_streaming/README.md, "Try this"); see lib.sh.
# Speed-ups are timing: they are never asserted here, only what every run prints the same way.

# 1. `build/release/lessons/05_parallel_streaming --workers 16`: all 16 downloads wait at once. The
#    pages still print in input order, `data/0` to `data/15`, and "Same bytes as one at a time: yes".
#    Watch the speed-up approach 16 — on any number of cores, because waiting threads use no CPU.
#    `build/release/lessons/05_parallel_streaming --workers 1` is the one-at-a-time run again, on
#    "1 worker thread" (watch the speed-up fall to about 1).
experiment_1() {
  run --workers 16
  expect_status 0
  expect_line "Fetching 16 URLs, each waiting 50 ms (simulated network), on 16 worker threads:"
  local urls
  urls=$(grep -oE 'example\.com/data/[0-9]+' <<<"$out" | sed 's|.*/||' | paste -sd ' ')
  [ "$urls" = "$(seq -s ' ' 0 15)" ] || fail "pages not in input order: $urls"
  expect_line "Same bytes as one at a time: yes"
  expect_match '^  16 threads: [0-9]+ ms$'

  run --workers 1
  expect_status 0
  expect_line "Fetching 16 URLs, each waiting 50 ms (simulated network), on 1 worker thread:"
  expect_line "Same bytes as one at a time: yes"
  expect_eq "$(count_lines '^  1 thread: [0-9]+ ms$')" 2 "'1 thread' lines (the download pool and the CPU baseline)"
  expect_no_line "1 threads"
}

# 2. `build/release/lessons/05_parallel_streaming --threads 1`, then
#    `build/release/lessons/05_parallel_streaming --threads 2 --block-size 200000` (or your number of
#    cores instead of 2): the prime counts are the same on any number of threads (63951 below 800,000;
#    230209 below 3,200,000), and the lines name the threads that ran — "a thread per core" only when
#    `--threads` equals your number of cores. Watch the speed-up: about 1 on one thread, up to the
#    number of cores on more, where Python threads under the GIL would stay at 1.
experiment_2() {
  local cores
  cores=$(nproc)
  run --threads 1
  expect_status 0
  expect_line "  Primes in total: 63951"
  if [ "$cores" -eq 1 ]; then
    expect_line "Same counts on 1 thread and on a thread per core: yes"
  else
    expect_line "Same counts on 1 thread and on 1 thread (--threads): yes"
    expect_line "  Threads (--threads; this machine has $cores cores): 1"
    expect_match '^  1 thread \(--threads\): [0-9]+ ms$'
    expect_no_line "one per core"
    expect_no_line "Thread per core"
  fi

  run --threads 2 --block-size 200000
  expect_status 0
  expect_line "Counting primes in 16 blocks of 200000 numbers (0 to 3200000):"
  expect_line "  Primes in total: 230209"
  if [ "$cores" -eq 2 ]; then
    expect_line "Same counts on 1 thread and on a thread per core: yes"
    expect_line "  Threads (one per core): 2"
  else
    expect_line "Same counts on 1 thread and on 2 threads (--threads): yes"
    expect_line "  Threads (--threads; this machine has $cores core"
  fi
}

# 3. `build/release/lessons/05_parallel_streaming --blocks 2`: two blocks, 0 to 100,000. The line
#    lists both counts, `5133, 4459`, with nothing after them, and the total is 9592 — the number of
#    primes below 100,000.
experiment_3() {
  run --blocks 2
  expect_status 0
  expect_line "Counting primes in 2 blocks of 50000 numbers (0 to 100000):"
  expect_match '^  Primes per block: 5133, 4459$'
  expect_line "  Primes in total: 9592"
  expect_line "Same counts on 1 thread and on "
}

# 4. `build/release/lessons/05_parallel_streaming --poison 0`, then
#    `build/release/lessons/05_parallel_streaming --poison 99`: the first record crashes its worker
#    ("record 0: FAILED", 9 succeed, 1 worker replaced), or none does (10 succeed, none replaced);
#    either way the stream finishes and the lesson goes on to the async section.
experiment_4() {
  run --poison 0
  expect_status 0
  expect_line "  record 0: FAILED, worker died (killed by SIGABRT)"
  expect_eq "$(count_lines '^  record [0-9]+: FAILED')" 1 "failed records"
  expect_eq "$(count_lines '^  record [0-9]+: sensor-[0-9] -?[0-9.]+ °F$')" 9 "converted records"
  expect_line "Records: 10, succeeded: 9, failed: 1; workers replaced: 1"
  expect_line "Next: 06_windowed_processing"

  run --poison 99
  expect_status 0
  expect_no_line "FAILED"
  expect_eq "$(count_lines '^  record [0-9]+: sensor-[0-9] -?[0-9.]+ °F$')" 10 "converted records"
  expect_line "Records: 10, succeeded: 10, failed: 0; workers replaced: 0"
  expect_line "Next: 06_windowed_processing"
}

# 5. `build/release/lessons/05_parallel_streaming --capacity 0`: a rendezvous channel. It stores no
#    item: each send waits until a receiver takes the item directly. Yet "most sent but not yet
#    received" says 1: that is the item being handed over. When a receiver takes the item of a waiting
#    sender, Asio's channel completes the send first, so the producer resumes (and counts the item as
#    sent) before the consumer resumes (and counts it as received). It never reaches 2, and the saved
#    results are the same as with the default capacity.
experiment_5() {
  run
  expect_status 0
  local saved
  saved=$(grep -F "Saved, in input order:" <<<"$out")

  run --capacity 0
  expect_status 0
  expect_line "  Items sent: 12; most sent but not yet received at any time: 1 (capacity 0)"
  expect_line "  Capacity 0 stores no item: each send waits for a receiver and hands its item over. The 1"
  expect_line "  is the item being handed over: Asio resumes the waiting producer before the consumer, so"
  expect_line "$saved"
  expect_line "  Same results, saved by index: yes"
}

# Predict first, 1: `build/release/lessons/05_parallel_streaming --fetches 8 --workers 8`: eight
# downloads at once, finishing in any order, and the results are printed in input order, 0 to 7.
predict_1() {
  run --fetches 8 --workers 8 --latency-ms 20 --blocks 2 --block-size 1000
  expect_status 0
  local printed
  printed=$(grep -oE '^  https://example.com/data/[0-9]+ ' <<<"$out" | grep -oE '[0-9]+' | tr '\n' ' ')
  [ "$printed" = "0 1 2 3 4 5 6 7 " ] || fail "the URLs are printed as $printed, want 0 1 2 3 4 5 6 7"
  expect_line "Results arrive in input order (a reorder buffer holds early finishers)."
}

# Predict first, 2: `build/release/lessons/05_parallel_streaming --capacity 0`: a channel that stores
# no item still shows 1 as the most sent but not yet received — the item being handed over.
predict_2() {
  run --capacity 0 --fetches 2 --latency-ms 1 --blocks 2 --block-size 1000
  expect_status 0
  expect_line "  Items sent: 12; most sent but not yet received at any time: 1 (capacity 0)"
}
