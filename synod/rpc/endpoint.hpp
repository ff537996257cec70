// The RPC endpoint: a Protocol (its own protocol id) that carries requests, replies and cancels
// as wire-codec frames, so the same RPC code runs under the simulator and the Asio runtime.
//
// An endpoint hosts Apps (servants and client logic). Client side: a pending-call table with a
// deadline timer per call, retransmission and retries for idempotent methods only, completion by
// callback or coroutine. Server side: object adapter -> skeleton -> servant, at-most-once through
// a dedup table and a durable server epoch, cancellation reaching the servant. RMI: exported
// objects get unguessable ids and are collected by lease-based DGC (dgc.hpp).
//
// Rules (each branch that carries one out cites its tag; `mutant=P<n>` breaks it in simulated
// runs only, and the checker named after the rule in rpc_checker.hpp must catch it):
//  P1 at-most-once within a server life: a request id is executed once; a duplicate of a finished
//     request is answered with the reply kept in the dedup table, a duplicate of a running one is
//     coalesced with it (server.cpp, on_request).
//  P2 at-most-once across server lives: a server executes only requests addressed to its current
//     epoch; any other is refused unexecuted (wrong_epoch), so a request that may have run in an
//     earlier life never runs again (server.cpp, on_request).
//  P3 only idempotent methods are retried: retransmissions (same request id, up to max_attempts)
//     and the retry under a new request id after a server restart are for idempotent methods; a
//     non-idempotent call refused by a restarted server fails UNAVAILABLE (client.cpp).
//  P4 deadline: every call completes by its deadline, with DEADLINE_EXCEEDED if nothing else
//     completed it first (client.cpp, on_deadline).
//  P5 cancellation reaches the server: a cancel for a running call from its caller sets the
//     call's cancelled() and cancels its nested calls (server.cpp, on_cancel).
//  P6 server epoch: every server life has a new epoch, durable (synced) before the server
//     executes anything (endpoint.cpp, load_epoch).
//  P7 DGC leases: an exported object is collected only when no lease on it is unexpired and its
//     export grace (one lease from export) is over (dgc.cpp, collect_garbage).
//
// Everything runs inside the driver's inputs (on_start/on_message/on_timer): app code may call the
// endpoint only from there (or from coroutines the endpoint resumes, which is the same thing).
// Observations (checked by rpc_checker.hpp): "rpc_epoch", "rpc_send", "rpc_exec", "rpc_result",
// "rpc_done", "rmi_export", "rmi_collect".
#pragma once

#include <coroutine>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "synod/node/context_scope.hpp"
#include "synod/node/mutant.hpp"
#include "synod/node/protocol.hpp"
#include "synod/node/protocol_ids.hpp"
#include "synod/node/timer_tag.hpp"
#include "synod/rpc/call_options.hpp"
#include "synod/rpc/dedup_table.hpp"
#include "synod/rpc/interceptor.hpp"
#include "synod/rpc/interface.hpp"
#include "synod/rpc/lease_table.hpp"
#include "synod/rpc/limits.hpp"
#include "synod/rpc/messages.hpp"
#include "synod/rpc/object_adapter.hpp"
#include "synod/rpc/pending_call.hpp"
#include "synod/rpc/server_call.hpp"
#include "synod/rpc/skeleton.hpp"

namespace synod::rpc {

class Endpoint;
template <Interface I>
class Proxy;

// Application code hosted by an endpoint. A fresh App is built with every endpoint (after a
// crash too); on_start runs once the endpoint is ready, inside the start input.
class App {
 public:
  virtual ~App() = default;
  virtual void on_start(Endpoint& ep) = 0;
  virtual std::string status_json() const { return "{}"; }
};

struct RpcStats {
  std::uint64_t calls_started = 0;
  std::uint64_t calls_ok = 0;
  std::uint64_t calls_failed = 0;
  std::uint64_t transmissions = 0;
  std::uint64_t retries = 0;
  std::uint64_t executed = 0;
  std::uint64_t duplicates_answered = 0;
  std::uint64_t duplicates_coalesced = 0;
  std::uint64_t refused_wrong_epoch = 0;
  std::uint64_t malformed = 0;
  std::uint64_t stray_replies = 0;
  std::uint64_t cancels_received = 0;
  std::uint64_t collected = 0;
};

// A raw call (what proxies are built on): the payload is the encoded request message, as pieces
// (wire::encode_chain) so a large SharedBytes field is sent, and kept for retransmission, without
// a copy. The response payload arrives as SharedBytes aliasing the received frame when large.
struct RawCall {
  NodeId to = kNoNode;
  ObjectId object;
  std::uint32_t method = 0;
  bool idempotent = false;
  ByteChain payload;
  CallOptions options;
};
using RawDone = std::function<void(Result<SharedBytes>)>;

class Endpoint final : public Protocol {
 public:
  static constexpr ProtocolId kId = kRpcProtocol;

