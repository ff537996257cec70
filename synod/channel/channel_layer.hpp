// ChannelLayer: the Protocol adapter both channels derive from. It hosts an inner protocol, takes
// its id and name (so the node routes the inner protocol's traffic to the channel), and hands the
// inner protocol a wrapped Context whose send() and writable() go through the channel. Timers are
// multiplexed on the tag's top bit (the channel's own timers have it set; the inner protocol's
// tags must not). Everything else passes through, so the inner protocol cannot tell it is layered
// except that it now receives on_peer_event. Timers use TimerTag (synod/node/timer_tag.hpp): the
// layer's own tags carry its TimerLayer (kChannel for the channels, kSnapshot for the snapshot
// layer stacked inside the reliable channel), and every other tag goes to the inner protocol
// unchanged, so stacked layers never steal each other's timers.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "synod/node/protocol.hpp"
#include "synod/node/timer_tag.hpp"

namespace synod::channel {

class ChannelLayer : public Protocol {
 public:
  explicit ChannelLayer(std::unique_ptr<Protocol> inner, TimerLayer layer = TimerLayer::kChannel);
  ~ChannelLayer() override;
  ChannelLayer(const ChannelLayer&) = delete;
  ChannelLayer& operator=(const ChannelLayer&) = delete;

  ProtocolId id() const override { return inner_->id(); }
  std::string_view name() const override { return inner_->name(); }
  void on_timer(Context& ctx, std::uint64_t tag) final;
  // Commands belong to the inner protocol; the channels have none of their own. A layer that has
  // some (the snapshot layer's "snapshot") overrides this and passes the rest on.
  void on_command(Context& ctx, CommandId id, std::string_view verb,
                  std::string_view args) override;

  // The inner protocol's status with the channel's own counters added under "channel", so tools
  // that read a protocol's status (synod local status, the demo) see the same shape either way.
  static std::string with_channel_status(const std::string& inner_json, nlohmann::json channel);
  Protocol& inner() { return *inner_; }
  const Protocol& inner() const { return *inner_; }

 protected:
  // The wrapped context's send() and writable().
  virtual void app_send(Context& base, NodeId to, Bytes payload) = 0;
  virtual bool app_writable(NodeId to) const = 0;
  // A timer the layer set with set_channel_timer (its tag carries this layer's TimerLayer).
  virtual void on_channel_timer(Context& base, TimerTag tag) = 0;

  template <typename Kind>
  TimerId set_channel_timer(Context& base, Duration after, Kind kind, std::uint64_t value = 0) {
    return base.set_timer(after, TimerTag::of(kind, value, layer_).raw());
  }

  // The context the inner protocol sees, bound to `base` (for calls a layer makes into it).
  Context& inner_context(Context& base);
  // Calls into the inner protocol with the wrapped context bound to `base`.
  void inner_start(Context& base, bool recovering);
  void inner_message(Context& base, NodeId from, ByteView payload);
  void inner_peer_event(Context& base, NodeId peer, PeerEvent event);

 private:
  class Wrapped;
  Wrapped& wrap(Context& base);

  std::unique_ptr<Protocol> inner_;
  std::unique_ptr<Wrapped> wrapped_;
  TimerLayer layer_;
};

}  // namespace synod::channel
