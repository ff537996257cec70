#include "synod/timesync/fault_tolerant_average.hpp"

#include <algorithm>
#include <numeric>

namespace synod::timesync {

AverageResult fault_tolerant_average(std::span<const std::int64_t> diffs,
                                     std::int64_t max_deviation_ns, std::size_t reference) {
  AverageResult r;
  r.included.assign(diffs.size(), false);
  if (diffs.empty()) return r;
  std::vector<std::size_t> order(diffs.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return diffs[a] < diffs[b]; });
  // Sliding window over the sorted values: [lo, hi) is the largest window starting at lo.
  std::size_t best_lo = 0;
  std::size_t best_n = 0;
  bool best_has_ref = false;
  std::size_t hi = 0;
  for (std::size_t lo = 0; lo < order.size(); ++lo) {
    hi = std::max(hi, lo);
    // Differences are bounded by the callers (a day), so the subtraction cannot overflow.
    while (hi < order.size() && diffs[order[hi]] - diffs[order[lo]] <= max_deviation_ns) ++hi;
    const std::size_t n = hi - lo;
    bool has_ref = false;
    for (std::size_t k = lo; k < hi; ++k) has_ref = has_ref || order[k] == reference;
    if (n > best_n || (n == best_n && has_ref && !best_has_ref)) {
      best_lo = lo;
      best_n = n;
      best_has_ref = has_ref;
    }
  }
  // Average relative to the window's first value keeps the sum small.
  const std::int64_t base = diffs[order[best_lo]];
  std::int64_t sum = 0;
  for (std::size_t k = best_lo; k < best_lo + best_n; ++k) {
    sum += diffs[order[k]] - base;
    r.included[order[k]] = true;
  }
  const auto n = static_cast<std::int64_t>(best_n);
  r.average_ns = base + (sum + n / 2) / n;
  r.count = best_n;
  return r;
}

}  // namespace synod::timesync
