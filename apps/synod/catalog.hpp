// The protocols this binary knows, by name, with the checkers that verify them: the layers'
// registry entries joined (see synod/check/catalog.hpp).
#pragma once

#include <string>
#include <string_view>

#include "synod/check/catalog.hpp"

namespace synod::app {

const Catalog& catalog();
const CatalogEntry* find_protocol(std::string_view name);
// "heartbeat, ..." for help texts and errors.
std::string protocol_names();

}  // namespace synod::app
