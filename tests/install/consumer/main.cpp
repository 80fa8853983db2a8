// Uses the installed library: a generator, batches, and the seeded random numbers.
#include <streamlab/batch.hpp>
#include <streamlab/generator.hpp>
#include <streamlab/random.hpp>

#include <fmt/core.h>

streamlab::Generator<int> numbers(int count) {
  for (int i = 0; i < count; ++i) co_yield i;
}

int main() {
  int batches = 0;
  for (const auto& batch : streamlab::batched(numbers(100), 16)) batches += batch.empty() ? 0 : 1;
  streamlab::Random rng{0};
  fmt::print("consumer: {} batches, first random word {:#x}\n", batches, rng.next_u64());
}
