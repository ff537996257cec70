// Test helpers for the elections: factories that deploy an algorithm as the catalog does (over
// the reliable channel) with per-node options, a recorder of observations for message counts,
// and access to a node's election state.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "synod/channel/reliable_channel.hpp"
#include "synod/election/bully.hpp"
#include "synod/election/election_checker.hpp"
#include "synod/election/ring.hpp"
#include "synod/sim/testing.hpp"

namespace synod::election::testing {

using OptionsFor = std::function<ElectionOptions(NodeId)>;

inline OptionsFor same_options(ElectionOptions o = {}) {
  return [o](NodeId) { return o; };
}

template <typename Algorithm>
sim::ProtocolFactory deployed(OptionsFor options) {
  return [options = std::move(options)](NodeId id) {
    std::vector<std::unique_ptr<Protocol>> v;
    v.push_back(std::make_unique<channel::ReliableChannel>(std::make_unique<Algorithm>(options(id)),
                                                           channel::ReliableOptions{}));
    return v;
  };
}

template <typename Algorithm>
const Algorithm& on(sim::Simulator& s, NodeId node) {
  auto& layer = sim::protocol_on<channel::ReliableChannel>(s, node, Algorithm::kId);
  return static_cast<const Algorithm&>(layer.inner());
}

// Records election observations (it is a checker that never objects).
class Recorder final : public Checker {
 public:
  struct Msg {
    std::int64_t t_ns;
    NodeId from;
    NodeId to;
    MsgType type;
  };
  struct Declared {
    std::int64_t t_ns;
    NodeId node;
    Epoch epoch;
  };

  std::string_view name() const override { return "recorder"; }
  std::optional<std::string> on_event(const Event& e) override {
    if (e.kind != EventKind::kObserve) return std::nullopt;
    if (e.what == "msg") {
      msgs.push_back({e.time_ns, e.node, static_cast<NodeId>(obs_get(e.fields, "to")),
                      static_cast<MsgType>(obs_get(e.fields, "type"))});
    } else if (e.what == "elected") {
      declared.push_back({e.time_ns, e.node, static_cast<Epoch>(obs_get(e.fields, "epoch"))});
    }
    return std::nullopt;
  }

  // Election messages of `type` sent in [from, to) of true time.
  std::size_t count(MsgType type, Duration from = Duration::zero(),
                    Duration to = std::chrono::hours(1)) const {
    std::size_t n = 0;
    for (const Msg& m : msgs) {
      if (m.type == type && m.t_ns >= from.count() && m.t_ns < to.count()) ++n;
    }
    return n;
  }
  std::size_t count_all(Duration from, Duration to = std::chrono::hours(1)) const {
    std::size_t n = 0;
    for (const Msg& m : msgs) n += m.t_ns >= from.count() && m.t_ns < to.count() ? 1 : 0;
    return n;
  }

  std::vector<Msg> msgs;
  std::vector<Declared> declared;
};

// The election checkers plus a recorder the test keeps a pointer to.
inline CheckerList checkers_with(Recorder*& recorder) {
  CheckerList list = election_checkers();
  auto r = std::make_unique<Recorder>();
  recorder = r.get();
  list.push_back(std::move(r));
  return list;
}

inline std::int64_t at(Duration d) { return d.count(); }

}  // namespace synod::election::testing
