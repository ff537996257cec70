// What a driver (simulator or runtime) provides to a Node. The Node turns it into one Context per
// protocol, adding the protocol id to every send, timer, storage access and observation.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "synod/core/shared_bytes.hpp"
#include "synod/core/time.hpp"
#include "synod/core/types.hpp"
#include "synod/node/observation.hpp"
#include "synod/node/storage.hpp"

namespace synod {

class NodeEnv {
 public:
  virtual ~NodeEnv() = default;
  virtual NodeId self() const = 0;
  virtual std::span<const NodeId> peers() const = 0;
  virtual void send(NodeId to, ProtocolId protocol, Bytes payload) = 0;
  // See Context::send_chain.
  virtual void send_chain(NodeId to, ProtocolId protocol, ByteChain message) {
    send(to, protocol, message.flatten());
  }
  virtual TimerId set_timer(Duration after, ProtocolId protocol, std::uint64_t tag) = 0;
  virtual void cancel_timer(TimerId id) = 0;
  virtual Time now() const = 0;
  virtual Storage& storage(ProtocolId protocol) = 0;
  virtual void observe(ProtocolId protocol, std::string_view kind, ObsFields fields) = 0;
  virtual bool observed() const { return true; }  // see Context::observed
  virtual void log(ProtocolId protocol, std::string_view text) = 0;
  virtual void reply(ProtocolId protocol, CommandId id, std::string json) = 0;
};

}  // namespace synod
