// Test helpers for the snapshot module: the bank deployed as the catalog does with chosen
// options, access to a node's layer and bank, and a recorder counting observations.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "synod/channel/reliable_channel.hpp"
#include "synod/sim/testing.hpp"
#include "synod/snapshot/bank_checker.hpp"
#include "synod/snapshot/snapshot_catalog.hpp"

namespace synod::snapshot::testing {

inline sim::ProtocolFactory deployed(BankSnapshotConfig config) {
  return sim::one_protocol([config] { return make_bank_snapshot(config); });
}

inline const SnapshotLayer& layer_on(sim::Simulator& s, NodeId node) {
  auto& ch = sim::protocol_on<channel::ReliableChannel>(s, node, Bank::kId);
  return static_cast<const SnapshotLayer&>(ch.inner());
}

inline const Bank& bank_on(sim::Simulator& s, NodeId node) {
  return static_cast<const Bank&>(layer_on(s, node).app());
}

// Counts observations by kind (a checker that never objects).
class Recorder final : public Checker {
 public:
  std::string_view name() const override { return "recorder"; }
  std::optional<std::string> on_event(const Event& e) override {
    if (e.kind == EventKind::kObserve) ++counts[std::string(e.what)];
    return std::nullopt;
  }
  std::size_t count(const std::string& kind) const {
    const auto it = counts.find(kind);
    return it == counts.end() ? 0 : it->second;
  }
  std::map<std::string, std::size_t> counts;
};

inline CheckerList checkers_with(Recorder*& recorder) {
  CheckerList list = bank_checkers();
  auto r = std::make_unique<Recorder>();
  recorder = r.get();
  list.push_back(std::move(r));
  return list;
}

inline std::int64_t at(Duration d) { return d.count(); }

}  // namespace synod::snapshot::testing
