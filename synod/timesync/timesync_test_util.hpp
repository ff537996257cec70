// Test helpers for the time-sync protocols: factories with per-node options, and a recorder of
// observations (a checker that never objects) that keeps each one's true time and fields.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "synod/sim/testing.hpp"
#include "synod/timesync/berkeley.hpp"
#include "synod/timesync/berkeley_checker.hpp"
#include "synod/timesync/cristian.hpp"
#include "synod/timesync/cristian_checker.hpp"

namespace synod::timesync::testing {

template <typename P, typename Options>
sim::ProtocolFactory deployed(Options o) {
  return sim::one_protocol([o] { return std::make_unique<P>(o); });
}

class Recorder final : public Checker {
 public:
  struct Obs {
    std::int64_t t_ns;
    NodeId node;
    std::string what;
    std::map<std::string, std::int64_t, std::less<>> f;
    std::int64_t operator[](std::string_view k) const {
      auto it = f.find(k);
      return it == f.end() ? 0 : it->second;
    }
  };

  std::string_view name() const override { return "recorder"; }
  std::optional<std::string> on_event(const Event& e) override {
    if (e.kind != EventKind::kObserve) return std::nullopt;
    Obs o{e.time_ns, e.node, std::string(e.what), {}};
    for (const auto& field : e.fields) o.f.emplace(std::string(field.key), field.value);
    all.push_back(std::move(o));
    return std::nullopt;
  }

  std::vector<Obs> of(std::string_view what, NodeId node = kNoNode,
                      std::int64_t from_ns = 0) const {
    std::vector<Obs> v;
    for (const Obs& o : all) {
      if (o.what == what && (node == kNoNode || o.node == node) && o.t_ns >= from_ns) {
        v.push_back(o);
      }
    }
    return v;
  }

  std::vector<Obs> all;
};

template <typename Make>
CheckerList with_recorder(Make make, Recorder*& r) {
  CheckerList list = make();
  auto rec = std::make_unique<Recorder>();
  r = rec.get();
  list.push_back(std::move(rec));
  return list;
}

inline std::int64_t at(Duration d) { return d.count(); }

}  // namespace synod::timesync::testing
