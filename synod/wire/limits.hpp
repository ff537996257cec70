// Decoding limits: every decode is bounded so that hostile input cannot exhaust memory or stack.
#pragma once

#include <cstddef>

namespace synod::wire {

struct Limits {
  // Whole input; larger inputs are rejected before any parsing.
  std::size_t max_bytes = 64U << 20U;
  // Levels of messages (and groups being skipped) nested below the top-level message, which is at
  // depth 0. Map entries do not count; a message-valued map value does.
  int max_depth = 32;
  // Elements of any one repeated field (or entries of one map) in one message.
  std::size_t max_repeated = 1U << 20U;
  // Bytes of any one decoded string/bytes value (map keys and values included).
  std::size_t max_string = 16U << 20U;
  // Decoding from a SharedBytes: SharedBytes fields at least this long alias the input (a slice
  // sharing its owner, no copy); shorter ones are copied, so a tiny field never keeps a large
  // receive buffer alive. Not a bound on the input: it never makes a decode fail.
  std::size_t min_alias_bytes = 1024;
};

}  // namespace synod::wire
