// "mutex" workload: the LockClient each simulated (or real) node runs. It asks for the lock at
// random times (gaps uniform in [0, 2 x think]), holds it for a random time in
// [hold_min, hold_max] and releases it, for `active` after the node's first start (remembered in
// storage across restarts), then stops asking so that the liveness check at the end of a
// simulated run ("everyone who asked got the lock") has something definite to judge.
#pragma once

#include <cstdint>
#include <string>

#include "synod/mutex/lock_service.hpp"

namespace synod::mutex {

struct WorkloadOptions {
  Duration think = std::chrono::milliseconds(200);
  Duration hold_min = std::chrono::milliseconds(1);
  Duration hold_max = std::chrono::milliseconds(20);
  Duration active = std::chrono::seconds(8);
};

struct WorkloadStats {
  std::uint64_t requests = 0;
  std::uint64_t grants = 0;
  std::uint64_t releases = 0;
};

class MutexWorkload final : public LockClient {
 public:
  explicit MutexWorkload(WorkloadOptions options) : options_(options) {}

  void start(Context& ctx, LockService& lock) override;
  void on_granted(Context& ctx, LockService& lock, std::uint64_t token) override;
  void on_timer(Context& ctx, LockService& lock, std::uint64_t tag) override;
  nlohmann::json status() const override;
  const WorkloadStats& stats() const { return stats_; }

 private:
  void schedule(Context& ctx);

  WorkloadOptions options_;
  WorkloadStats stats_;
  Time first_start_;
};

}  // namespace synod::mutex
