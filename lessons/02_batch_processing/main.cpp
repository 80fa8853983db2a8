// Lesson 02 · Batch Processing — group a stream into fixed-size batches with `batched`, and see
// why a batch pays off when every call has a fixed cost.
//
// Run:    scripts/run-lessons 2        (or build/release/lessons/02_batch_processing --help)
// Golden: expected_output/02_batch_processing.txt
#include "streamlab/batch.hpp"
#include "streamlab/cli.hpp"
#include "streamlab/generator.hpp"
#include "streamlab/output.hpp"
#include "streamlab/random.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <ctime>
#include <numeric>
#include <span>
#include <string>
#include <string_view>
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
/// items, then a small cost per item. Here the fixed cost is deriving the 8 weights from the
/// model's 2048 stored parameters (each weight is the mean of 256 of them), as a real call pays
/// for a request, a kernel launch or a lock; the cost per item is 8 multiply-adds. Calling it
/// once per batch pays the fixed cost once for the whole batch.
class Scorer {
 public:
  static constexpr std::size_t weight_count = Item{}.features.size();  // one weight per feature
  static constexpr std::size_t parameters_per_weight = 256;

  Scorer() {
    for (std::size_t p = 0; p < parameters_.size(); ++p) {
      parameters_[p] = 1.0f / static_cast<float>(p / parameters_per_weight + 1);  // so weight k is 1 / (k + 1)
    }
  }

  double score(std::span<const Item> batch) {
    const std::array<float, weight_count> weights = derive_weights();  // the fixed per-call cost
    double total = 0.0;
    for (const Item& item : batch) {
      float dot = 0.0f;
      for (std::size_t k = 0; k < weight_count; ++k) dot += item.features[k] * weights[k];
      total += static_cast<double>(dot);
    }
    ++calls_;
    return total;
  }
  std::int64_t calls() const { return calls_; }

 private:
  std::array<float, weight_count> derive_weights() const {
    std::array<float, weight_count> weights{};
    for (std::size_t k = 0; k < weight_count; ++k) {
      float sum = 0.0f;
      for (std::size_t j = 0; j < parameters_per_weight; ++j) sum += parameters_[k * parameters_per_weight + j];
      weights[k] = sum / static_cast<float>(parameters_per_weight);
    }
    return weights;
  }
  std::array<float, weight_count * parameters_per_weight> parameters_{};  // all 2048 read by every call
  std::int64_t calls_ = 0;
};
//! [model]

/// A count and its noun, singular or plural: "1 item", "16 items".
std::string counted(std::int64_t count, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", count, count == 1 ? one : many);
}

// Notice: 100 items in batches of 16 make 6 full batches and a 7th of the 4 left over.
void process_in_batches(const Options& options) {
  streamlab::section("Batch Processing");
  fmt::print("Processing {} in batches of {}:\n\n", counted(options.items, "item", "items"), options.batch_size);
  //! [batched]
  std::int64_t batches = 0;
  std::int64_t processed = 0;
  std::int64_t last_size = 0;
  for (const std::vector<Item>& batch :
       streamlab::batched(items(options.items, options.seed), static_cast<std::size_t>(options.batch_size))) {
    ++batches;
    last_size = std::ssize(batch);
    processed += last_size;
    if (batches <= options.show) fmt::print("  Batch {}: {}\n", batches, counted(last_size, "item", "items"));
  }
  //! [batched]
  if (batches > options.show) {
    fmt::print("  ...\n");
    fmt::print("  Batch {}: {}\n", batches, counted(last_size, "item", "items"));
  }
  fmt::print("\nTotal: {}, {} processed\n", counted(batches, "batch", "batches"), counted(processed, "item", "items"));
}

// Notice: the last batch is simply shorter; nothing is padded and nothing is lost.
void explain_partial_batch(const Options& options) {
  streamlab::section("The partial last batch");
  const std::int64_t full = options.items / options.batch_size;
  const std::int64_t rest = options.items % options.batch_size;
  fmt::print("{} = {} × {} + {}\n", options.items, full, options.batch_size, rest);
  if (rest == 0) {
    fmt::print("The items divide evenly: {}, no partial one.\n", counted(full, "full batch", "full batches"));
  } else {
    fmt::print("So {} and one partial batch of {}.\n", counted(full, "full batch", "full batches"),
               counted(rest, "item", "items"));
  }
  fmt::print("Code that handles a batch must accept any size from 1 to {}.\n", options.batch_size);
}

