// `sanitized`: whether this test program runs under AddressSanitizer or ThreadSanitizer, which make
// every lock and allocation many times slower: stress tests run fewer rounds under them, and a test
// that limits the address space (which the sanitizers reserve by terabytes) is skipped.
#pragma once

namespace streamlab::testing {

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)  // g++
inline constexpr bool sanitized = true;
#elif defined(__has_feature)  // clang
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
inline constexpr bool sanitized = true;
#else
inline constexpr bool sanitized = false;
#endif
#else
inline constexpr bool sanitized = false;
#endif

}  // namespace streamlab::testing
