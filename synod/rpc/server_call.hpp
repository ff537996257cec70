// What a servant knows about the call it is executing: who called, the deadline, metadata, and
// whether the call was cancelled. Servants poll cancelled() (cooperative cancellation: a cancel
// message, an expired deadline or the endpoint shutting down all set it). Nested calls made with
// nested() inherit the remaining deadline and are cancelled together with this call.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "synod/core/time.hpp"
#include "synod/rpc/call_options.hpp"
#include "synod/rpc/messages.hpp"
#include "synod/rpc/pending_call.hpp"

namespace synod::rpc {

class Endpoint;

class ServerCall : public std::enable_shared_from_this<ServerCall> {
 public:
  ServerCall(Endpoint& ep, NodeId caller, const RpcRequest& req, Time deadline)
      : ep_(ep),
        caller_(caller),
        session_(req.session),
        seq_(req.seq),
        object_(req.object),
        method_(req.method),
        deadline_(deadline),
        metadata_(req.metadata) {}

  NodeId caller() const { return caller_; }
  std::uint64_t session() const { return session_; }
  std::uint64_t seq() const { return seq_; }
  const ObjectId& object() const { return object_; }
  std::uint32_t method() const { return method_; }
  const Metadata& metadata() const { return metadata_; }
  Time deadline() const { return deadline_; }
  Duration remaining() const;
  bool cancelled() const;
  Endpoint& endpoint() { return ep_; }

  // Options for a call made on behalf of this one (deadline propagation + cancellation).
  CallOptions nested();

 private:
  friend class Endpoint;
  Endpoint& ep_;
  NodeId caller_;
  std::uint64_t session_;
  std::uint64_t seq_;
  ObjectId object_;
  std::uint32_t method_;
  Time deadline_;
  Metadata metadata_;
  bool cancel_requested_ = false;
  std::vector<CallId> children_;  // nested calls to cancel with this one
};

// A remote exception: a status whose message names an application error type. It travels as the
// reply's `exception` field and comes back as the same Status ("[InsufficientFunds] need 5").
Status remote_exception(Code code, std::string_view type, std::string_view message);
// The exception type of a status made by remote_exception, or "" for a plain status.
std::string_view exception_type(const Status& status);

}  // namespace synod::rpc