/// Median times, in milliseconds, of two pieces of work.
struct MedianTimes {
  double first_ms;
  double second_ms;
};

/// The processor time this process has used, in milliseconds. Unlike a clock on the wall, it
/// does not run while other programs have the processor, so a busy machine does not inflate it.
double cpu_time_ms() { return 1000.0 * static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

/// Times `first` and `second` in turns, `runs` times each, after one untimed warm-up run of each
/// (a first run also pays for cold caches, page faults and a CPU still raising its clock), and
/// returns the median processor time of each. Taking turns lets both see the same conditions; the
/// median ignores a run slowed by something else.
template <typename First, typename Second>
MedianTimes median_times(int runs, First&& first, Second&& second) {
  first();
  second();
  std::vector<double> first_ms;
  std::vector<double> second_ms;
  for (int run = 0; run < runs; ++run) {
    double start = cpu_time_ms();
    first();
    first_ms.push_back(cpu_time_ms() - start);
    start = cpu_time_ms();
    second();
    second_ms.push_back(cpu_time_ms() - start);
  }
  const auto median = [](std::vector<double>& times) {
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
  };
  return {median(first_ms), median(second_ms)};
}

// Notice: the same items and the same scores — only the number of calls changes, and the time.
void compare_calls(const Options& options) {
  streamlab::section("Why batches pay off");
  const auto batch_size = static_cast<std::size_t>(options.batch_size);
  constexpr int runs = 5;
  fmt::print("Scoring {} with a call that has a fixed cost, both ways in turns:\n",
             counted(options.calls_items, "item", "items"));
  fmt::print("one warm-up run each, then {} timed runs each; the median CPU time counts.\n", runs);

  //! [compare]
  Scorer per_item;
  double per_item_total = 0.0;
  auto one_call_per_item = [&] {
    per_item_total = 0.0;
    for (const Item& item : items(options.calls_items, options.seed)) per_item_total += per_item.score({&item, 1});
  };

  Scorer per_batch;
  double per_batch_total = 0.0;
  auto one_call_per_batch = [&] {
    per_batch_total = 0.0;
    for (const auto& batch : streamlab::batched(items(options.calls_items, options.seed), batch_size)) {
      per_batch_total += per_batch.score(batch);
    }
  };

  const auto [per_item_ms, per_batch_ms] = median_times(runs, one_call_per_item, one_call_per_batch);
  //! [compare]

  fmt::print("  One call per item:  {} per run\n", counted(per_item.calls() / (runs + 1), "call", "calls"));
  fmt::print("  One call per batch: {} per run\n", counted(per_batch.calls() / (runs + 1), "call", "calls"));
  // Summation order differs (per item vs per batch), so compare to a relative tolerance.
  const bool same = std::abs(per_item_total - per_batch_total) <= 1e-9 * std::max(1.0, std::abs(per_item_total));
  fmt::print("  Same scores both ways: {}\n", same ? "yes" : "NO");
  streamlab::measured("CPU time, one call per item (median)", per_item_ms, "ms");
  streamlab::measured("CPU time, one call per batch (median)", per_batch_ms, "ms");
  if (per_batch_ms > 0.0) {
    streamlab::measured("Speed-up from batching", per_item_ms / per_batch_ms, "x", 1);
  } else {  // std::clock ticks in microseconds: a tiny --calls-items can take 0 ticks
    fmt::print("  Speed-up from batching: too little work to time (raise --calls-items)\n");
  }
  // Per item, a call costs F + c; per batch of B, F/B + c. The ratio is below B unless c is 0.
  fmt::print("  Expected: (F + c) / (F/{} + c) for a fixed cost F per call and a cost c per item,\n",
             options.batch_size);
  fmt::print("  never more than {} x (the batch size)\n", options.batch_size);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Lesson 02: Batch processing — group a stream into batches, and measure why batches pay off.",
               "02_batch_processing"};
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
