#include "apps/synod/options.hpp"

namespace synod::app {

Result<ProtocolOptions> parse_set_options(const std::vector<std::string>& pairs) {
  ProtocolOptions opts;
  for (const auto& p : pairs) {
    const auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0)
      return invalid_argument("--set expects key=value, got '" + p + "'");
    opts[p.substr(0, eq)] = p.substr(eq + 1);
  }
  return opts;
}

}  // namespace synod::app
