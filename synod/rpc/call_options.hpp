// Per-call options on the client side.
#pragma once

#include <memory>
#include <optional>

#include "synod/core/time.hpp"
#include "synod/rpc/messages.hpp"

namespace synod::rpc {

class ServerCall;

struct CallOptions {
  // Time budget of the whole call, retries included. nullopt = RpcLimits::default_deadline (every
  // call has a finite deadline); zero or negative = already expired (DEADLINE_EXCEEDED at once).
  std::optional<Duration> deadline;
  // Sent with the request; interceptors may add to it.
  Metadata metadata;
  // Set by ServerCall::nested(): a call made on behalf of a running server call is cancelled with
  // it and inherits its remaining deadline.
  std::weak_ptr<ServerCall> parent;
};

}  // namespace synod::rpc
