// The Berkeley algorithm's fault-tolerant average (Gusella and Zatti 1989): take the largest set
// of clocks that lie within `max_deviation` of each other and average only those, so a clock far
// from the rest (a faulty one) never pulls the result.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace synod::timesync {

struct AverageResult {
  std::int64_t average_ns = 0;
  std::vector<bool> included;  // per input
  std::size_t count = 0;       // how many were included
};

// `diffs` are clock differences (ns) relative to a reference; `diffs[reference]` is the master's
// own (normally 0). Among the windows of width `max_deviation_ns` holding the most clocks, the
// one that holds the reference wins, else the lowest; the average is rounded to the nearest ns.
// Empty input: average 0, nothing included.
AverageResult fault_tolerant_average(std::span<const std::int64_t> diffs,
                                     std::int64_t max_deviation_ns, std::size_t reference = 0);

}  // namespace synod::timesync
