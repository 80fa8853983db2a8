// Lesson 02 · Batch Processing — group a stream into fixed-size batches with `batched`, and see
// why a batch pays off when every call has a fixed cost.
//
// Run:    scripts/run-lessons 2        (or build/release/lessons/02_batch_processing --help)
// Golden: expected_output/02_batch_processing.txt
#include "streamlab/batch.hpp"
#include "streamlab/cli.hpp"
#include "streamlab/generator.hpp"
#include "streamlab/metrics.hpp"
#include "streamlab/output.hpp"
#include "streamlab/random.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <span>
#include <vector>

namespace {

struct Options {
  std::int64_t items = 100;
  std::int64_t batch_size = 16;
  std::int64_t show = 3;
  std::int64_t calls_items = 50'000;
  std::uint64_t seed = 7;
};

/// One item to score: a few features, as a row of a data set would have.
struct Item {
  std::array<float, 8> features;
};

/// A stream of `count` items with seeded random features.
streamlab::Generator<Item> items(std::int64_t count, std::uint64_t seed) {
  streamlab::Random rng{seed};
  for (std::int64_t i = 0; i < count; ++i) {
    Item item{};
    for (float& f : item.features) f = static_cast<float>(rng.uniform(-1.0, 1.0));
    co_yield item;
  }
}

//! [model]
/// A stand-in for a model behind an API: every call pays a fixed cost before it looks at the
/// items (here, preparing 8 KiB of weights, as a real call pays for a request, a kernel launch
/// or a lock), then a small cost per item. Calling it once per batch pays the fixed cost once.
class Scorer {
 public:
  double score(std::span<const Item> batch) {
    prepare_weights();  // the fixed per-call cost
    double total = 0.0;
    for (const Item& item : batch) {
      float dot = 0.0f;
      for (std::size_t k = 0; k < item.features.size(); ++k) dot += item.features[k] * weights_[k];
      total += static_cast<double>(dot);
    }
    ++calls_;
    return total;
  }
  std::int64_t calls() const { return calls_; }

 private:
  void prepare_weights() {
    for (std::size_t k = 0; k < weights_.size(); ++k) weights_[k] = 1.0f / static_cast<float>(k % 8 + 1);
  }
  std::array<float, 2048> weights_{};
  std::int64_t calls_ = 0;
};
//! [model]

// Notice: 100 items in batches of 16 make 6 full batches and a 7th of the 4 left over.
void process_in_batches(const Options& options) {
  streamlab::section("Batch Processing");
  fmt::print("Processing {} items in batches of {}:\n\n", options.items, options.batch_size);
  //! [batched]
  std::int64_t batches = 0;
  std::int64_t processed = 0;
  std::size_t last_size = 0;
  for (const std::vector<Item>& batch :
       streamlab::batched(items(options.items, options.seed), static_cast<std::size_t>(options.batch_size))) {
    ++batches;
    processed += static_cast<std::int64_t>(batch.size());
    last_size = batch.size();
    if (batches <= options.show) fmt::print("  Batch {}: {} items\n", batches, batch.size());
  }
  //! [batched]
  if (batches > options.show) {
    fmt::print("  ...\n");
    fmt::print("  Batch {}: {} items\n", batches, last_size);
  }
  fmt::print("\nTotal: {} batches, {} items processed\n", batches, processed);
}

// Notice: the last batch is simply shorter; nothing is padded and nothing is lost.
void explain_partial_batch(const Options& options) {
  streamlab::section("The partial last batch");
  const std::int64_t full = options.items / options.batch_size;
  const std::int64_t rest = options.items % options.batch_size;
  fmt::print("{} = {} × {} + {}\n", options.items, full, options.batch_size, rest);
  if (rest == 0) {
    fmt::print("The items divide evenly: {} full batches, no partial one.\n", full);
  } else {
    fmt::print("So {} full batches and one partial batch of {} items.\n", full, rest);
  }
  fmt::print("Code that handles a batch must accept any size from 1 to {}.\n", options.batch_size);
}

// Notice: the same items and the same scores — only the number of calls changes, and the time.
void compare_calls(const Options& options) {
  streamlab::section("Why batches pay off");
  const auto batch_size = static_cast<std::size_t>(options.batch_size);
  fmt::print("Scoring {} items with a call that has a fixed cost:\n", options.calls_items);

  //! [compare]
  Scorer per_item;
  streamlab::Stopwatch watch;
  double per_item_total = 0.0;
  for (const Item& item : items(options.calls_items, options.seed)) per_item_total += per_item.score({&item, 1});
  const double per_item_ms = watch.elapsed_ms();

  Scorer per_batch;
  watch.restart();
  double per_batch_total = 0.0;
  for (const auto& batch : streamlab::batched(items(options.calls_items, options.seed), batch_size)) {
    per_batch_total += per_batch.score(batch);
  }
  const double per_batch_ms = watch.elapsed_ms();
  //! [compare]

  fmt::print("  One call per item:  {} calls\n", per_item.calls());
  fmt::print("  One call per batch: {} calls\n", per_batch.calls());
  // Summation order differs (per item vs per batch), so compare to a relative tolerance.
  const bool same = std::abs(per_item_total - per_batch_total) <= 1e-9 * std::max(1.0, std::abs(per_item_total));
  fmt::print("  Same scores both ways: {}\n", same ? "yes" : "NO");
  streamlab::measured("Time, one call per item", per_item_ms, "ms");
  streamlab::measured("Time, one call per batch", per_batch_ms, "ms");
  streamlab::measured("Speed-up from batching", per_item_ms / per_batch_ms, "x", 1);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Lesson 02: group a stream into batches, and measure why batches pay off.", "02_batch_processing"};
  Options options;
  streamlab::add_count_option(app, "--items", options.items, "items to process in batches", std::int64_t{10'000'000});
  streamlab::add_count_option(app, "--batch-size", options.batch_size, "items per batch", std::int64_t{1'000'000});
  app.add_option("--show", options.show, "batches to print before the '...'")
      ->check(streamlab::whole_number_in(0, 1000))
      ->capture_default_str();
  streamlab::add_count_option(app, "--calls-items", options.calls_items,
                              "items scored in the per-item vs per-batch comparison", std::int64_t{10'000'000});
  streamlab::add_seed_option(app, options.seed, "seed for the items' features");
  if (auto status = streamlab::parse_command_line(app, argc, argv)) return *status;

  streamlab::banner("02 · Batch Processing");
  process_in_batches(options);
  explain_partial_batch(options);
  compare_calls(options);
  streamlab::next_lesson("03_memory_efficient_loading");
  return 0;
}
