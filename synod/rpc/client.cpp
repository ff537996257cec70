// Client side of the endpoint: starting calls, transmission and retransmission, the epoch
// handshake, deadlines, retries (idempotent methods only), cancellation and completion.
#include <algorithm>
#include <string>

#include "synod/core/hash.hpp"
#include "synod/rpc/client_call.hpp"

namespace synod::rpc {
namespace {

Status check_metadata(const Metadata& md, const RpcLimits& limits) {
  if (md.size() > limits.max_metadata_entries) {
    return invalid_argument("metadata has " + std::to_string(md.size()) + " entries (max " +
                            std::to_string(limits.max_metadata_entries) + ")");
  }
  for (const auto& [k, v] : md) {
    if (k.size() > limits.max_metadata_bytes || v.size() > limits.max_metadata_bytes) {
      return invalid_argument("metadata entry '" + k.substr(0, 32) + "' is too long");
    }
  }
  return Status::ok();
}

Code code_from_wire(std::int32_t c) {
  return (c >= 0 && c <= static_cast<std::int32_t>(Code::kDataLoss)) ? static_cast<Code>(c)
                                                                     : Code::kUnknown;
}

}  // namespace

CallId Endpoint::call_raw(RawCall call, RawDone done) {
  const CallId id = next_call_++;
  ++stats_.calls_started;
  auto fail = [&](Status st) {
    ++stats_.calls_failed;
    done(std::move(st));
    return id;
  };
  if (closing_) return fail(Status(Code::kCancelled, "endpoint shut down"));
  SYNOD_ASSERT(input_.active());  // calls start only inside an input (see endpoint.hpp)
  const Duration budget =
      std::min(call.options.deadline.value_or(limits_.default_deadline), limits_.max_deadline);
  if (budget <= Duration::zero())
    return fail(Status(Code::kDeadlineExceeded, "deadline already expired"));
  if (call.to == kNoNode)
    return fail(invalid_argument("bad target node " + std::to_string(call.to)));
  if (call.payload.size() > limits_.max_payload_bytes) {
    return fail(resource_exhausted("request of " + std::to_string(call.payload.size()) +
                                   " bytes exceeds " + std::to_string(limits_.max_payload_bytes)));
  }
  if (calls_.size() >= limits_.max_pending_calls)
    return fail(resource_exhausted("too many pending calls"));
  auto parent = call.options.parent.lock();
  if (parent && parent->cancelled()) return fail(Status(Code::kCancelled, "parent call cancelled"));

  auto c = std::make_unique<ClientCall>();
  c->id = id;
  c->info = CallInfo{call.to, call.object, call.method, session_, 0};
  for (auto& i : client_chain_) {
    if (Status st = i->on_start(c->info, call.options.metadata); !st.is_ok())
      return fail(std::move(st));
  }
  if (Status st = check_metadata(call.options.metadata, limits_); !st.is_ok()) {
    for (auto& i : client_chain_) i->on_complete(c->info, st);
    return fail(std::move(st));
  }
  if (parent) parent->children_.push_back(id);
  c->call = std::move(call);
  c->done = std::move(done);
  c->deadline = now_ + budget;
  c->deadline_timer = timer(budget, Timer::kDeadline, id);
  ClientCall& ref = *c;
  calls_.emplace(id, std::move(c));
  assign_seq(ref);
  transmit(ref);
  arm_attempt_timer(ref);
  return id;
}

std::uint64_t Endpoint::assign_seq(ClientCall& c) {
  c.seq = next_seq_++;
  c.seqs.push_back(c.seq);
  c.info.seq = c.seq;
  by_seq_[c.seq] = c.id;
  auto e = known_epoch_.find(c.call.to);
  c.epoch_tag = e == known_epoch_.end() ? 0 : e->second;
  context().observe("rpc_send", {{"session", obs_u64(session_)},
                                 {"seq", obs_u64(c.seq)},
                                 {"to", c.call.to},
                                 {"method", c.call.method},
                                 {"call", obs_u64(c.id)},
                                 {"idempotent", c.call.idempotent ? 1 : 0},
                                 {"budget_ns", (c.deadline - now_).count()}});
  return c.seq;
}

void Endpoint::transmit(ClientCall& c) {
  // The payload's pieces follow the head uncopied; the call keeps sharing them for retransmission.
  RpcRequest r;
  r.session = session_;
  r.seq = c.seq;
  r.server_epoch = c.epoch_tag;
  r.object = c.call.object;
  r.method = c.call.method;
  r.deadline_ns = (c.deadline - now_).count();
  r.flags = c.call.idempotent ? kFlagIdempotent : 0;
  r.attempt = c.attempts;
  r.metadata = c.call.options.metadata;
  ByteChain message(encode_request_head(r, c.call.payload.size()));
  message.append(c.call.payload);
  ++c.attempts;
  ++stats_.transmissions;
  send_chain(c.call.to, std::move(message));
}

void Endpoint::arm_attempt_timer(ClientCall& c) {
  // P3: only idempotent methods are retransmitted; others wait for the reply or the deadline.
  if (!c.call.idempotent || c.attempts >= limits_.max_attempts) return;
  const int shift = static_cast<int>(std::min<std::uint32_t>(c.attempts - 1, 16));
  Duration t =
      std::min(limits_.attempt_timeout * (std::int64_t{1} << shift), limits_.attempt_timeout_max);
  t += Duration(rng().between(0, t.count() / 10));  // jitter: callers do not retry in lock step
  if (c.attempt_timer != 0) context().cancel_timer(c.attempt_timer);
  c.attempt_timer = timer(t, Timer::kAttempt, c.id);
}

void Endpoint::on_attempt_timeout(CallId id) {
  auto it = calls_.find(id);
  if (it == calls_.end()) return;
  ClientCall& c = *it->second;
  c.attempt_timer = 0;
  ++stats_.retries;
  auto e = known_epoch_.find(c.call.to);
  const std::uint64_t known = e == known_epoch_.end() ? 0 : e->second;
  // Same epoch: resend the same request id (the server's dedup table answers if it already ran).
  // The server restarted meanwhile: a new request id, since the old one may have run there.
  if (known != c.epoch_tag && c.epoch_tag != 0)
    assign_seq(c);
  else
    c.epoch_tag = known;
  transmit(c);
  arm_attempt_timer(c);
}

void Endpoint::on_reply(NodeId from, RpcReply& reply) {
  auto s = by_seq_.find(reply.seq);
  if (reply.session != session_ || s == by_seq_.end()) {
    ++stats_.stray_replies;  // a late duplicate, or a reply to an earlier life
    return;
  }
  ClientCall& c = *calls_.at(s->second);
  if (from != c.call.to) {
    ++stats_.stray_replies;
    return;
  }
  if (reply.server_epoch != 0) known_epoch_[from] = reply.server_epoch;
  if (reply.wrong_epoch) return on_wrong_epoch(c, reply);
  const Code code = code_from_wire(reply.code);
  if (code == Code::kOk) {
    finish(c.id, std::move(reply.payload), reply.seq);
  } else {
    finish(c.id, Status(code, std::move(reply.message)), reply.seq);
  }
}

void Endpoint::on_wrong_epoch(ClientCall& c, const RpcReply& reply) {
  if (reply.seq != c.seq || reply.server_epoch == c.epoch_tag) return;  // stale refusal
  if (c.epoch_tag == 0) {
    // Handshake: a request tagged "unknown epoch" is never executed, so resending the same id
    // tagged with the server's epoch cannot run it twice.
    if (++c.handshakes > limits_.max_handshakes) {
      return finish(c.id, unavailable("server " + std::to_string(c.call.to) + " keeps restarting"));
    }
    c.epoch_tag = reply.server_epoch;
    return transmit(c);
  }
  // P3: the server restarted after this request was addressed to it: it may have executed in the
  // earlier life. Only an idempotent method may run again (under a new request id).
  // Mutant P3: a non-idempotent call is retried too.
  const bool may_retry = c.call.idempotent || mutant_.breaks("P3");
  if (!may_retry || c.attempts >= limits_.max_attempts) {
    return finish(c.id, unavailable("server " + std::to_string(c.call.to) +
                                    " restarted during the call; it may or may not have executed"));
  }
  if (c.attempt_timer != 0) context().cancel_timer(c.attempt_timer);
  c.attempt_timer = 0;
  ++stats_.retries;
  const Duration backoff =
      limits_.retry_backoff * (std::int64_t{1} << std::min<std::uint32_t>(c.attempts, 10));
  timer(backoff + Duration(rng().between(0, backoff.count())), Timer::kRetry, c.id);
}

void Endpoint::on_deadline(CallId id) {
  auto it = calls_.find(id);
  if (it == calls_.end()) return;
  it->second->deadline_timer = 0;
  send_cancel(*it->second);  // tell the server so the servant can stop early (best effort)
  // P4: the deadline completes the call. Mutant P4: it waits on for a reply instead.
  if (mutant_.breaks("P4")) return;
  finish(id, Status(Code::kDeadlineExceeded, "deadline exceeded"));
}

void Endpoint::cancel(CallId id) {
  auto it = calls_.find(id);
  if (it == calls_.end()) return;
  if (input_.active()) send_cancel(*it->second);
  finish(id, Status(Code::kCancelled, "cancelled by the caller"));
}

void Endpoint::send_cancel(const ClientCall& c) {
  context().observe("rpc_cancel", {{"session", obs_u64(session_)}, {"seq", obs_u64(c.seq)}});
  RpcFrame f;
  f.cancel = RpcCancel{session_, c.seq};
  send_frame(c.call.to, f);
}

void Endpoint::finish(CallId id, Result<SharedBytes> result, std::uint64_t replied_seq) {
  auto it = calls_.find(id);
  SYNOD_ASSERT(it != calls_.end());
  std::unique_ptr<ClientCall> c = std::move(it->second);
  calls_.erase(it);
  for (std::uint64_t seq : c->seqs) by_seq_.erase(seq);
  if (input_.active()) {
    if (c->deadline_timer != 0) input_.get().cancel_timer(c->deadline_timer);
    if (c->attempt_timer != 0) input_.get().cancel_timer(c->attempt_timer);
    const std::int64_t hash = result && input_.get().observed() ? obs_u64(hash64(*result)) : 0;
    input_.get().observe("rpc_done", {{"session", obs_u64(session_)},
                                      {"seq", obs_u64(replied_seq != 0 ? replied_seq : c->seq)},
                                      {"code", static_cast<std::int64_t>(result.status().code())},
                                      {"hash", hash},
                                      {"call", obs_u64(c->id)}});
  }
  ++(result ? stats_.calls_ok : stats_.calls_failed);
  for (auto& i : client_chain_) i->on_complete(c->info, result.status());
  c->done(std::move(result));  // last: it may start new calls or resume a coroutine
}

}  // namespace synod::rpc
