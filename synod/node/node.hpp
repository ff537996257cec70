// A Node hosts several protocols at once and routes inputs to them by protocol id, like a protocol
// stack demultiplexing on a port number. Drivers own the Node and feed it; protocols never see it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "synod/node/env.hpp"
#include "synod/node/protocol.hpp"

namespace synod {

class Node {
 public:
  // `rng_seed` seeds every protocol's private random stream (forked by protocol id).
  Node(NodeEnv& env, std::uint64_t rng_seed, std::vector<std::unique_ptr<Protocol>> protocols);
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // Calls on_start (fresh) or on_recover (after a crash) on every protocol in id order.
  void start(bool recovering);
  // Routes a payload; a payload for an unknown protocol is counted and dropped.
  // `owner`, when set, keeps `payload` alive: the protocol gets it as SharedBytes
  // (Protocol::on_shared_message) and may keep parts of it without copying.
  void deliver(NodeId from, ProtocolId protocol, ByteView payload,
               const std::shared_ptr<const void>& owner = nullptr);
  void fire_timer(ProtocolId protocol, std::uint64_t tag);

  // Routes an operator command; false (and no reply) when no such protocol runs here.
  bool command(ProtocolId protocol, CommandId id, std::string_view verb, std::string_view args);

  Protocol* find(ProtocolId protocol);
  const Protocol* find(ProtocolId protocol) const;
  std::size_t protocol_count() const { return slots_.size(); }
  const Protocol& protocol_at(std::size_t i) const;
  std::uint64_t unknown_protocol_drops() const { return unknown_protocol_drops_; }

  // {"node":1,"protocols":{"heartbeat":{...}}}
  std::string status_json() const;

 private:
  struct Slot;
  Slot* slot(ProtocolId protocol);

  NodeEnv& env_;
  std::vector<std::unique_ptr<Slot>> slots_;  // sorted by protocol id
  std::uint64_t unknown_protocol_drops_ = 0;
};

}  // namespace synod
