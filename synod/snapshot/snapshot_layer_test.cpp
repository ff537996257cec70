// The snapshot layer by hand (no simulator): garbage is counted and dropped, delivery is exactly
// once and in order, and every limit holds at its edge.
#include "synod/snapshot/snapshot_layer.hpp"

#include <gtest/gtest.h>

#include "synod/channel/channel_test_util.hpp"

namespace synod::snapshot {
namespace {

using channel::testing::FakeContext;

// An application that counts what it receives and records that count as its state.
class Counter final : public Snapshottable {
 public:
  ProtocolId id() const override { return 81; }
  std::string_view name() const override { return "counter"; }
  void on_start(Context& ctx) override { context = &ctx; }
  void on_message(Context& ctx, NodeId from, ByteView payload) override {
    (void)ctx;
    (void)from;
    (void)payload;
    ++received;
  }
  void on_timer(Context& ctx, std::uint64_t tag) override {
    (void)ctx;
    (void)tag;
  }
  Bytes record_state() const override { return Bytes(1, static_cast<std::uint8_t>(received)); }
  int received = 0;
  Context* context = nullptr;  // the layer's wrapped context (bound to the fixture's)
};

struct Fixture {
  Fixture() : ctx(1, {2, 3}) {
    auto app = std::make_unique<Counter>();
    counter = app.get();
    layer = std::make_unique<SnapshotLayer>(std::move(app), SnapshotOptions{});
    layer->on_start(ctx);
  }
  void data(NodeId from, std::uint64_t seq, Bytes payload = Bytes{7}) {
    Frame f;
    f.kind = static_cast<std::uint32_t>(FrameKind::kData);
    f.seq = seq;
    f.payload = std::move(payload);
    layer->on_message(ctx, from, wire::encode(f));
  }
  void marker(NodeId from, NodeId initiator, std::uint64_t snapshot) {
    Frame f;
    f.kind = static_cast<std::uint32_t>(FrameKind::kMarker);
    f.initiator = initiator;
    f.snapshot = snapshot;
    layer->on_message(ctx, from, wire::encode(f));
  }
  FakeContext ctx;
  Counter* counter = nullptr;
  std::unique_ptr<SnapshotLayer> layer;
};

TEST(SnapshotLayer, GarbageIsCountedAndDropped) {
  Fixture f;
  const Bytes junk[] = {{0xFF, 0xFF, 0xFF}, {0x08, 0x09}, {0x08, 0x01, 0x10}, {}};
  for (const Bytes& b : junk) f.layer->on_message(f.ctx, 2, b);
  f.data(9, 1);        // not a peer
  f.marker(2, 42, 1);  // initiator not in the cluster
  EXPECT_EQ(f.counter->received, 0);
  EXPECT_EQ(f.layer->stats().malformed, 6U);
  EXPECT_EQ(f.layer->open_snapshots(), 0U);
}

// Exactly once, in order: a duplicate is acknowledged, not delivered; a gap is not delivered.
TEST(SnapshotLayer, DeliversEachNumberOnceAndInOrder) {
  Fixture f;
  f.data(2, 1);
  f.data(2, 1);
  f.data(2, 3);
  f.data(2, 2);
  EXPECT_EQ(f.counter->received, 2);
  EXPECT_EQ(f.layer->stats().duplicates, 1U);
  EXPECT_EQ(f.layer->stats().gaps, 1U);
  f.data(2, 2, Bytes(kMaxAppPayload + 1));  // oversized from the wire: never delivered
  EXPECT_EQ(f.counter->received, 2);
}

// Without acknowledgements the outbox fills at kMaxOutbox: writable() turns false and a send
// anyway is refused (the application must not have debited for it); payloads over
// kMaxAppPayload are refused, at the limit accepted.
TEST(SnapshotLayer, OutboxLimitAndPayloadLimit) {
  Fixture f;
  Context& app = *f.counter->context;
  for (std::size_t i = 0; i < kMaxOutbox; ++i) {
    ASSERT_TRUE(app.writable(2));
    app.send(2, Bytes{1});
  }
  EXPECT_FALSE(app.writable(2));
  app.send(2, Bytes{1});
  EXPECT_EQ(f.layer->stats().sent, kMaxOutbox);
  EXPECT_EQ(f.layer->stats().rejected, 1U);
  app.send(3, Bytes(kMaxAppPayload + 1));
  EXPECT_EQ(f.layer->stats().rejected, 2U);
  app.send(3, Bytes(kMaxAppPayload));
  EXPECT_EQ(f.layer->stats().sent, kMaxOutbox + 1);
  // An acknowledgement of the first 10 frees room; a restart of the peer resends the rest.
  Frame ack;
  ack.kind = static_cast<std::uint32_t>(FrameKind::kAck);
  ack.seq = 10;
  f.layer->on_message(f.ctx, 2, wire::encode(ack));
  EXPECT_TRUE(app.writable(2));
  f.layer->on_peer_event(f.ctx, 2, PeerEvent::kRestarted);
  EXPECT_EQ(f.layer->stats().resent, kMaxOutbox - 10);
}

TEST(SnapshotLayer, OpenSnapshotLimit) {
  Fixture f;
  for (std::uint64_t s = 1; s <= kMaxOpenSnapshots + 1; ++s) f.marker(2, 2, s);
  EXPECT_EQ(f.layer->open_snapshots(), kMaxOpenSnapshots);
  EXPECT_EQ(f.layer->stats().markers_ignored, 1U);
  // Markers from the other peer close those snapshots: each reports and is forgotten; a late
  // marker of a finished snapshot is ignored.
  for (std::uint64_t s = 1; s <= kMaxOpenSnapshots; ++s) f.marker(3, 2, s);
  EXPECT_EQ(f.layer->open_snapshots(), 0U);
  f.marker(3, 2, 1);
  EXPECT_EQ(f.layer->stats().markers_ignored, 2U);
}

}  // namespace
}  // namespace synod::snapshot
