// Durable storage in the simulator: put/erase are staged until sync(); a crash drops the staged
// changes, exactly the contract of synod/node/storage.hpp. The durable map survives crashes.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "synod/node/storage.hpp"

namespace synod::sim {

class SimStorage final : public Storage {
 public:
  Status put(std::string_view key, ByteView value) override;
  Status erase(std::string_view key) override;
  std::optional<Bytes> get(std::string_view key) const override;
  Status sync() override;

  void crash() { staged_.clear(); }
  std::size_t syncs() const { return syncs_; }

 private:
  std::map<std::string, Bytes, std::less<>> durable_;
  std::map<std::string, std::optional<Bytes>, std::less<>> staged_;  // nullopt = erased
  std::size_t syncs_ = 0;
};

}  // namespace synod::sim
