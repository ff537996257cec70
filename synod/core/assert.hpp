// Always-on assertions: they document invariants and stay enabled in release builds, as in
// TigerBeetle. A failed assertion is a bug in Synod, never a reaction to bad input (bad input
// returns an error Status instead).
#pragma once

#include <cstdio>
#include <cstdlib>

namespace synod::detail {
[[noreturn]] inline void assert_fail(const char* expr, const char* file, int line) {
  std::fprintf(stderr, "synod: assertion failed: %s at %s:%d\n", expr, file, line);
  std::abort();
}
}  // namespace synod::detail

#define SYNOD_ASSERT(expr)                                     \
  do {                                                         \
    if (!(expr)) [[unlikely]]                                  \
      ::synod::detail::assert_fail(#expr, __FILE__, __LINE__); \
  } while (0)
