// Exercise 04.1 ★ — A lazy stage: keep the even numbers, one at a time
//
// KNOWN MISTAKE: the numbers are all read into a vector first and filtered after: the results are right, but
//   nothing reaches the consumer before the whole input has been read, a consumer that stops
//   early still makes the source produce everything, and memory grows with the input.
//
// Lesson 04 builds numbers → square → filter_even and traces it: each number travels through every
// stage before the next one is read, so the first result reaches the consumer after one number,
// and a consumer that stops after three results stops the source after the five numbers it took
// to find them. square(numbers) is written for you, as a generator. Write filter_even(numbers) the
// same way: yield only the even numbers, in order, each one as soon as it has been read — never
// read the whole input first. (Mind negative numbers: −3 % 2 is −1 in C++, not 1.)
//
// Check it:  scripts/exercise 04.1        Stuck?  scripts/exercise --hint 04.1
#pragma once

#include "streamlab/generator.hpp"

#include <vector>

namespace exercise {

/// The square of each number, one at a time.
inline streamlab::Generator<long> square(streamlab::Generator<long> numbers) {
  for (long x : numbers) co_yield x* x;
}

/// The even numbers among `numbers`, in order, one at a time.
inline streamlab::Generator<long> filter_even(streamlab::Generator<long> numbers) {
  std::vector<long> all;
  for (long x : numbers) all.push_back(x);
  for (long x : all) {
    if (x % 2 == 0) co_yield x;
  }
}

}  // namespace exercise
