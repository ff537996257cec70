// A property checker watches every event of an execution and reports violations. The simulator
// stops the run at the first one and reports seed + event; on real traces `synod check` feeds the
// whole merged JSONL trace through the same checker and reports every violation, with counts, so
// a checker must stay well defined after it has reported one.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "synod/check/event.hpp"
#include "synod/core/time.hpp"

namespace synod {

// A judgement that is neither "fine" nor a violation, counted so nobody is told "no violations"
// when the checker in fact let something pass: e.g. {"excused", "overlapping holds during a
// partition (degraded run)", 2}. `synod check` and `synod sim --json` print every one.
struct Verdict {
  std::string kind;  // "degraded", "excused", "fenced", ... (the checker's own words)
  std::string what;  // what was judged so
  std::uint64_t count = 0;
};

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
  // How long after healing the cluster must run before at_quiescence can judge (derived from the
  // protocol's own timeouts). The simulator lengthens the stabilisation phase to the longest
  // window of its checkers, so that no liveness check is vacuous at any settings.
  virtual Duration liveness_window() const { return Duration(0); }
  // Non-violation judgements so far (see Verdict); empty when everything was plainly fine.
  virtual std::vector<Verdict> verdicts() const { return {}; }
};

using CheckerList = std::vector<std::unique_ptr<Checker>>;

}  // namespace synod