  // `mutant` breaks one rule (P1..P7 above) in simulated runs; a real node never sets it.
  explicit Endpoint(RpcLimits limits = {}, std::vector<std::unique_ptr<App>> apps = {},
                    Mutant mutant = {});
  // The `mutant` option of a spec that builds an endpoint (P1..P7, or absent).
  static Result<Mutant> parse_mutant_option(const ProtocolOptions& opts);
  ~Endpoint() override;
  Endpoint(const Endpoint&) = delete;
  Endpoint& operator=(const Endpoint&) = delete;

  // Protocol
  ProtocolId id() const override { return kId; }
  std::string_view name() const override { return "rpc"; }
  void on_start(Context& ctx) override;
  void on_message(Context& ctx, NodeId from, ByteView payload) override;
  void on_shared_message(Context& ctx, NodeId from, const SharedBytes& payload) override;
  void on_timer(Context& ctx, std::uint64_t tag) override;
  std::string status_json() const override;

  // ---- Environment for apps (only while handling an input) ----
  bool active() const { return input_.active(); }
  Context& context();
  NodeId self() const { return self_; }
  Time now() const { return now_; }
  Rng& rng() { return context().rng(); }
  // Runs fn after d on this node's clock (dropped if the endpoint dies first).
  void after(Duration d, std::function<void()> fn);
  // co_await ep.sleep(d) -> true after d, false if the endpoint shut down meanwhile.
  auto sleep(Duration d);
  // Runs fn at the start of the endpoint's next input (a message or timer; the endpoint's own
  // maintenance timer guarantees one within 500 ms). The only entry point usable from outside an
  // input, on the driver's thread: it is what a sync facade is built on (sim_sync.hpp).
  void post(std::function<void()> fn) { posted_.push_back(std::move(fn)); }

  // ---- Server: the object adapter ----
  // A permanent servant at a well-known id (>= kFirstAppWellKnown): never collected.
  template <Interface I>
  Status serve(std::uint64_t well_known, std::shared_ptr<I> servant);
  // A servant handed out by remote reference: random 128-bit id, collected by DGC.
  template <Interface I>
  Result<Ref<I>> export_object(std::shared_ptr<I> servant);
  bool unexport(const ObjectId& id);
  std::size_t collectable_objects() const { return adapter_.collectable_count(); }
  void add_server_interceptor(std::shared_ptr<ServerInterceptor> i) {
    server_chain_.push_back(std::move(i));
  }

  // ---- Client ----
  template <Interface I>
  Proxy<I> proxy(NodeId node, std::uint64_t well_known);
  // A received reference becomes a proxy; starts (and keeps renewing) a lease until the last
  // proxy copy is gone. INVALID_ARGUMENT if the reference is for another interface.
  template <Interface I>
  Result<Proxy<I>> attach(const Ref<I>& ref);
  // Starts a call; `done` runs exactly once (possibly before call_raw returns, on immediate
  // errors).
  CallId call_raw(RawCall call, RawDone done);
  // Completes the call with CANCELLED now and tells the server (best effort).
  void cancel(CallId id);
  void add_client_interceptor(std::shared_ptr<ClientInterceptor> i) {
    client_chain_.push_back(std::move(i));
  }

  // ---- Introspection ----
  const RpcStats& stats() const { return stats_; }
  std::uint64_t session() const { return session_; }
  std::uint64_t epoch() const { return epoch_; }
  std::size_t pending_calls() const { return calls_.size(); }
  std::size_t running_calls() const { return running_.size(); }
  std::size_t held_leases() const { return leases_ ? leases_->size() : 0; }
  const DedupTable& dedup() const { return dedup_; }
  const RpcLimits& limits() const { return limits_; }
  App* app(std::size_t i) { return i < apps_.size() ? apps_[i].get() : nullptr; }

 private:
  friend class ServerCall;
  class DgcServant;
  struct ClientCall;
  // Timer kinds (TimerTag, layer 0): the value is a call or callback id, or 0.
  enum class Timer : std::uint8_t {
    kDeadline = 1,
    kAttempt,
    kCallback,
    kSleep,
    kMaintenance,
    kRenew,
    kStartRetry,
    kRetry,
  };
  struct Sleeper {
    std::coroutine_handle<> handle;
    bool* ok;
  };

