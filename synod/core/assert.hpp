// Always-on assertions: they document invariants and stay enabled in release builds, as in
// TigerBeetle. A failed assertion is a bug in Synod, never a reaction to bad input (bad input
// returns an error Status instead).
//
// By default a failed assertion prints and aborts. A driver may install a handler for its own
// thread (the simulator does, so that an assertion inside one seed of a sweep becomes a reported
// violation with the seed, its faults and the event, and the sweep goes on); a handler either
// throws or returns, and if it returns the process still aborts.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace synod::detail {

using AssertHandler = void (*)(const char* expr, const char* file, int line);

inline AssertHandler& assert_handler() {
  thread_local AssertHandler handler = nullptr;
  return handler;
}

[[noreturn]] inline void assert_fail(const char* expr, const char* file, int line) {
  if (AssertHandler h = assert_handler()) h(expr, file, line);
  std::fprintf(stderr, "synod: assertion failed: %s at %s:%d\n", expr, file, line);
  std::abort();
}

// Installs `handler` on this thread for the scope's lifetime, restoring the previous one after.
class ScopedAssertHandler {
 public:
  explicit ScopedAssertHandler(AssertHandler handler) : previous_(assert_handler()) {
    assert_handler() = handler;
  }
  ~ScopedAssertHandler() { assert_handler() = previous_; }
  ScopedAssertHandler(const ScopedAssertHandler&) = delete;
  ScopedAssertHandler& operator=(const ScopedAssertHandler&) = delete;

 private:
  AssertHandler previous_;
};

}  // namespace synod::detail

#define SYNOD_ASSERT(expr)                                     \
  do {                                                         \
    if (!(expr)) [[unlikely]]                                  \
      ::synod::detail::assert_fail(#expr, __FILE__, __LINE__); \
  } while (0)
