#include "synod/node/node.hpp"

#include <algorithm>

#include "synod/core/assert.hpp"

namespace synod {
namespace {

// Binds one protocol to the node's environment.
class ProtocolContext final : public Context {
 public:
  ProtocolContext(NodeEnv& env, ProtocolId protocol, Rng rng)
      : env_(env), protocol_(protocol), rng_(rng) {}

  NodeId self() const override { return env_.self(); }
  std::span<const NodeId> peers() const override { return env_.peers(); }
  void send(NodeId to, Bytes payload) override { env_.send(to, protocol_, std::move(payload)); }
  void send_chain(NodeId to, ByteChain message) override {
    env_.send_chain(to, protocol_, std::move(message));
  }
  TimerId set_timer(Duration after, std::uint64_t tag) override {
    SYNOD_ASSERT(after.count() >= 0);
    return env_.set_timer(after, protocol_, tag);
  }
  void cancel_timer(TimerId id) override { env_.cancel_timer(id); }
  Time now() const override { return env_.now(); }
  Rng& rng() override { return rng_; }
  Storage& storage() override { return env_.storage(protocol_); }
  void observe(std::string_view kind, ObsFields fields) override {
    env_.observe(protocol_, kind, fields);
  }
  bool observed() const override { return env_.observed(); }
  void log(std::string_view text) override { env_.log(protocol_, text); }
  void reply(CommandId id, std::string json) override {
    env_.reply(protocol_, id, std::move(json));
  }

 private:
  NodeEnv& env_;
  ProtocolId protocol_;
  Rng rng_;
};

}  // namespace

struct Node::Slot {
  std::unique_ptr<Protocol> protocol;
  ProtocolContext context;
};

Node::Node(NodeEnv& env, std::uint64_t rng_seed, std::vector<std::unique_ptr<Protocol>> protocols)
    : env_(env) {
  const Rng root(rng_seed);
  for (auto& p : protocols) {
    SYNOD_ASSERT(p != nullptr);
    const ProtocolId id = p->id();
    slots_.push_back(
        std::make_unique<Slot>(Slot{std::move(p), ProtocolContext(env_, id, root.fork(id))}));
  }
  std::sort(slots_.begin(), slots_.end(),
            [](const auto& a, const auto& b) { return a->protocol->id() < b->protocol->id(); });
  for (std::size_t i = 1; i < slots_.size(); ++i) {
    SYNOD_ASSERT(slots_[i - 1]->protocol->id() != slots_[i]->protocol->id());
  }
}

Node::~Node() = default;

void Node::start(bool recovering) {
  for (auto& s : slots_) {
    if (recovering) {
      s->protocol->on_recover(s->context);
    } else {
      s->protocol->on_start(s->context);
    }
  }
}

Node::Slot* Node::slot(ProtocolId protocol) {
  for (auto& s : slots_) {
    if (s->protocol->id() == protocol) return s.get();
  }
  return nullptr;
}

void Node::deliver(NodeId from, ProtocolId protocol, ByteView payload,
                   const std::shared_ptr<const void>& owner) {
  Slot* s = slot(protocol);
  if (s == nullptr) {
    ++unknown_protocol_drops_;
    return;
  }
  if (owner == nullptr || payload.empty())
    return s->protocol->on_message(s->context, from, payload);
  s->protocol->on_shared_message(s->context, from, SharedBytes(owner, payload));
}

void Node::fire_timer(ProtocolId protocol, std::uint64_t tag) {
  Slot* s = slot(protocol);
  SYNOD_ASSERT(s != nullptr);  // timers are only set through a protocol's own context
  s->protocol->on_timer(s->context, tag);
}

bool Node::command(ProtocolId protocol, CommandId id, std::string_view verb,
                   std::string_view args) {
  Slot* s = slot(protocol);
  if (s == nullptr) return false;
  s->protocol->on_command(s->context, id, verb, args);
  return true;
}

Protocol* Node::find(ProtocolId protocol) {
  Slot* s = slot(protocol);
  return s == nullptr ? nullptr : s->protocol.get();
}

const Protocol* Node::find(ProtocolId protocol) const {
  return const_cast<Node*>(this)->find(protocol);
}

const Protocol& Node::protocol_at(std::size_t i) const {
  SYNOD_ASSERT(i < slots_.size());
  return *slots_[i]->protocol;
}

std::string Node::status_json() const {
  std::string out = "{\"node\":" + std::to_string(env_.self()) + ",\"protocols\":{";
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    out += slots_[i]->protocol->name();
    out += "\":";
    out += slots_[i]->protocol->status_json();
  }
  out += "}}";
  return out;
}

}  // namespace synod
