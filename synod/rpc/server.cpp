// Server side of the endpoint: admission (epoch, dedup, limits), dispatch through the object
// adapter to a skeleton, execution, reply recording and cancellation.
#include <string>

#include "synod/core/hash.hpp"
#include "synod/rpc/client_call.hpp"

namespace synod::rpc {

Status Endpoint::validate(const RpcRequest& req) const {
  if (req.session == 0 || req.seq == 0) return invalid_argument("request without a request id");
  if (req.payload.size() > limits_.max_payload_bytes) {
    return resource_exhausted("request payload of " + std::to_string(req.payload.size()) +
                              " bytes exceeds " + std::to_string(limits_.max_payload_bytes));
  }
  if (req.metadata.size() > limits_.max_metadata_entries)
    return invalid_argument("too many metadata entries");
  for (const auto& [k, v] : req.metadata) {
    if (k.size() > limits_.max_metadata_bytes || v.size() > limits_.max_metadata_bytes) {
      return invalid_argument("metadata entry too long");
    }
  }
  if (req.deadline_ns <= 0)
    return Status(Code::kDeadlineExceeded, "request arrived with no time left");
  return Status::ok();
}

void Endpoint::on_request(NodeId from, RpcRequest& req) {
  if (!serving_) return reply_status(from, req, unavailable("server is not serving (storage)"));
  // P2: addressed to another life of this server (or to none yet): refused, never executed.
  // Mutant P2: a request addressed to an earlier life is executed here.
  const bool earlier_life = req.server_epoch != 0 && req.server_epoch < epoch_;
  if (req.server_epoch != epoch_ && !(mutant_.breaks("P2") && earlier_life)) {
    ++stats_.refused_wrong_epoch;
    return reply_status(from, req, unavailable("wrong server epoch"), /*wrong_epoch=*/true);
  }
  const RequestKey key{req.session, req.seq};
  switch (dedup_.lookup(key)) {
    case DedupTable::State::kDone:
      // P1: a duplicate of a finished request is answered, never executed again.
      if (mutant_.breaks("P1")) {
        dedup_.abandon(key);  // Mutant P1: forget the execution and run the duplicate again
        break;
      }
      if (dedup_.reply(key).empty()) {
        return reply_status(from, req,
                            Status(Code::kAborted,
                                   "the call ran once; its reply was too large to keep for "
                                   "duplicates (max_kept_reply_bytes)"));
      }
      ++stats_.duplicates_answered;
      send_chain(from, dedup_.reply(key));
      return;
    case DedupTable::State::kRunning:
      ++stats_.duplicates_coalesced;  // P1: the one execution's reply will answer it
      return;
    case DedupTable::State::kExpired:
      return reply_status(from, req,
                          Status(Code::kAborted, "request id expired from the dedup table"));
    case DedupTable::State::kNew: break;
  }
  if (Status st = validate(req); !st.is_ok()) return reply_status(from, req, st);
  if (running_.size() >= limits_.max_running_calls) {
    return reply_status(from, req, resource_exhausted("server has too many running calls"));
  }
  Export* e = adapter_.find(req.object);
  if (e == nullptr) return reply_status(from, req, not_found("no object " + req.object.str()));
  wire::Limits lim;
  lim.max_bytes = limits_.max_payload_bytes;
  lim.max_string = limits_.max_payload_bytes;
  auto inv = e->skeleton->prepare(e->servant, req.method, req.payload, lim);
  if (!inv) return reply_status(from, req, inv.status());
  const CallInfo info{from, req.object, req.method, req.session, req.seq};
  for (auto& i : server_chain_) {
    if (Status st = i->on_receive(info, req.metadata); !st.is_ok())
      return reply_status(from, req, st);
  }
  execute(from, req, std::move(*inv), key);
}

void Endpoint::execute(NodeId from, RpcRequest& req, Invocation inv, const RequestKey& key) {
  const Duration budget = std::min(Duration(req.deadline_ns), limits_.max_deadline);
  auto call = std::make_shared<ServerCall>(*this, from, req, now_ + budget);
  dedup_.begin(key, now_);
  running_.emplace(key, call);
  ++stats_.executed;
  context().observe("rpc_exec", {{"client", from},
                                 {"session", obs_u64(req.session)},
                                 {"seq", obs_u64(req.seq)},
                                 {"method", req.method}});
  inv(call, [this, from, key](Status st, ByteChain payload) {
    complete(from, key, st, std::move(payload));
  });
}

void Endpoint::complete(NodeId caller, const RequestKey& key, const Status& status,
                        ByteChain payload) {
  auto it = running_.find(key);
  if (it == running_.end()) return;
  const std::shared_ptr<ServerCall> call = std::move(it->second);
  running_.erase(it);
  if (closing_) {
    dedup_.abandon(key);  // the crash takes the table with it anyway
    return;
  }
  Status st = status;
  if (st.is_ok() && payload.size() > limits_.max_payload_bytes) {
    st = resource_exhausted("response of " + std::to_string(payload.size()) +
                            " bytes exceeds the limit");
    payload = {};
  }
  const std::int64_t hash = st.is_ok() && context().observed() ? obs_u64(hash64(payload)) : 0;
  RpcReply r;
  r.session = key.session;
  r.seq = key.seq;
  r.server_epoch = epoch_;
  r.code = static_cast<std::int32_t>(st.code());
  r.message = st.message();
  r.exception = std::string(exception_type(st));
  // The payload's pieces go out after the frame's head without a copy; the dedup table shares
  // them (kept replies cost memory, not a copy).
  ByteChain message(encode_reply_head(r, payload.size()));
  message.append(std::move(payload));
  if (message.size() <= limits_.max_kept_reply_bytes) {
    dedup_.complete(key, message, now_);
  } else {
    dedup_.complete(key, {}, now_);  // not kept: a duplicate is refused, never re-executed
  }
  context().observe("rpc_result", {{"session", obs_u64(key.session)},
                                   {"seq", obs_u64(key.seq)},
                                   {"code", static_cast<std::int64_t>(st.code())},
                                   {"hash", hash},
                                   {"cancelled", call->cancel_requested_ ? 1 : 0}});
  const CallInfo info{caller, call->object(), call->method(), key.session, key.seq};
  for (auto& i : server_chain_) i->on_complete(info, st);
  send_chain(caller, std::move(message));
}

void Endpoint::reply_status(NodeId to, const RpcRequest& req, const Status& st, bool wrong_epoch) {
  RpcFrame frame;
  RpcReply& r = frame.reply.emplace();
  r.session = req.session;
  r.seq = req.seq;
  r.server_epoch = epoch_;
  r.code = static_cast<std::int32_t>(st.code());
  r.message = st.message();
  r.wrong_epoch = wrong_epoch;
  send_frame(to, frame);
}

void Endpoint::on_cancel(NodeId from, const RpcCancel& c) {
  auto it = running_.find(RequestKey{c.session, c.seq});
  if (it == running_.end() || it->second->caller() != from) return;
  ++stats_.cancels_received;
  context().observe("rpc_cancel_in",
                    {{"client", from}, {"session", obs_u64(c.session)}, {"seq", obs_u64(c.seq)}});
  if (mutant_.breaks("P5")) return;  // Mutant P5: the servant never learns of the cancel
  cancel_server_call(*it->second);   // P5
}

void Endpoint::cancel_server_call(ServerCall& call) {
  call.cancel_requested_ = true;
  const auto children = call.children_;
  for (CallId child : children) cancel(child);  // nested calls stop with their parent
}

// ---- ServerCall ----

Duration ServerCall::remaining() const { return deadline_ - ep_.now(); }

bool ServerCall::cancelled() const {
  return cancel_requested_ || ep_.closing_ || ep_.now() >= deadline_;
}

CallOptions ServerCall::nested() {
  CallOptions o;
  o.deadline = remaining();
  o.parent = weak_from_this();
  return o;
}

Status remote_exception(Code code, std::string_view type, std::string_view message) {
  SYNOD_ASSERT(code != Code::kOk);
  return Status(code, "[" + std::string(type) + "] " + std::string(message));
}

std::string_view exception_type(const Status& status) {
  std::string_view m = status.message();
  if (m.size() < 3 || m.front() != '[') return {};
  const auto end = m.find(']');
  return end == std::string_view::npos ? std::string_view{} : m.substr(1, end - 1);
}

}  // namespace synod::rpc
