#include "synod/election/election_catalog.hpp"

#include <memory>
#include <optional>
#include <type_traits>

#include "synod/channel/reliable_channel.hpp"
#include "synod/election/bully.hpp"
#include "synod/election/election_checker.hpp"
#include "synod/election/ring.hpp"

namespace synod::election {
namespace {

std::unique_ptr<Protocol> over_reliable_channel(std::unique_ptr<Protocol> inner) {
  return std::make_unique<channel::ReliableChannel>(std::move(inner), channel::ReliableOptions{});
}

template <typename Algo>
Result<std::unique_ptr<Protocol>> make(const ProtocolOptions& opts,
                                       std::initializer_list<const char*> extra = {}) {
  auto o = parse_election_options(
      opts, extra, std::is_same_v<Algo, Bully> ? MutantRules::kBully : MutantRules::kRing);
  if (!o) return o.status();
  return over_reliable_channel(std::make_unique<Algo>(*o));
}

bool is_ring(const ProtocolOptions& opts) {
  const auto it = opts.find("algo");
  return it != opts.end() && it->second == "ring";
}

// The checkers, with windows that follow the options the protocol runs with. Options the
// protocol refuses never reach a run; here they fall back to the defaults.
std::function<CheckerList(const ProtocolOptions&)> checkers_for(std::optional<Algorithm> fixed) {
  return [fixed](const ProtocolOptions& opts) {
    const Algorithm a = fixed ? *fixed : (is_ring(opts) ? Algorithm::kRing : Algorithm::kBully);
    auto o = parse_election_options(
        opts, {"algo"}, a == Algorithm::kBully ? MutantRules::kBully : MutantRules::kRing);
    return election_checkers(o ? *o : ElectionOptions{}, a);
  };
}

// Message counts are judged over failure-free elections (election_checker.hpp, M1/M2): the
// mutants that break them run without faults, with every node up before anyone elects (the
// start delay outlasts the checkers' settle window after the staggered starts).
const ProtocolOptions kCalmBoot = {{"start_delay", "5s"}};

std::vector<MutantSpec> bully_mutants() {
  return {
      {.tag = "B1",
       .rule = "ignores the suspicion of the coordinator (keeps following a dead one)",
       .caught_by = "election-liveness"},
      {.tag = "B2",
       .rule = "declares itself at once, without waiting for an ANSWER",
       .caught_by = "election-winner"},
      {.tag = "B3",
       .rule = "begins its election again for every ELECTION, even with one under way",
       .caught_by = "election-messages",
       .options = kCalmBoot,
       .faults = "none"},
      {.tag = "B4",
       .rule = "never begins again when no COORDINATOR follows the ANSWER",
       .caught_by = "election-liveness",
       // 4 answers the survivors' ELECTIONs, then dies before announcing: only B4 recovers.
       .faults = "@2s crash 5; @2400ms crash 4"},
      {.tag = "B5",
       .rule = "records a COORDINATOR whose epoch is not newer",
       .caught_by = "election"},
  };
}

std::vector<MutantSpec> ring_mutants() {
  return {
      {.tag = "C1",
       .rule = "an initiator stays non-participant (substitutes its id again and again)",
       .caught_by = "election-messages",
       .options = kCalmBoot,
       .faults = "none"},
      {.tag = "C2",
       .rule = "forwards a lower id instead of substituting its own",
       .caught_by = "election-winner"},
      {.tag = "C3",
       .rule = "declares twice when its ELECTION comes home",
       .caught_by = "election-declarations"},
      {.tag = "C4",
       .rule = "stays participant after ELECTED (its timer starts elections again)",
       .caught_by = "election-messages",
       .options = kCalmBoot,
       .faults = "none"},
      {.tag = "C5",
       .rule = "forwards the ELECTION of a suspected candidate (it circles forever)",
       .caught_by = "election-liveness"},
      {.tag = "C6",
       .rule = "never begins a new election when ELECTED does not come",
       .caught_by = "election-liveness"},
  };
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
  return {{.spec = bully_spec(),
           .checkers = checkers_for(Algorithm::kBully),
           .protocols = {kBullyProtocol},
           .mutants = bully_mutants()},
          {.spec = ring_spec(),
           .checkers = checkers_for(Algorithm::kRing),
           .protocols = {kRingProtocol},
           .mutants = ring_mutants()},
          {.spec = election_spec(),
           .checkers = checkers_for(std::nullopt),
           .protocols = {kBullyProtocol, kRingProtocol}}};
}

}  // namespace synod::election
