// The registry: what each layer offers, in one shape. Every layer exports a function returning
// its entries (`election::catalog()`, ...); apps/synod/catalog.cpp joins them, one line per
// layer, and the CLI, the mutants sweep and the tests only read the result. Nothing pairs specs
// and checkers by hand anywhere else.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "synod/check/checker.hpp"
#include "synod/node/registry.hpp"

namespace synod {

// One documented option (`--set key=value` or the protocol's TOML table).
struct OptionDoc {
  std::string key;
  std::string fallback;  // the default, as typed
  std::string meaning;
};

// A test-only way to break one rule of the protocol's header (see synod/node/mutant.hpp), and
// the checker that must catch it within `max_seeds` swarm seeds.
struct MutantSpec {
  std::string tag;               // the rule's tag in the header, e.g. "B3"; passed as mutant=TAG
  std::string rule;              // what the mutant does, in a few words
  std::string caught_by;         // Checker::name() of the checker that must report it
  ProtocolOptions options = {};  // extra options the sweep runs the mutant with (usually none)
  std::uint32_t nodes = 5;
  std::string faults = "swarm";  // or a fixed plan (docs/faults.md), e.g. "none"
  std::uint64_t max_seeds = 1000;
};

struct CatalogEntry {
  ProtocolSpec spec;  // name, summary, make(options)
  // Fresh checkers for one execution (one simulated seed, or one real trace), set up for the
  // options the protocol runs with (their windows follow the protocol's timeouts).
  std::function<CheckerList(const ProtocolOptions&)> checkers;
  // The protocol ids whose events the checkers read: `synod check` hands them only those (and
  // the node events: start, crash, recover) and refuses a trace that holds none of them.
  std::vector<ProtocolId> protocols = {};
  std::vector<OptionDoc> options = {};   // for `synod protocols NAME`
  std::vector<MutantSpec> mutants = {};  // every rule the header lists, broken one at a time
};

using Catalog = std::vector<CatalogEntry>;

// A CatalogEntry's checker factory for checkers that do not depend on options.
template <typename Make>
std::function<CheckerList(const ProtocolOptions&)> fixed_checkers(Make make) {
  return [make](const ProtocolOptions&) { return make(); };
}

}  // namespace synod
