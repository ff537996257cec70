#include "synod/election/election_catalog.hpp"

#include <memory>

#include "synod/channel/reliable_channel.hpp"
#include "synod/election/bully.hpp"
#include "synod/election/election_checker.hpp"
#include "synod/election/ring.hpp"

namespace synod::election {
namespace {

std::unique_ptr<Protocol> over_reliable_channel(std::unique_ptr<Protocol> inner) {
  return std::make_unique<channel::ReliableChannel>(std::move(inner), channel::ReliableOptions{});
}

template <typename Algorithm>
Result<std::unique_ptr<Protocol>> make(const ProtocolOptions& opts,
                                       std::initializer_list<const char*> extra = {}) {
  auto o = parse_election_options(opts, extra);
  if (!o) return o.status();
  return over_reliable_channel(std::make_unique<Algorithm>(*o));
}

}  // namespace

ProtocolSpec bully_spec() {
  return {"bully",
          "bully election (ELECTION/ANSWER/COORDINATOR) with epochs, over the reliable channel",
          [](const ProtocolOptions& opts) { return make<Bully>(opts); }};
}

ProtocolSpec ring_spec() {
  return {"ring",
          "Chang-Roberts ring election (ELECTION/ELECTED) with epochs, over the reliable channel",
          [](const ProtocolOptions& opts) { return make<Ring>(opts); }};
}

ProtocolSpec election_spec() {
  return {"election", "leader election; --set algo=bully|ring (default bully)",
          [](const ProtocolOptions& opts) -> Result<std::unique_ptr<Protocol>> {
            const auto it = opts.find("algo");
            const std::string algo = it == opts.end() ? "bully" : it->second;
            if (algo == "bully") return make<Bully>(opts, {"algo"});
            if (algo == "ring") return make<Ring>(opts, {"algo"});
            return invalid_argument("election: algo must be bully or ring, not '" + algo + "'");
          }};
}

Catalog catalog() {
  const auto checkers = fixed_checkers([] { return election_checkers(); });
  return {{.spec = bully_spec(), .checkers = checkers, .protocols = {kBullyProtocol}},
          {.spec = ring_spec(), .checkers = checkers, .protocols = {kRingProtocol}},
          {.spec = election_spec(),
           .checkers = checkers,
           .protocols = {kBullyProtocol, kRingProtocol}}};
}

}  // namespace synod::election
