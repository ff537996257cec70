// A property checker watches every event of an execution and reports the first violation. The
// simulator stops the run at that event and reports seed + event; on real traces the same checker
// reads the merged JSONL trace (`synod check`).
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "synod/check/event.hpp"

namespace synod {

class Checker {
 public:
  virtual ~Checker() = default;
  virtual std::string_view name() const = 0;
  // Returns a description of the violation, or nullopt.
  virtual std::optional<std::string> on_event(const Event& event) = 0;
  // Liveness: called once at the end of a simulated run, after every fault was healed and the
  // stabilisation period elapsed. `up` and `down` partition the nodes. Not called on real traces.
  virtual std::optional<std::string> at_quiescence(std::span<const NodeId> up,
                                                   std::span<const NodeId> down) {
    (void)up;
    (void)down;
    return std::nullopt;
  }
};

using CheckerList = std::vector<std::unique_ptr<Checker>>;

}  // namespace synod
