#include "synod/mutex/mutex_workload.hpp"

#include <string>

#include <nlohmann/json.hpp>

namespace synod::mutex {
namespace {

constexpr std::uint64_t kRequestTimer = 0;  // client_timer values
constexpr std::uint64_t kReleaseTimer = 1;
constexpr std::string_view kStartKey = "workload.start";

struct StartRecord {
  std::int64_t ns = 0;
  static constexpr auto kFields = std::make_tuple(wire::field<1, wire::zigzag>(&StartRecord::ns));
};

Duration uniform(Rng& rng, Duration lo, Duration hi) {
  return Duration(rng.between(lo.count(), std::max(lo.count(), hi.count())));
}

}  // namespace

void MutexWorkload::start(Context& ctx, LockService& lock) {
  (void)lock;
  first_start_ = ctx.now();
  if (auto stored = ctx.storage().get(kStartKey)) {
    if (auto r = wire::decode<StartRecord>(*stored)) first_start_ = Time{r->ns};
  } else {
    (void)ctx.storage().put(kStartKey, wire::encode(StartRecord{first_start_.ns}));
    (void)ctx.storage().sync();
  }
  schedule(ctx);
}

void MutexWorkload::schedule(Context& ctx) {
  ctx.set_timer(uniform(ctx.rng(), Duration(0), 2 * options_.think), client_timer(kRequestTimer));
}

void MutexWorkload::on_timer(Context& ctx, LockService& lock, std::uint64_t tag) {
  if (tag == kReleaseTimer) {
    lock.release(ctx);
    ++stats_.releases;
    schedule(ctx);
    return;
  }
  if (ctx.now() - first_start_ > options_.active) return;  // done asking
  ++stats_.requests;
  lock.acquire(ctx);
}

void MutexWorkload::on_granted(Context& ctx, LockService& lock, std::uint64_t token) {
  (void)lock;
  (void)token;
  ++stats_.grants;
  ctx.set_timer(uniform(ctx.rng(), options_.hold_min, options_.hold_max),
                client_timer(kReleaseTimer));
}

nlohmann::json MutexWorkload::status() const {
  return {{"requests", stats_.requests}, {"grants", stats_.grants}, {"releases", stats_.releases}};
}

}  // namespace synod::mutex
