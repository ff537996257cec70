#include "synod/snapshot/snapshot_layer.hpp"

#include <nlohmann/json.hpp>

#include "synod/core/assert.hpp"

namespace synod::snapshot {
namespace {

enum class Timer : std::uint8_t { kAck = 1, kAuto = 2, kTimeout = 3 };  // kTimeout: value = serial

// Frames are bounded by the channel's payload limit; anything larger is garbage.
const wire::Limits kFrameLimits{.max_bytes = (64U << 10U) + 1024,
                                .max_depth = 4,
                                .max_repeated = 4096,
                                .max_string = 64U << 10U};

template <typename T>
T load_record(Context& ctx, std::string_view key) {
  auto bytes = ctx.storage().get(key);
  if (!bytes) return T{};
  auto decoded = wire::decode<T>(*bytes);
  // Our own synced records: a decode failure means a corrupt medium; start that record afresh
  // rather than refuse to run (the checker would then see the loss).
  return decoded ? *decoded : T{};
}

}  // namespace

SnapshotLayer::SnapshotLayer(std::unique_ptr<Snapshottable> app, SnapshotOptions options)
    : ChannelLayer(std::move(app), TimerLayer::kSnapshot),
      app_(static_cast<Snapshottable*>(&inner())),
      options_(options) {
  SYNOD_ASSERT(options_.timeout.count() > 0);
  SYNOD_ASSERT(options_.ack_delay.count() > 0);
}

SnapshotLayer::~SnapshotLayer() = default;

void SnapshotLayer::start(Context& ctx, bool recovering) {
  base_ = &ctx;
  nonce_ = ctx.rng().next() >> 1U;  // fits an observation field
  load(ctx);
  inner_start(ctx, recovering);
  // D3: whatever an earlier life left unacknowledged goes out again on the new streams.
  if (!options_.mutant.breaks("D3")) {
    for (NodeId peer : ctx.peers()) resend(ctx, peer);
  }
  schedule_auto(ctx);
}

void SnapshotLayer::load(Context& ctx) {
  for (NodeId peer : ctx.peers()) {
    out_[peer] = load_record<Outbox>(ctx, outbox_key(peer));
    in_[peer] = load_record<Inbox>(ctx, inbox_key(peer));
  }
  counter_ = load_record<SnapshotCounter>(ctx, kCounterKey).last;
}

bool SnapshotLayer::persist(Context& base, std::string_view key, const Bytes& value) {
  if (base.storage().put(key, value).is_ok()) return true;
  ++stats_.storage_errors;
  return false;
}

void SnapshotLayer::sync(Context& base) {
  if (!base.storage().sync().is_ok()) ++stats_.storage_errors;
}

void SnapshotLayer::send_frame(Context& base, NodeId to, const Frame& f) {
  base.send(to, wire::encode(f));
}

void SnapshotLayer::resend(Context& base, NodeId to) {
  const auto it = out_.find(to);
  if (it == out_.end()) return;
  for (const Recorded& m : it->second.unacked) {
    Frame f;
    f.kind = static_cast<std::uint32_t>(FrameKind::kData);
    f.seq = m.seq;
    f.payload = m.payload;
    send_frame(base, to, f);
    ++stats_.resent;
  }
}

bool SnapshotLayer::app_writable(NodeId to) const {
  const auto it = out_.find(to);
  if (it == out_.end()) return false;
  return it->second.unacked.size() < kMaxOutbox && (base_ == nullptr || base_->writable(to));
}

// Persist-before-send: the message is in the durable outbox (and its number used) before the
// channel sees it, so a crash right after cannot lose it.
void SnapshotLayer::app_send(Context& base, NodeId to, Bytes payload) {
  base_ = &base;
  if (payload.size() > kMaxAppPayload || !app_writable(to)) {
    ++stats_.rejected;
    return;
  }
  Outbox& o = out_[to];
  Recorded m{o.next_seq, std::move(payload)};
  Outbox next = o;
  ++next.next_seq;  // D1: the next number, durable before the send
  if (options_.mutant.breaks("D1") && m.seq % 8 == 0) ++next.next_seq;
  next.unacked.push_back(m);
  if (!persist(base, outbox_key(to), wire::encode(next)) || !base.storage().sync().is_ok()) {
    ++stats_.rejected;
    return;
  }
  o = std::move(next);
  ++stats_.sent;
  Frame f;
  f.kind = static_cast<std::uint32_t>(FrameKind::kData);
  f.seq = m.seq;
  f.payload = std::move(m.payload);
  send_frame(base, to, f);
}

void SnapshotLayer::on_message(Context& ctx, NodeId from, ByteView payload) {
  base_ = &ctx;
  auto decoded = wire::decode<Frame>(payload, kFrameLimits);
  if (!decoded || out_.count(from) == 0) {
    ++stats_.malformed;
    return;
  }
  Frame& f = *decoded;
  switch (static_cast<FrameKind>(f.kind)) {
    case FrameKind::kData: on_data(ctx, from, f); break;
    case FrameKind::kAck: on_ack(ctx, from, f); break;
    case FrameKind::kMarker: on_marker(ctx, from, {f.initiator, f.snapshot}); break;
    case FrameKind::kReport: on_report(ctx, from, f); break;
    default: ++stats_.malformed; break;
  }
}

void SnapshotLayer::on_peer_event(Context& ctx, NodeId peer, PeerEvent event) {
  base_ = &ctx;
  // The channel dropped what it had in flight to the peer's old life: send the outbox again (the
  // receiver's durable count drops what it already had). Markers are not resent: a snapshot that
  // lost one times out.
  if (event == PeerEvent::kRestarted && !options_.mutant.breaks("D3")) resend(ctx, peer);  // D3
  inner_peer_event(ctx, peer, event);
}

void SnapshotLayer::on_command(Context& ctx, CommandId id, std::string_view verb,
                               std::string_view args) {
  base_ = &ctx;
  if (verb != "snapshot") {
    ChannelLayer::on_command(ctx, id, verb, args);
    return;
  }
  if (!args.empty()) {
    ctx.reply(id, R"({"error":"snapshot takes no arguments"})");
    return;
  }
  if (!initiate(ctx, id)) {
    ctx.reply(id,
              nlohmann::json{{"error", "cannot start a snapshot here now (" +
                                           std::to_string(open_.size()) + " open, storage errors " +
                                           std::to_string(stats_.storage_errors) + ")"}}
                  .dump());
  }
}

void SnapshotLayer::on_channel_timer(Context& base, TimerTag tag) {
  base_ = &base;
  switch (tag.kind<Timer>()) {
    case Timer::kAck:
      ack_timer_ = false;
      send_acks(base);
      return;
    case Timer::kAuto:
      schedule_auto(base);
      initiate(base, 0);
      return;
    case Timer::kTimeout: {
      const auto it = timer_ids_.find(tag.value());
      if (it == timer_ids_.end()) return;
      const SnapshotId id = it->second;
      timer_ids_.erase(it);
      timers_.erase(id);
      on_timeout(base, id);
      return;
    }
    default: return;
  }
}

void SnapshotLayer::schedule_auto(Context& base) {
  if (options_.auto_every.count() <= 0) return;
  const std::int64_t mean = options_.auto_every.count();
  set_channel_timer(base, Duration(base.rng().between(0, 2 * mean)), Timer::kAuto);
}

void SnapshotLayer::arm_ack(Context& base) {
  if (ack_timer_) return;
  ack_timer_ = true;
  set_channel_timer(base, options_.ack_delay, Timer::kAck);
}

void SnapshotLayer::arm_timeout(Context& base, const SnapshotId& id) {
  if (timers_.count(id) != 0) return;
  const std::uint64_t serial = next_timer_serial_++;
  timer_ids_[serial] = id;
  timers_[id] = {set_channel_timer(base, options_.timeout, Timer::kTimeout, serial), serial};
}

void SnapshotLayer::disarm_timeout(Context& base, const SnapshotId& id) {
  const auto it = timers_.find(id);
  if (it == timers_.end()) return;
  base.cancel_timer(it->second.first);
  timer_ids_.erase(it->second.second);
  timers_.erase(it);
}

std::string SnapshotLayer::status_json() const {
  const auto& s = stats_;
  std::size_t unacked = 0;
  for (const auto& [peer, o] : out_) unacked += o.unacked.size();
  // The application's status with ours under "snapshot" (the channel below adds "channel").
  nlohmann::json out = nlohmann::json::parse(app_->status_json(), nullptr, false);
  if (!out.is_object()) out = nlohmann::json::object();
  out["snapshot"] = {
      {"started", s.started},     {"completed", s.completed},   {"aborted", s.aborted},
      {"recorded", s.recorded},   {"open", open_.size()},       {"sent", s.sent},
      {"delivered", s.delivered}, {"duplicates", s.duplicates}, {"resent", s.resent},
      {"unacked", unacked},       {"rejected", s.rejected},     {"malformed", s.malformed}};
  return out.dump();
}

}  // namespace synod::snapshot
