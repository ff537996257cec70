// A node's protocol timers on one asio timer.
//
// An RPC call sets a deadline timer and almost always cancels it a round trip later. With one asio
// timer per protocol timer, every cancel posted an aborted handler to the loop, an extra pass
// through the reactor per call. Here timers live in an ordered set; the single asio timer is armed
// for the earliest one and re-armed only when a new timer is earlier still. Cancelling just erases
// (the asio timer may then fire early, find nothing due, and re-arm for the next one).
#pragma once

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "synod/core/time.hpp"
#include "synod/core/types.hpp"

namespace synod::runtime {

class TimerQueue {
 public:
  using Clock = std::chrono::steady_clock;
  using Fire = std::function<void(ProtocolId protocol, std::uint64_t tag)>;

  TimerQueue(asio::io_context& io, Fire fire) : wakeup_(io), fire_(std::move(fire)) {}

  TimerId add(Duration after, ProtocolId protocol, std::uint64_t tag) {
    const TimerId id = next_id_++;
    const Clock::time_point due = Clock::now() + after;
    timers_.emplace(id, Pending{due, protocol, tag});
    order_.emplace(due, id);
    if (!armed_at_ || due < *armed_at_) arm(due);
    return id;
  }

  // Unknown or fired ids are ignored.
  void cancel(TimerId id) {
    auto it = timers_.find(id);
    if (it == timers_.end()) return;
    order_.erase({it->second.due, id});
    timers_.erase(it);
  }

  // Drops every timer and the pending wake-up (the loop can then run out of work and return).
  void clear() {
    timers_.clear();
    order_.clear();
    armed_at_.reset();
    ++gen_;
    wakeup_.cancel();
  }

  std::size_t size() const { return timers_.size(); }

 private:
  struct Pending {
    Clock::time_point due;
    ProtocolId protocol;
    std::uint64_t tag;
  };

  void arm(Clock::time_point due) {
    armed_at_ = due;
    const std::uint64_t gen = ++gen_;
    wakeup_.expires_at(due);
    wakeup_.async_wait([this, gen](std::error_code ec) {
      if (ec || gen != gen_) return;  // re-armed or cleared meanwhile
      armed_at_.reset();
      fire_due();
    });
  }

  // Fires what is due, earliest first (ties in creation order). Bounded by what was queued on
  // entry, so a protocol setting zero-delay timers from on_timer cannot starve the network.
  void fire_due() {
    const Clock::time_point now = Clock::now();
    std::size_t budget = order_.size();
    while (budget-- > 0 && !order_.empty() && order_.begin()->first <= now) {
      const TimerId id = order_.begin()->second;
      order_.erase(order_.begin());
      auto it = timers_.find(id);
      const Pending p = it->second;
      timers_.erase(it);
      fire_(p.protocol, p.tag);  // may add and cancel timers
    }
    if (!order_.empty() && (!armed_at_ || order_.begin()->first < *armed_at_)) {
      arm(order_.begin()->first);
    }
  }

  asio::steady_timer wakeup_;
  Fire fire_;
  std::map<TimerId, Pending> timers_;
  std::set<std::pair<Clock::time_point, TimerId>> order_;
  std::optional<Clock::time_point> armed_at_;  // when the asio timer will fire, if it is waiting
  std::uint64_t gen_ = 0;
  TimerId next_id_ = 1;
};

}  // namespace synod::runtime