  // endpoint.cpp
  void enter(Context& ctx);
  bool load_epoch();
  void start_serving();
  std::uint64_t timer(Duration d, Timer kind, std::uint64_t value);
  void fire_callback(std::uint64_t id);
  void maintenance();
  void shutdown();
  void send_frame(NodeId to, const RpcFrame& frame);
  // Calls to objects on this node go through a loopback queue drained at the end of the input,
  // so a local call is asynchronous and goes through the same dedup/epoch path as a remote one.
  void send_bytes(NodeId to, Bytes bytes) { send_chain(to, ByteChain(std::move(bytes))); }
  void send_chain(NodeId to, ByteChain message);
  wire::Limits frame_limits() const;
  void on_frame(Context& ctx, NodeId from, Result<RpcFrame> frame);  // a message as an input
  void handle_frame(NodeId from, Result<RpcFrame> frame);
  void drain_loopback();
  // client.cpp
  void transmit(ClientCall& c);
  void arm_attempt_timer(ClientCall& c);
  void on_reply(NodeId from, RpcReply& reply);
  void on_wrong_epoch(ClientCall& c, const RpcReply& reply);
  void on_deadline(CallId id);
  void send_cancel(const ClientCall& c);
  void on_attempt_timeout(CallId id);
  bool retry(ClientCall& c, Duration delay);
  void finish(CallId id, Result<SharedBytes> result, std::uint64_t replied_seq = 0);
  std::uint64_t assign_seq(ClientCall& c);
  // server.cpp
  void on_request(NodeId from, RpcRequest& req);
  Status validate(const RpcRequest& req) const;
  void reply_status(NodeId to, const RpcRequest& req, const Status& st, bool wrong_epoch = false);
  void execute(NodeId from, RpcRequest& req, Invocation inv, const RequestKey& key);
  void complete(NodeId caller, const RequestKey& key, const Status& st, ByteChain payload);
  void on_cancel(NodeId from, const RpcCancel& c);
  void cancel_server_call(ServerCall& call);
  // dgc.cpp
  void serve_dgc();
  Status add_export(ObjectId id, std::shared_ptr<void> servant, const SkeletonBase& sk,
                    bool permanent);
  std::shared_ptr<LeaseHold> hold(const LeaseKey& k);
  void renew_leases();
  void send_dgc(NodeId node, std::vector<ObjectId> ids, bool dirty);
  void on_lease_released(const LeaseKey& k);
  void collect_garbage();

  RpcLimits limits_;
  std::vector<std::unique_ptr<App>> apps_;
  Mutant mutant_;
  InputContext input_;  // the Context of the input being handled (context_scope.hpp)
  NodeId self_ = kNoNode;
  Time now_;
  bool closing_ = false;
  bool serving_ = false;
  std::uint64_t epoch_ = 0;    // this server life (durable counter)
  std::uint64_t session_ = 0;  // this client life (random nonce)
  std::uint64_t next_seq_ = 1;
  CallId next_call_ = 1;
  std::uint64_t next_callback_ = 1;
  RpcStats stats_;

  // client
  std::map<CallId, std::unique_ptr<ClientCall>> calls_;
  std::map<std::uint64_t, CallId> by_seq_;
  std::map<NodeId, std::uint64_t> known_epoch_;
  std::vector<std::shared_ptr<ClientInterceptor>> client_chain_;
  std::shared_ptr<LeaseTable> leases_;
  std::vector<LeaseKey> to_clean_;
  // server
  ObjectAdapter adapter_;
  DedupTable dedup_;
  std::map<RequestKey, std::shared_ptr<ServerCall>> running_;
  std::vector<std::shared_ptr<ServerInterceptor>> server_chain_;
  // app timers
  std::map<std::uint64_t, std::function<void()>> callbacks_;
  std::map<std::uint64_t, Sleeper> sleepers_;
  std::vector<std::function<void()>> posted_;
  std::vector<ByteChain> loopback_;
};

// ---- templates ----

inline auto Endpoint::sleep(Duration d) {
  struct Awaiter {
    Endpoint& ep;
    Duration d;
    bool ok = true;
    bool await_ready() const noexcept { return ep.closing_; }
    void await_suspend(std::coroutine_handle<> h) {
      const std::uint64_t id = ep.next_callback_++;
      ep.sleepers_[id] = Sleeper{h, &ok};
      ep.timer(d, Timer::kSleep, id);
    }
    bool await_resume() const noexcept { return ok && !ep.closing_; }
  };
  return Awaiter{*this, d};
}

template <Interface I>
Status Endpoint::serve(std::uint64_t well_known, std::shared_ptr<I> servant) {
  static_assert(check_interface<I>());
  if (well_known < kFirstAppWellKnown) {
    return invalid_argument("well-known ids below " + std::to_string(kFirstAppWellKnown) +
                            " are reserved");
  }
  return add_export(ObjectId::well_known(well_known), std::move(servant), Skeleton<I>::instance(),
                    true);
}

template <Interface I>
Result<Ref<I>> Endpoint::export_object(std::shared_ptr<I> servant) {
  static_assert(check_interface<I>());
  ObjectId id;
  do {
    id = {rng().next(), rng().next()};
  } while (id.is_well_known());  // hi == 0 is reserved for well-known objects
  SYNOD_RETURN_IF_ERROR(add_export(id, std::move(servant), Skeleton<I>::instance(), false));
  return Ref<I>{self_, id, kInterfaceId<I>};
}

}  // namespace synod::rpc
