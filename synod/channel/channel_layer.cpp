#include "synod/channel/channel_layer.hpp"

#include "synod/core/assert.hpp"

namespace synod::channel {

class ChannelLayer::Wrapped final : public Context {
 public:
  explicit Wrapped(ChannelLayer& layer) : layer_(layer) {}

  void bind(Context& base) { base_ = &base; }

  NodeId self() const override { return base().self(); }
  std::span<const NodeId> peers() const override { return base().peers(); }
  void send(NodeId to, Bytes payload) override { layer_.app_send(base(), to, std::move(payload)); }
  bool writable(NodeId to) const override { return layer_.app_writable(to); }
  TimerId set_timer(Duration after, std::uint64_t tag) override {
    // A tag of this layer routes the timer back to the layer; an inner tag using it would be
    // stolen.
    SYNOD_ASSERT(TimerTag::from(tag).layer() != layer_.layer_);
    return base().set_timer(after, tag);
  }
  void cancel_timer(TimerId id) override { base().cancel_timer(id); }
  Time now() const override { return base().now(); }
  Rng& rng() override { return base().rng(); }
  Storage& storage() override { return base().storage(); }
  void observe(std::string_view kind, ObsFields fields) override { base().observe(kind, fields); }
  bool observed() const override { return base().observed(); }
  void log(std::string_view text) override { base().log(text); }
  void reply(CommandId id, std::string json) override { base().reply(id, std::move(json)); }

 private:
  Context& base() const {
    SYNOD_ASSERT(base_ != nullptr);
    return *base_;
  }

  ChannelLayer& layer_;
  // The driver's context of the current input; the same object for the node's life, but we
  // rebind on every input rather than assume it.
  Context* base_ = nullptr;
};

ChannelLayer::ChannelLayer(std::unique_ptr<Protocol> inner, TimerLayer layer)
    : inner_(std::move(inner)), wrapped_(std::make_unique<Wrapped>(*this)), layer_(layer) {
  SYNOD_ASSERT(inner_ != nullptr);
  SYNOD_ASSERT(layer_ != TimerLayer::kProtocol);  // layer 0 belongs to the innermost protocol
}

ChannelLayer::~ChannelLayer() = default;

ChannelLayer::Wrapped& ChannelLayer::wrap(Context& base) {
  wrapped_->bind(base);
  return *wrapped_;
}

Context& ChannelLayer::inner_context(Context& base) { return wrap(base); }

void ChannelLayer::on_timer(Context& ctx, std::uint64_t tag) {
  const TimerTag t = TimerTag::from(tag);
  if (t.layer() == layer_) {
    on_channel_timer(ctx, t);
  } else {  // the inner protocol's, or a layer's stacked inside: passed on unchanged
    inner_->on_timer(wrap(ctx), tag);
  }
}

void ChannelLayer::inner_start(Context& base, bool recovering) {
  if (recovering) {
    inner_->on_recover(wrap(base));
  } else {
    inner_->on_start(wrap(base));
  }
}

void ChannelLayer::inner_message(Context& base, NodeId from, ByteView payload) {
  inner_->on_message(wrap(base), from, payload);
}

void ChannelLayer::on_command(Context& ctx, CommandId id, std::string_view verb,
                              std::string_view args) {
  inner_->on_command(wrap(ctx), id, verb, args);
}

void ChannelLayer::inner_peer_event(Context& base, NodeId peer, PeerEvent event) {
  inner_->on_peer_event(wrap(base), peer, event);
}

std::string ChannelLayer::with_channel_status(const std::string& inner_json,
                                              nlohmann::json channel) {
  nlohmann::json out = nlohmann::json::parse(inner_json, nullptr, /*allow_exceptions=*/false);
  if (!out.is_object()) {
    // Not an object (or not JSON at all): keep it whole beside ours.
    nlohmann::json inner = inner_json.empty() || out.is_discarded() ? nlohmann::json() : out;
    out = nlohmann::json::object();
    out["inner"] = std::move(inner);
  }
  out["channel"] = std::move(channel);
  return out.dump();
}

}  // namespace synod::channel
