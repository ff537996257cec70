#include "synod/heartbeat/heartbeat.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "synod/channel/best_effort_channel.hpp"
#include "synod/heartbeat/heartbeat_messages.hpp"
#include "synod/node/timer_tag.hpp"

namespace synod {
namespace {

enum class Timer : std::uint8_t { kBeat = 1, kRetryStart = 2 };
constexpr std::string_view kIncarnationKey = "incarnation";

// Beats are spread over [0.9, 1.1] x interval so nodes do not fall into lock step.
Duration jittered(Rng& rng, Duration d) {
  const auto spread = d.count() / 10;
  return Duration(d.count() + rng.between(-spread, spread));
}

bool newer(std::uint64_t inc_a, std::uint64_t ctr_a, std::uint64_t inc_b, std::uint64_t ctr_b) {
  return inc_a != inc_b ? inc_a > inc_b : ctr_a > ctr_b;
}

}  // namespace

Result<HeartbeatOptions> parse_heartbeat_options(const ProtocolOptions& opts) {
  for (const auto& [key, value] : opts) {
    if (key != "interval" && key != "timeout" && key != "fanout" && key != kMutantOption) {
      return invalid_argument("heartbeat: unknown option '" + key +
                              "' (interval, timeout, fanout)");
    }
  }
  HeartbeatOptions o;
  auto interval = option_duration(opts, "interval", o.interval);
  if (!interval) return interval.status();
  auto timeout = option_duration(opts, "timeout", o.timeout);
  if (!timeout) return timeout.status();
  auto fanout = option_int(opts, "fanout", o.fanout, 1, 1024);
  if (!fanout) return fanout.status();
  o.interval = *interval;
  o.timeout = *timeout;
  o.fanout = static_cast<std::uint32_t>(*fanout);
  if (o.interval < std::chrono::milliseconds(1)) {
    return invalid_argument("heartbeat: interval must be at least 1ms (a beat per tick at most)");
  }
  if (o.timeout < 2 * o.interval) {
    return invalid_argument("heartbeat: timeout must be at least 2 x interval");
  }
  auto mutant = parse_mutant(opts, {"HB1", "HB2", "HB3", "HB4", "HB5", "HB6"});
  if (!mutant) return mutant.status();
  o.mutant = *mutant;
  return o;
}

void Heartbeat::on_start(Context& ctx) {
  now_ = ctx.now();
  // A new life gets a new incarnation, made durable before the first beat is sent: peers must
  // never see two lives with the same incarnation (the checker verifies this across crashes).
  std::uint64_t previous = 0;
  if (auto stored = ctx.storage().get(kIncarnationKey)) {
    auto decoded = wire::decode<HeartbeatDurable>(*stored);
    if (!decoded) {
      // A corrupt record cannot tell us the last incarnation; refusing to run is the only safe
      // choice, and an operator must look.
      ctx.log("corrupt incarnation record: " + decoded.status().to_string());
      ctx.observe("storage_error", {});
      return;
    }
    previous = decoded->incarnation;
  }
  if (options_.mutant.breaks("HB1")) previous = 0;  // HB1: the durable incarnation is bumped
  const HeartbeatDurable next{previous + 1};
  const Bytes record = wire::encode(next);
  if (!ctx.storage().put(kIncarnationKey, record).is_ok() || !ctx.storage().sync().is_ok()) {
    ctx.log("cannot persist incarnation; retrying");
    ctx.set_timer(options_.interval, TimerTag::of(Timer::kRetryStart).raw());
    return;
  }
  incarnation_ = next.incarnation;
  counter_ = 0;
  view_.clear();
  for (NodeId peer : ctx.peers()) view_[peer] = PeerView{0, 0, now_, false};
  ctx.observe("incarnation", {{"inc", static_cast<std::int64_t>(incarnation_)}});
  ctx.set_timer(jittered(ctx.rng(), options_.interval), TimerTag::of(Timer::kBeat).raw());
}

void Heartbeat::on_timer(Context& ctx, std::uint64_t tag) {
  now_ = ctx.now();
  const auto kind = TimerTag::from(tag).kind<Timer>();
  if (kind == Timer::kRetryStart) {
    on_start(ctx);
    return;
  }
  if (kind != Timer::kBeat) return;
  beat(ctx);
  ctx.set_timer(jittered(ctx.rng(), options_.interval), TimerTag::of(Timer::kBeat).raw());
}

void Heartbeat::beat(Context& ctx) {
  if (!options_.mutant.breaks("HB2") || counter_ == 0) ++counter_;  // HB2
  ctx.observe("beat", {{"inc", static_cast<std::int64_t>(incarnation_)},
                       {"ctr", static_cast<std::int64_t>(counter_)}});
  gossip(ctx);
  check_timeouts(ctx);
}

void Heartbeat::gossip(Context& ctx) {
  // Scratch members keep their capacity between beats: a beat allocates only the payloads.
  auto& entries = scratch_gossip_.entries;
  entries.clear();
  entries.push_back({ctx.self(), incarnation_, counter_});
  for (const auto& [peer, v] : view_) {
    if (!v.suspected && v.incarnation != 0) entries.push_back({peer, v.incarnation, v.counter});
  }
  // Pick `fanout` distinct random peers (partial Fisher-Yates over the peer list).
  auto& targets = scratch_targets_;
  targets.assign(ctx.peers().begin(), ctx.peers().end());
  // HB3: min(fanout, peers) distinct targets (mutant: one more than that, when there is one).
  const std::size_t k = std::min<std::size_t>(
      options_.fanout + (options_.mutant.breaks("HB3") ? 1 : 0), targets.size());
  if (k == 0) return;
  for (std::size_t i = 0; i < k; ++i) {
    std::swap(targets[i], targets[i + ctx.rng().below(targets.size() - i)]);
  }
  Bytes payload = wire::encode(scratch_gossip_);
  for (std::size_t i = 0; i + 1 < k; ++i) ctx.send(targets[i], payload);
  ctx.send(targets[k - 1], std::move(payload));  // the last target takes the buffer itself
}

void Heartbeat::check_timeouts(Context& ctx) {
  for (auto& [peer, v] : view_) {
    if (options_.mutant.breaks("HB5")) break;
    if (!v.suspected && now_ - v.last_advance > options_.timeout) {  // HB5
      v.suspected = true;
      ctx.observe("suspect", {{"peer", peer}});
    }
  }
}

void Heartbeat::on_message(Context& ctx, NodeId from, ByteView payload) {
  (void)from;
  now_ = ctx.now();
  if (incarnation_ == 0) return;  // not started (storage failure)
  wire::Limits limits;
  limits.max_repeated = kMaxHeartbeatEntries;
  auto msg = wire::decode<HeartbeatGossip>(payload, limits);
  if (!msg) {
    ++decode_errors_;
    return;
  }
  for (const auto& e : msg->entries) {
    auto it = view_.find(e.node);
    if (it == view_.end()) continue;  // ourselves, or not a member
    PeerView& v = it->second;
    // HB4: only a newer (incarnation, counter) is adopted (mutant: any other one too).
    const bool same = e.incarnation == v.incarnation && e.counter == v.counter;
    if (!newer(e.incarnation, e.counter, v.incarnation, v.counter) &&
        (!options_.mutant.breaks("HB4") || same)) {
      continue;
    }
    v.incarnation = e.incarnation;
    v.counter = e.counter;
    v.last_advance = now_;
    ctx.observe("learn", {{"peer", e.node},
                          {"inc", static_cast<std::int64_t>(e.incarnation)},
                          {"ctr", static_cast<std::int64_t>(e.counter)}});
    if (v.suspected && !options_.mutant.breaks("HB6")) {  // HB6: advancing again: trusted
      v.suspected = false;
      ctx.observe("trust", {{"peer", e.node}});
    }
  }
}

std::string Heartbeat::status_json() const {
  nlohmann::json peers = nlohmann::json::object();
  for (const auto& [peer, v] : view_) {
    peers[std::to_string(peer)] = {{"state", v.suspected ? "suspected" : "alive"},
                                   {"incarnation", v.incarnation},
                                   {"counter", v.counter},
                                   {"age_ms", (now_ - v.last_advance).count() / 1'000'000}};
  }
  return nlohmann::json{{"incarnation", incarnation_},
                        {"counter", counter_},
                        {"decode_errors", decode_errors_},
                        {"peers", std::move(peers)}}
      .dump();
}

// Deployed over the best-effort channel: a gossip message arrives intact or not at all, so a
// flipped bit can never make a node "learn" a counter nobody reached (checker rule H4).
ProtocolSpec heartbeat_spec() {
  return {"heartbeat",
          "heartbeat with a gossiped counter over the best-effort channel; suspects silent peers",
          [](const ProtocolOptions& opts) -> Result<std::unique_ptr<Protocol>> {
            auto o = parse_heartbeat_options(opts);
            if (!o) return o.status();
            return std::unique_ptr<Protocol>(std::make_unique<channel::BestEffortChannel>(
                std::make_unique<Heartbeat>(*o), channel::BestEffortOptions{}));
          }};
}

}  // namespace synod
