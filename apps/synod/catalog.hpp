// The protocols this binary knows, by name, with the checkers that verify them.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "synod/check/checker.hpp"
#include "synod/node/registry.hpp"

namespace synod::app {

struct CatalogEntry {
  ProtocolSpec spec;
  // Fresh checkers for one execution (one simulated seed, or one real trace).
  std::function<CheckerList()> checkers;
};

const std::vector<CatalogEntry>& catalog();
const CatalogEntry* find_protocol(std::string_view name);
// "heartbeat, ..." for help texts and errors.
std::string protocol_names();

}  // namespace synod::app
