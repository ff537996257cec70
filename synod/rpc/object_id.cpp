#include "synod/rpc/object_id.hpp"

#include <cstdio>

namespace synod::rpc {

std::string ObjectId::str() const {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%016llx:%016llx", static_cast<unsigned long long>(hi),
                static_cast<unsigned long long>(lo));
  return buf;
}

}  // namespace synod::rpc
