// Observations: structured facts a protocol reports about itself ("entered critical section",
// "suspect 3"). Checkers consume them in the simulator and from traces of real runs; they are the
// only channel through which a protocol's internal claims reach a property checker.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>

namespace synod {

struct ObsField {
  std::string_view key;
  std::int64_t value;
};

using ObsFields = std::initializer_list<ObsField>;

// Find a field by key; `fallback` when absent.
inline std::int64_t obs_get(std::span<const ObsField> fields, std::string_view key,
                            std::int64_t fallback = 0) {
  for (const auto& f : fields) {
    if (f.key == key) return f.value;
  }
  return fallback;
}

}  // namespace synod
