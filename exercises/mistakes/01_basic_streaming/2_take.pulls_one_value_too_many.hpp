// Exercise 01.2 ★★ — take(source, n): the first n values, and not one more pulled from the source
//
// KNOWN MISTAKE: the count is checked at the top of the loop, after the range-for has already pulled the next
//   value from the source: take(source, 3) makes the source produce a 4th value, which is thrown away.
//
// A generator makes a value only when its consumer asks for one, so a stream may be endless, or
// each of its values may cost a read from the network. Lesson 04 ends a pipeline with take(3):
// the consumer gets 3 numbers and the source makes just as many as that needs. Write
// take(source, n): yield the first n values of `source` (all of them, if it has fewer), and stop
// without asking `source` for a value it will not hand on — not even one.
//
// Every `++it` on a generator's iterator (and every turn of a range-for over it) runs the source
// up to its next co_yield: that is what "asking for a value" is.
//
// Check it:  scripts/exercise 01.2        Stuck?  scripts/exercise --hint 01.2
#pragma once

#include "streamlab/generator.hpp"

#include <cstddef>

namespace exercise {

/// The first `n` values of `source`, pulling no more values from it than that.
inline streamlab::Generator<int> take(streamlab::Generator<int> source, std::size_t n) {
  std::size_t taken = 0;
  for (int value : source) {
    if (taken == n) break;
    co_yield value;
    ++taken;
  }
}

}  // namespace exercise
