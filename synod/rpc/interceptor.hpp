// Interceptors: hooks around every call, on both sides, for logging, metrics and authentication
// metadata. They run in registration order on the endpoint's thread of control (no locking).
#pragma once

#include <cstdint>

#include "synod/core/status.hpp"
#include "synod/rpc/messages.hpp"

namespace synod::rpc {

struct CallInfo {
  NodeId peer = kNoNode;  // server for client interceptors, caller for server interceptors
  ObjectId object;
  std::uint32_t method = 0;
  std::uint64_t session = 0;
  std::uint64_t seq = 0;
};

class ClientInterceptor {
 public:
  virtual ~ClientInterceptor() = default;
  // Before the first transmission; may add metadata (an auth token) or reject the call.
  virtual Status on_start(const CallInfo& info, Metadata& metadata) {
    (void)info;
    (void)metadata;
    return Status::ok();
  }
  // Exactly once per started call, with its final status.
  virtual void on_complete(const CallInfo& info, const Status& status) {
    (void)info;
    (void)status;
  }
};

class ServerInterceptor {
 public:
  virtual ~ServerInterceptor() = default;
  // Before execution; a non-OK status is the reply and the servant never runs (not recorded in
  // the dedup table, so a retransmission is judged again).
  virtual Status on_receive(const CallInfo& info, const Metadata& metadata) {
    (void)info;
    (void)metadata;
    return Status::ok();
  }
  // After the servant finished (not for rejected or duplicate requests).
  virtual void on_complete(const CallInfo& info, const Status& status) {
    (void)info;
    (void)status;
  }
};

}  // namespace synod::rpc
