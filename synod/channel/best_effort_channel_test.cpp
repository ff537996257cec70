// The best-effort channel: intact or not at all, no retries, duplicates pass through.
#include <gtest/gtest.h>

#include "synod/channel/best_effort_channel.hpp"
#include "synod/channel/channel_observations.hpp"
#include "synod/channel/channel_test_util.hpp"

namespace synod::channel {
namespace {

using testing::FakeContext;
using testing::Recorder;

struct BeEnd {
  explicit BeEnd(NodeId id, BestEffortOptions o = {})
      : ctx(id, {id == 1 ? NodeId{2} : NodeId{1}}, id) {
    auto r = std::make_unique<Recorder>();
    rec = r.get();
    ch = std::make_unique<BestEffortChannel>(std::move(r), o);
    ch->on_start(ctx);
  }
  FakeContext ctx;
  Recorder* rec = nullptr;
  std::unique_ptr<BestEffortChannel> ch;
};

TEST(BestEffortChannel, DeliversIntactWithoutAcksOrTimers) {
  BeEnd a(1), b(2);
  a.rec->send(2, "payload");
  auto sent = a.ctx.take();
  ASSERT_EQ(sent.size(), 1U);
  EXPECT_TRUE(a.ctx.timers.empty());
  b.ch->on_message(b.ctx, 1, sent[0].bytes);
  ASSERT_EQ(b.rec->got.size(), 1U);
  EXPECT_EQ(b.rec->got[0].second, "payload");
  EXPECT_TRUE(b.ctx.sent.empty());  // no ack
  EXPECT_EQ(a.ctx.last(kObsSend)->fields.at("hash"), b.ctx.last(kObsDeliver)->fields.at("hash"));
  EXPECT_TRUE(a.rec->ctx->writable(2));
}

TEST(BestEffortChannel, CorruptFramesAreDroppedAndCounted) {
  BeEnd a(1), b(2);
  a.rec->send(2, "payload");
  Bytes frame = a.ctx.take()[0].bytes;
  for (std::size_t bit = 0; bit < frame.size() * 8; bit += 7) {
    Bytes bad = frame;
    bad[bit / 8] ^= static_cast<std::uint8_t>(1U << (bit % 8));
    b.ch->on_message(b.ctx, 1, bad);
  }
  EXPECT_TRUE(b.rec->got.empty());
  EXPECT_EQ(b.ch->stats().corrupt, (frame.size() * 8 + 6) / 7);
}

TEST(BestEffortChannel, NetworkDuplicatesAreNotSuppressed) {
  BeEnd a(1), b(2);
  a.rec->send(2, "twice");
  Bytes frame = a.ctx.take()[0].bytes;
  b.ch->on_message(b.ctx, 1, frame);
  b.ch->on_message(b.ctx, 1, frame);
  EXPECT_EQ(b.rec->got.size(), 2U);  // documented: best-effort is the raw network minus corruption
}

TEST(BestEffortChannel, OversizedSendIsRejected) {
  BestEffortOptions o;
  o.max_payload = 3;
  BeEnd a(1, o);
  a.rec->send(2, "four");
  EXPECT_TRUE(a.ctx.sent.empty());
  EXPECT_EQ(a.ch->stats().rejected, 1U);
  EXPECT_EQ(a.ctx.count(kObsReject), 1U);
}

}  // namespace
}  // namespace synod::channel
