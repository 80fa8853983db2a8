// Exercise 01.1 ★ — A generator: the lines of a text, one at a time, with co_yield
//
// Lesson 01 streams records from a coroutine: a function that returns streamlab::Generator<T> and
// uses co_yield hands its caller one value at a time, and only when the caller asks for it. Write
// lines_of(text): yield each line of `text`, without its '\n', first to last.
//
// - The last line counts even when no '\n' ends it: "x\ny" is two lines.
// - A '\n' at the very end does not start one more, empty line: "x\ny\n" is two lines too.
// - Empty lines in between are lines: "a\n\nb" is "a", "" and "b". An empty text has no lines.
//
// `text` is taken by value on purpose: a generator runs after the call that made it has returned,
// so a reference parameter could point at a string that is gone (C++ Core Guidelines CP.53).
//
// Check it:  scripts/exercise 01.1        Stuck?  scripts/exercise --hint 01.1
#pragma once

#include "streamlab/generator.hpp"

#include <cstddef>
#include <string>

namespace exercise {

/// The lines of `text`, without their '\n', one at a time.
inline streamlab::Generator<std::string> lines_of([[maybe_unused]] std::string text) {
  // TODO: co_yield each line of text (without its '\n'), first to last.
  co_return;
}

}  // namespace exercise
