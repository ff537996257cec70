#include "synod/core/time.hpp"

#include <cstdio>
#include <cstdlib>

namespace synod {

std::string format_duration(Duration d) {
  const std::int64_t ns = d.count();
  const std::int64_t mag = std::llabs(ns);
  char buf[48];
  if (mag >= 1'000'000'000) {
    std::snprintf(buf, sizeof buf, "%gs", static_cast<double>(ns) / 1e9);
  } else if (mag >= 1'000'000) {
    std::snprintf(buf, sizeof buf, "%gms", static_cast<double>(ns) / 1e6);
  } else if (mag >= 1'000) {
    std::snprintf(buf, sizeof buf, "%gus", static_cast<double>(ns) / 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%lldns", static_cast<long long>(ns));
  }
  return buf;
}

}  // namespace synod
