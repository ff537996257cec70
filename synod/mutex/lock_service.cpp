#include "synod/mutex/lock_service.hpp"

#include <string>

#include <nlohmann/json.hpp>

#include "synod/mutex/central.hpp"
#include "synod/mutex/ricart_agrawala.hpp"
#include "synod/mutex/suzuki_kasami.hpp"
#include "synod/mutex/token_ring.hpp"

namespace synod::mutex {
namespace {

const std::uint64_t kTickTimer = TimerTag::of(LockTimer::kTick).raw();

// One durable number per key (epochs, generations, Lamport clocks, request numbers).
struct Durable {
  std::uint64_t value = 0;
  static constexpr auto kFields = std::make_tuple(wire::field<1>(&Durable::value));
};

std::int64_t ms(Duration d) { return d.count() / 1'000'000; }

}  // namespace

std::string_view algorithm_name(Algorithm a) {
  switch (a) {
    case Algorithm::kCentral: return "central";
    case Algorithm::kRicartAgrawala: return "ricart-agrawala";
    case Algorithm::kSuzukiKasami: return "suzuki-kasami";
    case Algorithm::kTokenRing: return "token-ring";
  }
  return "?";
}

ProtocolId protocol_id(Algorithm a) {
  switch (a) {
    case Algorithm::kCentral: return kMutexCentralProtocol;
    case Algorithm::kRicartAgrawala: return kMutexRicartAgrawalaProtocol;
    case Algorithm::kSuzukiKasami: return kMutexSuzukiKasamiProtocol;
    case Algorithm::kTokenRing: return kMutexTokenRingProtocol;
  }
  return kMutexCentralProtocol;
}

Result<Mutant> parse_rule_mutant(const ProtocolOptions& opts, Algorithm a) {
  switch (a) {
    case Algorithm::kCentral: return parse_mutant(opts, {"CC1", "CC2", "CC3", "CC4"});
    case Algorithm::kRicartAgrawala: return parse_mutant(opts, {"RA1", "RA2", "RA3", "RA4"});
    case Algorithm::kSuzukiKasami: return parse_mutant(opts, {"SK1", "SK2", "SK3", "SK4", "SK5"});
    case Algorithm::kTokenRing: return parse_mutant(opts, {"TR1", "TR2", "TR3", "TR4", "TR5"});
  }
  return parse_mutant(opts, {});
}

std::unique_ptr<LockAlgorithm> make_algorithm(const LockOptions& o) {
  const auto ticks = [&o](Duration d) {
    return static_cast<std::uint64_t>(std::max<std::int64_t>(1, d.count() / o.tick.count()));
  };
  switch (o.algorithm) {
    case Algorithm::kCentral: return std::make_unique<Central>(ticks(o.retry));
    case Algorithm::kRicartAgrawala: return std::make_unique<RicartAgrawala>(ticks(o.retry));
    case Algorithm::kSuzukiKasami:
      return std::make_unique<SuzukiKasami>(ticks(o.token_timeout), ticks(o.retry));
    case Algorithm::kTokenRing:
      return std::make_unique<TokenRing>(
          ticks(o.token_timeout), ticks(o.retry),
          o.ring_idle_hold.count() == 0 ? 0 : ticks(o.ring_idle_hold));
  }
  return nullptr;
}

bool LockHost::persist(std::string_view key, std::uint64_t value) {
  Storage& s = ctx().storage();
  return s.put(key, wire::encode(Durable{value})).is_ok() && s.sync().is_ok();
}

std::uint64_t LockHost::load(std::string_view key) {
  auto stored = ctx().storage().get(key);
  if (!stored) return 0;
  auto d = wire::decode<Durable>(*stored);
  // A corrupt record reads as 0; every durable number here only ever grows and is re-derived
  // from peers (epochs, generations and clocks are max-merged), so 0 is a safe floor.
  return d ? d->value : 0;
}

LockService::LockService(LockOptions options, std::unique_ptr<LockClient> client)
    : LockService(options, make_algorithm(options), std::move(client)) {}

LockService::LockService(LockOptions options, std::unique_ptr<LockAlgorithm> algorithm,
                         std::unique_ptr<LockClient> client)
    : options_(options),
      algo_(std::move(algorithm)),
      client_(std::move(client)),
      detector_(options.suspect_after) {}

LockService::~LockService() = default;

void LockService::on_start(Context& ctx) {
  const InputContext::Scope scope(input_, ctx);
  self_ = ctx.self();
  state_ = LockState::kIdle;
  token_ = 0;
  ticks_ = 0;
  operator_ = OperatorLock{};
  detector_.reset(ctx.peers(), elapsed());
  algo_->start(*this);
  if (client_) client_->start(ctx, *this);
  ctx.set_timer(options_.tick, kTickTimer);
}

void LockService::on_message(Context& ctx, NodeId from, ByteView payload) {
  const InputContext::Scope scope(input_, ctx);
  wire::Limits limits;
  limits.max_repeated = kMaxMutexNodes;
  auto m = wire::decode<MutexMsg>(payload, limits);
  if (!m || m->type == 0 || m->type >= static_cast<std::uint32_t>(MsgType::kCount)) {
    ++decode_errors_;
    return;
  }
  detector_.record_heartbeat(from, elapsed());
  if (m->kind() == MsgType::kHeartbeat) {
    for (NodeId x : m->suspects) {
      if (x != ctx.self() && detector_.adopt(x, elapsed(), 2 * heartbeat_interval())) suspect(x);
    }
    algo_->on_heartbeat(*this, from, *m);
  } else {
    algo_->on_message(*this, from, *m);
  }
}

void LockService::on_timer(Context& ctx, std::uint64_t tag) {
  const InputContext::Scope scope(input_, ctx);
  const TimerTag t = TimerTag::from(tag);
  switch (t.kind<LockTimer>()) {
    case LockTimer::kLease: operator_lease_expired(); return;
    case LockTimer::kClient:
      if (client_) client_->on_timer(ctx, *this, t.value());
      return;
    case LockTimer::kTick: break;
  }
  tick();
  ctx.set_timer(options_.tick, kTickTimer);
}

void LockService::tick() {
  ++ticks_;
  if (options_.heartbeat_ticks == 0) {
    algo_->on_tick(*this);
    return;
  }
  for (const Transition& t : detector_.poll(elapsed())) {
    if (t.suspect) {
      suspect(t.peer);
    } else {
      input_.get().observe("trust", {{"peer", t.peer}, {"after_ms", ms(options_.suspect_after)}});
      algo_->on_trust(*this, t.peer);
    }
  }
  if (ticks_ % options_.heartbeat_ticks == 0) heartbeat();
  algo_->on_tick(*this);
}

void LockService::suspect(NodeId peer) {
  input_.get().observe("suspect", {{"peer", peer}, {"after_ms", ms(options_.suspect_after)}});
  algo_->on_suspect(*this, peer);
}

void LockService::heartbeat() {
  MutexMsg hb = make_msg(MsgType::kHeartbeat);
  const auto suspects = detector_.suspects();
  hb.suspects.assign(suspects.begin(), suspects.end());
  algo_->fill_heartbeat(hb);
  for (NodeId p : input_.get().peers()) {
    // A full window means the peer has not acknowledged for a while: the detector already knows,
    // and algorithm messages must not be crowded out by heartbeats.
    if (input_.get().writable(p)) send(p, hb);
  }
}

void LockService::on_peer_event(Context& ctx, NodeId peer, PeerEvent event) {
  const InputContext::Scope scope(input_, ctx);
  if (event != PeerEvent::kRestarted) return;
  // The channel proved the peer's previous life is over: whatever it held died with it.
  detector_.record_heartbeat(peer, elapsed());
  ctx.observe("peer_restarted", {{"peer", peer}});
  algo_->on_restarted(*this, peer);
}

void LockService::send(NodeId to, const MutexMsg& m) {
  ++sent_[m.type];
  input_.get().observe("msg", {{"type", m.type}});
  input_.get().send(to, wire::encode(m));
}

void LockService::acquire(Context& ctx) {
  const InputContext::Scope scope(input_, ctx);
  if (state_ != LockState::kIdle) return;
  state_ = LockState::kWaiting;
  in_request_ = true;
  algo_->request(*this);
  in_request_ = false;
  ctx.observe("request", {{"algo", static_cast<std::int64_t>(options_.algorithm)},
                          {"key", static_cast<std::int64_t>(algo_->request_key())}});
  if (grant_pending_) {
    grant_pending_ = false;
    granted(pending_token_);
  }
}

void LockService::granted(std::uint64_t token) {
  if (in_request_) {
    grant_pending_ = true;
    pending_token_ = token;
    return;
  }
  SYNOD_ASSERT(state_ == LockState::kWaiting);
  state_ = LockState::kHolding;
  token_ = token;
  input_.get().observe("enter", {{"token", static_cast<std::int64_t>(token)},
                                 {"algo", static_cast<std::int64_t>(options_.algorithm)}});
  if (client_) client_->on_granted(input_.get(), *this, token);
  if (operator_.owns) operator_granted();
}

void LockService::release(Context& ctx) {
  const InputContext::Scope scope(input_, ctx);
  if (state_ != LockState::kHolding) return;
  state_ = LockState::kIdle;
  ctx.observe("exit", {{"token", static_cast<std::int64_t>(token_)}});
  algo_->release(*this);
}

NodeId LockService::holder() const {
  if (state_ == LockState::kHolding) return self_;
  return algo_->holder_hint();
}

nlohmann::json LockClient::status() const { return nlohmann::json::object(); }

std::string LockService::status_json() const {
  static constexpr const char* kStates[] = {"idle", "waiting", "holding"};
  nlohmann::json sent = nlohmann::json::object();  // by message type, the types ever sent
  for (std::uint32_t t = 1; t < sent_.size(); ++t) {
    if (sent_[t] != 0) sent[std::string(msg_type_name(static_cast<MsgType>(t)))] = sent_[t];
  }
  nlohmann::json out = {{"algo", algorithm_name(options_.algorithm)},
                        {"state", kStates[static_cast<int>(state_)]},
                        {"token", token_},
                        {"holder", holder()},
                        {"sent", std::move(sent)},
                        {"algorithm", algo_->status()},
                        {"operator", operator_status()}};
  if (client_) out["client"] = client_->status();
  return out.dump();
}

std::string_view msg_type_name(MsgType t) {
  switch (t) {
    case MsgType::kHeartbeat: return "heartbeat";
    case MsgType::kRequest: return "request";
    case MsgType::kGrant: return "grant";
    case MsgType::kRelease: return "release";
    case MsgType::kStateQuery: return "state_query";
    case MsgType::kState: return "state";
    case MsgType::kRaRequest: return "ra_request";
    case MsgType::kRaReply: return "ra_reply";
    case MsgType::kSkRequest: return "sk_request";
    case MsgType::kSkToken: return "sk_token";
    case MsgType::kRingToken: return "ring_token";
    case MsgType::kProbe: return "probe";
    case MsgType::kProbeAnswer: return "probe_answer";
    case MsgType::kCount: break;
  }
  return "?";
}

}  // namespace synod::mutex
