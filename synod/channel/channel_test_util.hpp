// Test helpers: a hand-driven Context (sends, timers, observations recorded; time advanced by the
// test) and an inner protocol that records what a channel hands it.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "synod/channel/channel_frame.hpp"
#include "synod/node/protocol.hpp"

namespace synod::channel::testing {

class MemStorage final : public Storage {
 public:
  Status put(std::string_view key, ByteView value) override {
    data_[std::string(key)] = Bytes(value.begin(), value.end());
    return Status::ok();
  }
  Status erase(std::string_view key) override {
    data_.erase(std::string(key));
    return Status::ok();
  }
  std::optional<Bytes> get(std::string_view key) const override {
    auto it = data_.find(std::string(key));
    if (it == data_.end()) return std::nullopt;
    return it->second;
  }
  Status sync() override { return Status::ok(); }

 private:
  std::map<std::string, Bytes> data_;
};

struct Sent {
  NodeId to;
  Bytes bytes;
};

struct Observed {
  std::string kind;
  std::map<std::string, std::int64_t> fields;
};

class FakeContext final : public Context {
 public:
  FakeContext(NodeId self, std::vector<NodeId> peers, std::uint64_t seed = 1)
      : self_(self), peers_(std::move(peers)), rng_(seed) {}

  NodeId self() const override { return self_; }
  std::span<const NodeId> peers() const override { return peers_; }
  void send(NodeId to, Bytes payload) override { sent.push_back({to, std::move(payload)}); }
  TimerId set_timer(Duration after, std::uint64_t tag) override {
    const TimerId id = next_timer_++;
    timers[id] = {now_ + after, tag};
    return id;
  }
  void cancel_timer(TimerId id) override { timers.erase(id); }
  Time now() const override { return now_; }
  Rng& rng() override { return rng_; }
  Storage& storage() override { return storage_; }
  void observe(std::string_view kind, ObsFields fields) override {
    Observed o{std::string(kind), {}};
    for (const auto& f : fields) o.fields[std::string(f.key)] = f.value;
    observed.push_back(std::move(o));
  }
  void log(std::string_view text) override { logs.emplace_back(text); }
  void reply(CommandId id, std::string json) override { replies[id] = std::move(json); }
  std::map<CommandId, std::string> replies;

  // Moves time forward by `d`, firing due timers (in deadline order) on `p`.
  void advance(Protocol& p, Duration d) {
    const Time end = now_ + d;
    for (;;) {
      auto next = timers.end();
      for (auto it = timers.begin(); it != timers.end(); ++it) {
        if (it->second.first <= end &&
            (next == timers.end() || it->second.first < next->second.first))
          next = it;
      }
      if (next == timers.end()) break;
      now_ = next->second.first;
      const std::uint64_t tag = next->second.second;
      timers.erase(next);
      p.on_timer(*this, tag);
    }
    now_ = end;
  }

  // Takes what was sent so far.
  std::vector<Sent> take() { return std::exchange(sent, {}); }
  std::size_t count(std::string_view kind) const {
    std::size_t n = 0;
    for (const auto& o : observed) n += o.kind == kind ? 1 : 0;
    return n;
  }
  const Observed* last(std::string_view kind) const {
    for (auto it = observed.rbegin(); it != observed.rend(); ++it) {
      if (it->kind == kind) return &*it;
    }
    return nullptr;
  }

  std::vector<Sent> sent;
  std::map<TimerId, std::pair<Time, std::uint64_t>> timers;
  std::vector<Observed> observed;
  std::vector<std::string> logs;

 private:
  NodeId self_;
  std::vector<NodeId> peers_;
  Rng rng_;
  MemStorage storage_;
  Time now_{1'000'000'000};
  TimerId next_timer_ = 1;
};

// The inner protocol: records deliveries and peer events; tests send through `ctx`.
class Recorder final : public Protocol {
 public:
  static constexpr ProtocolId kId = 77;
  ProtocolId id() const override { return kId; }
  std::string_view name() const override { return "recorder"; }
  void on_start(Context& c) override { ctx = &c; }
  void on_message(Context& c, NodeId from, ByteView payload) override {
    ctx = &c;
    got.emplace_back(from, to_string(payload));
  }
  void on_timer(Context& c, std::uint64_t tag) override {
    ctx = &c;
    timers.push_back(tag);
  }
  void on_peer_event(Context& c, NodeId peer, PeerEvent event) override {
    ctx = &c;
    events.emplace_back(peer, event);
  }
  void send(NodeId to, const std::string& s) { ctx->send(to, Bytes(s.begin(), s.end())); }

  Context* ctx = nullptr;
  std::vector<std::pair<NodeId, std::string>> got;
  std::vector<std::uint64_t> timers;
  std::vector<std::pair<NodeId, PeerEvent>> events;
};

inline ChannelFrame frame_of(const Sent& s) {
  Opened o = open(s.bytes, FrameLimits{1U << 20U, 64});
  return o.frame;
}

}  // namespace synod::channel::testing
