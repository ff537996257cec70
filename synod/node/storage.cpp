#include "synod/node/storage.hpp"

namespace synod {

bool valid_storage_key(std::string_view key) {
  if (key.empty() || key.size() > kMaxKeyLength || key[0] == '.') return false;
  for (char c : key) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace synod
