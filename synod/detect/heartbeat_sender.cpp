#include "synod/detect/heartbeat_sender.hpp"

namespace synod::detect {

void HeartbeatSender::start(Context& ctx) {
  running_ = true;
  arm(ctx);
}

void HeartbeatSender::stop(Context& ctx) {
  running_ = false;
  ctx.cancel_timer(timer_);
}

bool HeartbeatSender::on_timer(Context& ctx, std::uint64_t tag, const Bytes& payload) {
  if (tag != tag_) return false;
  if (!running_) return true;
  for (NodeId peer : ctx.peers()) {
    if (!ctx.writable(peer)) {
      ++skipped_;
      continue;
    }
    ctx.send(peer, payload);
    ++sent_;
  }
  arm(ctx);
  return true;
}

void HeartbeatSender::arm(Context& ctx) {
  const auto spread = interval_.count() / 10;
  timer_ = ctx.set_timer(Duration(interval_.count() + ctx.rng().between(-spread, spread)), tag_);
}

}  // namespace synod::detect
