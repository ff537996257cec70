// Endpoint lifecycle: start (epoch, session, built-in DGC servant, apps), input routing, timers,
// app callbacks and orderly teardown.
#include "synod/rpc/endpoint.hpp"

#include <string>

#include "synod/rpc/client_call.hpp"
#include "synod/rpc/dgc.hpp"

namespace synod::rpc {
namespace {

constexpr std::string_view kEpochKey = "epoch";
constexpr Duration kMaintenanceEvery = std::chrono::milliseconds(500);

}  // namespace

Endpoint::Endpoint(RpcLimits limits, std::vector<std::unique_ptr<App>> apps, Mutant mutant)
    : limits_(limits),
      apps_(std::move(apps)),
      mutant_(std::move(mutant)),
      adapter_(limits.max_exported_objects),
      dedup_(limits.max_dedup_entries, limits.dedup_ttl, limits.max_dedup_sessions) {}

Endpoint::~Endpoint() { shutdown(); }

Result<Mutant> Endpoint::parse_mutant_option(const ProtocolOptions& opts) {
  return parse_mutant(opts, {"P1", "P2", "P3", "P4", "P5", "P6", "P7"});
}

Context& Endpoint::context() {
  return input_.get();  // asserts: app code runs only inside an input of the endpoint
}

void Endpoint::enter(Context& ctx) {
  now_ = ctx.now();
  if (!to_clean_.empty()) {
    // References released outside an input (a proxy destroyed by app code between inputs).
    std::map<NodeId, std::vector<ObjectId>> by_node;
    for (const auto& k : to_clean_) by_node[k.node].push_back(k.object);
    to_clean_.clear();
    for (auto& [node, ids] : by_node) send_dgc(node, std::move(ids), /*dirty=*/false);
  }
  while (!posted_.empty()) {
    auto batch = std::move(posted_);
    posted_.clear();
    for (auto& fn : batch) fn();
  }
}

void Endpoint::on_start(Context& ctx) {
  const InputContext::Scope scope(input_, ctx);
  self_ = ctx.self();
  now_ = ctx.now();
  session_ = 0;
  while (session_ == 0) session_ = ctx.rng().next();  // 0 would look like "no session"
  leases_ = std::make_shared<LeaseTable>([this](const LeaseKey& k) { on_lease_released(k); });
  serve_dgc();
  start_serving();
  timer(kMaintenanceEvery, Timer::kMaintenance, 0);
  timer(limits_.lease / 3, Timer::kRenew, 0);
  for (auto& app : apps_) app->on_start(*this);
  drain_loopback();
}

void Endpoint::start_serving() {
  serving_ = load_epoch();
  if (!serving_) timer(std::chrono::milliseconds(100), Timer::kStartRetry, 0);
}

bool Endpoint::load_epoch() {
  // P6: a new server life gets a new epoch, durable before any request is executed: a request
  // addressed to an earlier life is then recognisable and refused (at-most-once across crashes).
  Storage& st = context().storage();
  std::uint64_t previous = 0;
  if (auto stored = st.get(kEpochKey)) {
    auto decoded = wire::decode<RpcDurable>(*stored);
    if (!decoded) {
      context().log("corrupt epoch record: " + decoded.status().to_string());
      return false;
    }
    previous = decoded->epoch;
  }
  const RpcDurable next{previous + 1};
  // Mutant P6: the epoch is written but never synced, so a crash loses it and lives repeat one.
  if (!st.put(kEpochKey, wire::encode(next)).is_ok() ||
      (!mutant_.breaks("P6") && !st.sync().is_ok())) {
    context().log("cannot persist the server epoch; not serving yet");
    return false;
  }
  epoch_ = next.epoch;
  context().observe("rpc_epoch", {{"epoch", obs_u64(epoch_)}});
  return true;
}

void Endpoint::on_message(Context& ctx, NodeId from, ByteView payload) {
  on_frame(ctx, from, wire::decode<RpcFrame>(payload, frame_limits()));
}

void Endpoint::on_shared_message(Context& ctx, NodeId from, const SharedBytes& payload) {
  // Large payloads alias the received buffer: the servant (or the caller) gets them uncopied.
  on_frame(ctx, from, wire::decode<RpcFrame>(payload, frame_limits()));
}

void Endpoint::on_frame(Context& ctx, NodeId from, Result<RpcFrame> frame) {
  const InputContext::Scope scope(input_, ctx);
  enter(ctx);
  handle_frame(from, std::move(frame));
  drain_loopback();
}

void Endpoint::drain_loopback() {
  for (std::size_t i = 0; i < 10000 && !loopback_.empty(); ++i) {
    const SharedBytes b = loopback_.front().joined();
    loopback_.erase(loopback_.begin());
    handle_frame(self_, wire::decode<RpcFrame>(b, frame_limits()));
  }
}

void Endpoint::send_chain(NodeId to, ByteChain message) {
  if (to == self_) {
    loopback_.push_back(std::move(message));
  } else {
    context().send_chain(to, std::move(message));
  }
}

wire::Limits Endpoint::frame_limits() const {
  wire::Limits lim;
  lim.max_bytes = limits_.max_payload_bytes + (64U << 10U);  // payload plus headers and metadata
  lim.max_string = limits_.max_payload_bytes;
  lim.max_depth = 4;
  lim.max_repeated = limits_.max_metadata_entries;
  return lim;
}

void Endpoint::handle_frame(NodeId from, Result<RpcFrame> frame) {
  if (!frame) {
    ++stats_.malformed;  // no request id to answer: counted and dropped
    return;
  }
  const int parts = int{frame->request.has_value()} + int{frame->reply.has_value()} +
                    int{frame->cancel.has_value()};
  if (parts != 1) {
    ++stats_.malformed;
  } else if (frame->request) {
    on_request(from, *frame->request);
  } else if (frame->reply) {
    on_reply(from, *frame->reply);
  } else {
    on_cancel(from, *frame->cancel);
  }
}

void Endpoint::on_timer(Context& ctx, std::uint64_t tag) {
  const InputContext::Scope scope(input_, ctx);
  enter(ctx);
  const TimerTag t = TimerTag::from(tag);
  const std::uint64_t value = t.value();
  switch (t.kind<Timer>()) {
    case Timer::kDeadline: on_deadline(value); break;
    case Timer::kAttempt: on_attempt_timeout(value); break;
    case Timer::kCallback: fire_callback(value); break;
    case Timer::kSleep:
      if (auto it = sleepers_.find(value); it != sleepers_.end()) {
        auto h = it->second.handle;
        sleepers_.erase(it);
        h.resume();
      }
      break;
    case Timer::kMaintenance: maintenance(); break;
    case Timer::kRenew:
      renew_leases();
      timer(limits_.lease / 3, Timer::kRenew, 0);
      break;
    case Timer::kStartRetry:
      if (!serving_) start_serving();
      break;
    case Timer::kRetry:
      if (auto it = calls_.find(value); it != calls_.end()) {
        ClientCall& c = *it->second;
        assign_seq(c);
        transmit(c);
        arm_attempt_timer(c);
      }
      break;
    default: break;
  }
  drain_loopback();
}

std::uint64_t Endpoint::timer(Duration d, Timer kind, std::uint64_t value) {
  return context().set_timer(d, TimerTag::of(kind, value).raw());
}

void Endpoint::after(Duration d, std::function<void()> fn) {
  const std::uint64_t id = next_callback_++;
  callbacks_.emplace(id, std::move(fn));
  timer(d, Timer::kCallback, id);
}

void Endpoint::fire_callback(std::uint64_t id) {
  auto it = callbacks_.find(id);
  if (it == callbacks_.end()) return;
  auto fn = std::move(it->second);
  callbacks_.erase(it);
  fn();
}

void Endpoint::maintenance() {
  dedup_.expire(now_);
  collect_garbage();
  timer(kMaintenanceEvery, Timer::kMaintenance, 0);
}

void Endpoint::send_frame(NodeId to, const RpcFrame& frame) { send_bytes(to, wire::encode(frame)); }

void Endpoint::shutdown() {
  // Every pending completion runs exactly once, so coroutines waiting on calls or sleeps finish
  // (with CANCELLED / false) instead of leaking their frames. Resumed code may start new calls;
  // those fail at once because closing_ is set, so this loop ends.
  closing_ = true;
  while (!calls_.empty() || !sleepers_.empty()) {
    if (!calls_.empty()) {
      finish(calls_.begin()->first, Status(Code::kCancelled, "endpoint shut down"));
      continue;
    }
    auto it = sleepers_.begin();
    Sleeper s = it->second;
    sleepers_.erase(it);
    *s.ok = false;
    s.handle.resume();
  }
  if (leases_) leases_->disable();
  apps_.clear();
  callbacks_.clear();
  posted_.clear();
  running_.clear();
}

std::string Endpoint::status_json() const {
  auto kv = [](const char* k, std::uint64_t v) {
    return "\"" + std::string(k) + "\":" + std::to_string(v);
  };
  return "{" + kv("epoch", epoch_) + "," + kv("serving", serving_ ? 1 : 0) + "," +
         kv("pending", calls_.size()) + "," + kv("running", running_.size()) + "," +
         kv("objects", adapter_.size()) + "," + kv("leases_held", held_leases()) + "," +
         kv("calls_ok", stats_.calls_ok) + "," + kv("calls_failed", stats_.calls_failed) + "," +
         kv("executed", stats_.executed) + "," + kv("duplicates", stats_.duplicates_answered) +
         "," + kv("malformed", stats_.malformed) + "}";
}

}  // namespace synod::rpc
