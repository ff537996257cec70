// Durable storage as protocols see it: a small key/value store with an explicit sync barrier.
//
// Contract (same in both drivers):
//  - put() and erase() are visible to get() immediately but are durable only after sync().
//  - A crash loses every change since the last sync(); the simulator enforces this, the runtime
//    makes sync() an atomic, fsynced, checksummed replace of each changed record.
//  - Keys are short names ([A-Za-z0-9._-], at most kMaxKeyLength); each protocol has its own
//    namespace, so two protocols may both use "state".
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "synod/core/status.hpp"
#include "synod/core/types.hpp"

namespace synod {

inline constexpr std::size_t kMaxKeyLength = 64;
inline constexpr std::size_t kMaxValueBytes = 64U << 20U;

bool valid_storage_key(std::string_view key);

class Storage {
 public:
  virtual ~Storage() = default;
  virtual Status put(std::string_view key, ByteView value) = 0;
  virtual Status erase(std::string_view key) = 0;
  virtual std::optional<Bytes> get(std::string_view key) const = 0;
  // Makes every put/erase so far durable. Returns an error if the medium failed; the protocol
  // must then not act as if the data were durable.
  virtual Status sync() = 0;
};

}  // namespace synod
